import { Box, Group, Text, Tooltip } from '@mantine/core';

/**
 * One figure of a report: what it is, the number, a caption beside it (`inline`) or under it,
 * and a hint on hover saying how it is counted. Broadcast and workflow reports use it.
 */
export function Kpi({ label, value, caption, hint, testId, captionBelow = false }: { label: string; value: string; caption?: string; hint?: string; testId: string; captionBelow?: boolean }) {
  const captionText = caption && (
    <Text fz="xs" c="dimmed">
      {caption}
    </Text>
  );
  const body = (
    <Box
      data-testid={`kpi-${testId}`}
      p="sm"
      px="md"
      bg="white"
      style={{ border: '1px solid var(--mantine-color-gray-2)', borderRadius: 'var(--mantine-radius-md)' }}
    >
      <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em" lineClamp={2}>
        {label}
      </Text>
      <Group gap={6} align="baseline" mt={2} wrap="nowrap">
        <Text fz={22} fw={650} lh={1.3} data-testid="kpi-value">
          {value}
        </Text>
        {!captionBelow && captionText}
      </Group>
      {captionBelow && captionText}
    </Box>
  );
  return hint ? (
    <Tooltip label={hint} multiline w={280}>
      {body}
    </Tooltip>
  ) : (
    body
  );
}

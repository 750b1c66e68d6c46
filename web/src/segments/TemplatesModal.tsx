// Starting points: RFM groups, lapsed and one-time customers, top spenders. Picking one opens
// the builder with its definition, to read and change before saving.
import { Badge, Group, Modal, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronRight } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { useTemplatesQuery } from './model.ts';
import classes from './segments.module.css';

const RFM = new Set(['rfm_champions', 'rfm_loyal', 'rfm_potential_loyalists', 'rfm_at_risk', 'rfm_hibernating', 'rfm_lost']);

export function TemplatesModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const templates = useTemplatesQuery(opened);
  const navigate = useNavigate();
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Start from a template</Text>} size="xl" scrollAreaComponent={ScrollArea.Autosize}>
      <Text fz="sm" c="dimmed" mb="md">
        Each template is an ordinary segment definition, with thresholds taken from your own purchases today. It opens in the builder, to change before you save it.
      </Text>
      {templates.isPending ? (
        <LoadingBlock label="Loading templates" />
      ) : templates.isError ? (
        <ErrorBlock error={templates.error} onRetry={() => void templates.refetch()} />
      ) : (
        <Stack gap="xs" role="list" aria-label="Templates">
          {templates.data.items.map((t) => (
            <UnstyledButton
              key={t.key}
              role="listitem"
              aria-label={t.name}
              className={classes.template}
              onClick={() => {
                onClose();
                navigate(`/segments/new?template=${encodeURIComponent(t.key)}`);
              }}
            >
              <Group justify="space-between" wrap="nowrap" gap="md">
                <Stack gap={4}>
                  <Group gap="xs">
                    <Text fw={600} fz="sm">
                      {t.name}
                    </Text>
                    {RFM.has(t.key) && (
                      <Badge size="xs" color="violet">
                        RFM
                      </Badge>
                    )}
                  </Group>
                  <Text fz="xs" c="dimmed" lh={1.5}>
                    {t.description}
                  </Text>
                </Stack>
                <IconChevronRight size={18} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} />
              </Group>
            </UnstyledButton>
          ))}
        </Stack>
      )}
    </Modal>
  );
}

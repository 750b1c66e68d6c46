import { Stack, Text } from '@mantine/core';
import classes from '../contacts.module.css';

const n = (x: number) => x.toLocaleString('en');

/** A count with its label, for an import's progress and result. */
export function Stat({ label, value, color, hint }: { label: string; value: number; color?: string; hint?: string }) {
  return (
    <Stack gap={2} className={classes.stat}>
      <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
        {label}
      </Text>
      <Text fz={24} fw={700} c={color} lh={1.2}>
        {n(value)}
      </Text>
      {hint && (
        <Text fz="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Stack>
  );
}

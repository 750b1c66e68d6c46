import { Group, Text } from '@mantine/core';

export function LogoMark({ size = 28, inverted = false }: { size?: number; inverted?: boolean }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" fill={inverted ? '#ffffff' : 'var(--mantine-color-brand-6)'} />
      <path
        d="M10 23V9h6.2c3.2 0 5.3 1.8 5.3 4.6 0 2-1.1 3.5-2.9 4.1L22 23h-3.6l-2.9-4.9H13.3V23H10zm3.3-7.6h2.7c1.4 0 2.2-.7 2.2-1.8s-.8-1.8-2.2-1.8h-2.7v3.6z"
        fill={inverted ? 'var(--mantine-color-brand-7)' : '#ffffff'}
      />
    </svg>
  );
}

export function Logo({ inverted = false }: { inverted?: boolean }) {
  return (
    <Group gap={10} wrap="nowrap">
      <LogoMark inverted={inverted} />
      <Text fw={700} fz={19} lts={-0.3} c={inverted ? 'white' : undefined}>
        Rapport
      </Text>
    </Group>
  );
}

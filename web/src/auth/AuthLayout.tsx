import { Box, Group, List, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Logo } from '../components/Logo.tsx';
import classes from './AuthLayout.module.css';

// What Rapport does today, nothing more: this is the first thing a new user reads.
const POINTS = [
  'Every customer with their orders, emails and visits on one timeline',
  'Import spreadsheets and order history, or send events from your shop',
  'Segments that stay up to date, and email broadcasts that reach them',
];

/** The frame of the pages before the app: the brand on the left, the form on the right. */
export function AuthLayout({ title, subtitle, children }: { title: ReactNode; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <Box className={classes.root}>
      <Box className={classes.brand} visibleFrom="md">
        <Logo inverted />
        <Stack gap="xl" maw={440}>
          <Title order={1} c="white" fz={36} lh={1.15} lts={-0.6}>
            Keep the customers you worked so hard to win.
          </Title>
          <List
            spacing="md"
            c="brand.0"
            fz="md"
            icon={
              <ThemeIcon size={22} radius="xl" color="white" c="brand.7">
                <IconCheck size={14} stroke={3} />
              </ThemeIcon>
            }
          >
            {POINTS.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        </Stack>
        <Text fz="sm" c="brand.1">
          Open source and self-hosted. Your customers’ data stays yours.
        </Text>
      </Box>
      <Box className={classes.main}>
        <Stack className={classes.form} gap="xl">
          <Group hiddenFrom="md">
            <Logo />
          </Group>
          <Stack gap={6}>
            <Title order={2} fz={26} lts={-0.4}>
              {title}
            </Title>
            {subtitle && (
              <Text c="dimmed" fz="sm">
                {subtitle}
              </Text>
            )}
          </Stack>
          {children}
        </Stack>
      </Box>
    </Box>
  );
}

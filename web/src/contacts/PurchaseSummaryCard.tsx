// A contact's orders at a glance, at the top of their page: how many, what they came to, what
// was refunded, and when. Amounts in different currencies are shown side by side, each in its
// own currency, never added together.
import { Box, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconShoppingBag } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { formatMoney } from './format.ts';
import type { PurchaseSummary } from './model.ts';

type Currency = PurchaseSummary['currencies'][number];
const count = (n: number) => n.toLocaleString('en');
const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

export function PurchaseSummaryCard({ summary }: { summary: PurchaseSummary }) {
  if (summary.orders === 0 && summary.refunds === 0) {
    return (
      <Card py="md" aria-label="Orders" data-testid="purchase-summary">
        <Group gap="sm" wrap="nowrap">
          <ThemeIcon variant="light" color="gray" radius="xl" size={32}>
            <IconShoppingBag size={17} stroke={1.7} />
          </ThemeIcon>
          <Box>
            <Text fz="sm" fw={600}>
              No orders yet
            </Text>
            <Text fz="xs" c="dimmed">
              Orders imported from your shop or sent by it through the tracking API show here.
            </Text>
          </Box>
        </Group>
      </Card>
    );
  }
  const several = summary.currencies.length > 1;
  const money = (pick: (c: Currency) => number | null, only?: (c: Currency) => boolean) =>
    summary.currencies.filter((c) => (only ? only(c) : true) && pick(c) !== null).map((c) => ({ key: c.currency, text: formatMoney(pick(c), c.currency) ?? '' }));
  const refunded = money((c) => c.refunded, (c) => c.refunded !== 0);
  return (
    <Card aria-label="Orders" data-testid="purchase-summary">
      {/* By the card's own width: eight figures in a row on a laptop, two by two on a phone. */}
      <SimpleGrid type="container" cols={{ base: 2, '460px': 4, '920px': 8 }} spacing={{ base: 'md', '920px': 'lg' }} verticalSpacing="md">
        <Stat label="Orders" testId="orders" sub={several ? summary.currencies.map((c) => `${count(c.orders)} in ${c.currency}`).join(' · ') : undefined}>
          {count(summary.orders)}
        </Stat>
        <Stat label="Items bought" testId="items">
          {count(summary.items)}
        </Stat>
        <Stat label="Total spent" testId="spent">
          <Amounts lines={money((c) => c.spent)} />
        </Stat>
        <Stat label="Refunded" testId="refunded" sub={summary.refunds > 0 ? plural(summary.refunds, 'refund') : undefined}>
          {refunded.length > 0 ? <Amounts lines={refunded} /> : 'None'}
        </Stat>
        <Stat label="After refunds" testId="net">
          <Amounts lines={money((c) => c.net)} />
        </Stat>
        <Stat label="Average order" testId="average">
          <Amounts lines={money((c) => c.averageOrder)} />
        </Stat>
        <Stat label="First order" testId="first">
          <When at={summary.firstOrderAt} />
        </Stat>
        <Stat label="Last order" testId="last">
          <When at={summary.lastOrderAt} />
        </Stat>
      </SimpleGrid>
      {several && (
        <Text fz="xs" c="dimmed" mt="md">
          Orders in {summary.currencies.length} currencies: each amount is shown in its own currency, never added together.
        </Text>
      )}
    </Card>
  );
}

function Stat({ label, testId, sub, children }: { label: string; testId: string; sub?: string; children: ReactNode }) {
  return (
    <Stack gap={2} data-testid={`summary-${testId}`} style={{ minWidth: 0 }}>
      <Text fz={11} c="dimmed" fw={600} tt="uppercase" lts="0.04em">
        {label}
      </Text>
      <Box fz="lg" fw={650} lh={1.3} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {children}
      </Box>
      {sub && (
        <Text fz="xs" c="dimmed">
          {sub}
        </Text>
      )}
    </Stack>
  );
}

function Amounts({ lines }: { lines: { key: string; text: string }[] }) {
  if (lines.length === 0) return <>—</>;
  return (
    <>
      {lines.map((l) => (
        <Box key={l.key} style={{ whiteSpace: 'nowrap' }}>
          {l.text}
        </Box>
      ))}
    </>
  );
}

function When({ at }: { at: string | null }) {
  if (!at) return <>—</>;
  return (
    <Tooltip label={formatDateTime(at)}>
      <Box component="span" style={{ whiteSpace: 'nowrap' }}>
        {fromNow(at)}
      </Box>
    </Tooltip>
  );
}

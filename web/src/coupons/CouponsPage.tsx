// The Coupons area: the campaigns, newest first, each with its code (or how many unique codes),
// its offer, where it is shared, its state, how often it was used, and what the orders that
// used it came to and saved, per currency; "New campaign"; and "Test a code".
import { Anchor, Badge, Button, Card, EmptyState, Group, Stack, Table, Text } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconDiscount2, IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { useDefaultCurrency } from '../components/CurrencySelect.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { count, plural } from '../reports/format.ts';
import { CampaignModal } from './CampaignModal.tsx';
import { type CampaignSummary, useCampaignsQuery } from './model.ts';
import { TestCodeCard } from './TestCodeCard.tsx';
import { channelText, offerText, perCurrency, STATE_COLORS, STATE_LABELS } from './words.ts';

export function CouponsPage() {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const currency = useDefaultCurrency();
  const campaigns = useCampaignsQuery();
  const [open, modal] = useDisclosure(false);
  const items = campaigns.data?.campaigns ?? [];
  const phone = useMediaQuery('(max-width: 48em)');
  const newButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={modal.open} disabled={!canWrite} data-testid="new-campaign">
      New campaign
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Coupons"
        description="Discount codes for your shop: one code everyone can use, or a code per customer. Your checkout asks Rapport whether a code is valid and records its use, so each campaign shows the orders it brought, channel by channel."
        actions={items.length > 0 ? newButton : undefined}
      />
      <Stack gap="lg">
        {campaigns.isPending ? (
          <Card>
            <LoadingBlock label="Loading campaigns" />
          </Card>
        ) : campaigns.isError ? (
          <ErrorBlock error={campaigns.error} onRetry={() => void campaigns.refetch()} />
        ) : items.length === 0 ? (
          <Card py="xl">
            <EmptyState
              variant="light"
              color="green"
              icon={<IconDiscount2 size={30} stroke={1.6} />}
              title="No coupon campaigns yet"
              description={
                canWrite
                  ? 'Create one: a code to share on social media or in a newsletter, or unique codes to send each customer or give as a loyalty reward.'
                  : 'Marketers, admins and owners create campaigns.'
              }
              maw={620}
              mx="auto"
            >
              {canWrite && <EmptyState.Actions>{newButton}</EmptyState.Actions>}
            </EmptyState>
          </Card>
        ) : (
          phone ? (
            <CampaignCards items={items} />
          ) : (
            <Card p={0}>
              <CampaignsTable items={items} />
            </Card>
          )
        )}
        {/* Anew once the workspace's currency is known. */}
        <TestCodeCard key={currency} currency={currency} />
      </Stack>
      <CampaignModal opened={open} campaign={null} currency={currency} onClose={modal.close} />
    </>
  );
}

function CampaignsTable({ items }: { items: CampaignSummary[] }) {
  return (
    <Table.ScrollContainer minWidth={880} type="native">
      <Table aria-label="Coupon campaigns" verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Campaign</Table.Th>
            <Table.Th>Code</Table.Th>
            <Table.Th>Shared</Table.Th>
            <Table.Th ta="right">Used</Table.Th>
            <Table.Th ta="right">Orders</Table.Th>
            <Table.Th ta="right">Discounts</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr key={c.id} data-testid="campaign-row">
              <Table.Td style={{ maxWidth: 300 }}>
                <Anchor component={Link} to={`/coupons/${c.id}`} fz="sm" fw={650} lineClamp={1}>
                  {c.name}
                </Anchor>
                <Text fz="xs" c="dimmed">
                  {offerText(c.discount)}{' '}
                  {c.state !== 'active' && (
                    <Badge size="xs" color={STATE_COLORS[c.state]} variant="light" ml={4}>
                      {STATE_LABELS[c.state]}
                    </Badge>
                  )}
                </Text>
              </Table.Td>
              <Table.Td>
                {c.codeKind === 'shared' ? (
                  <Text fz="sm" ff="monospace" fw={600}>
                    {c.sharedCode}
                  </Text>
                ) : (
                  <Text fz="sm">{plural(c.codes, 'unique code')}</Text>
                )}
              </Table.Td>
              <Table.Td fz="sm">{channelText(c.channel, c.channelDetail)}</Table.Td>
              <Table.Td ta="right" fz="sm" fw={600}>
                {count(c.redemptions)}
              </Table.Td>
              <Table.Td ta="right" fz="sm" style={{ whiteSpace: 'nowrap' }}>
                {perCurrency(c.revenue.map((r) => ({ currency: r.currency, amount: r.orders })))}
              </Table.Td>
              <Table.Td ta="right" fz="sm" style={{ whiteSpace: 'nowrap' }}>
                {perCurrency(c.revenue.map((r) => ({ currency: r.currency, amount: r.discount })))}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** On a phone: a card per campaign, every figure in sight. */
function CampaignCards({ items }: { items: CampaignSummary[] }) {
  return (
    <Stack gap="sm" role="list" aria-label="Coupon campaigns">
      {items.map((c) => (
        <Card key={c.id} padding="md" role="listitem" data-testid="campaign-row">
          <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
            <Anchor component={Link} to={`/coupons/${c.id}`} fz="sm" fw={650} style={{ minWidth: 0 }}>
              {c.name}
            </Anchor>
            <Badge size="sm" color={STATE_COLORS[c.state]} variant={c.state === 'active' ? 'light' : 'outline'} style={{ flexShrink: 0 }}>
              {STATE_LABELS[c.state]}
            </Badge>
          </Group>
          <Text fz="xs" c="dimmed" mt={2}>
            {offerText(c.discount)} · {c.codeKind === 'shared' ? c.sharedCode : plural(c.codes, 'unique code')} · {channelText(c.channel, c.channelDetail)}
          </Text>
          <Text fz="sm" mt="xs">
            {c.redemptions === 0 ? 'Not used yet' : `Used ${c.redemptions === 1 ? 'once' : `${count(c.redemptions)} times`}`}
            {c.revenue.length > 0 && ` · orders ${perCurrency(c.revenue.map((r) => ({ currency: r.currency, amount: r.orders })))} · discounts ${perCurrency(c.revenue.map((r) => ({ currency: r.currency, amount: r.discount })))}`}
          </Text>
        </Card>
      ))}
    </Stack>
  );
}

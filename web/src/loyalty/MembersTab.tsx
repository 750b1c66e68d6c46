// The members with the most points first: each with points they can use, points still pending,
// their tier and the points that expire next. A name opens the customer's page, where their
// statement is.
import { Anchor, Badge, Card, EmptyState, Select, Table, Text, Tooltip } from '@mantine/core';
import { IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { count, DASH } from '../reports/format.ts';
import { useLoyalty } from './LoyaltyPage.tsx';
import { MEMBERS_SHOWN, useMembersQuery } from './model.ts';

export function MembersTab() {
  const { overview } = useLoyalty();
  const [tierId, setTierId] = useState<string | null>(null);
  const members = useMembersQuery(tierId);
  const tiers = new Map(overview.tiers.map((t) => [t.id, t.name]));
  const rows = members.data?.members ?? [];
  return (
    <Card>
      <SectionHeader
        title="Members"
        description={`Customers who have earned points, the most points first (up to ${count(MEMBERS_SHOWN)}). Open one to see every change of their points and why.`}
        actions={
          overview.tiers.length > 0 && (
            <Select
              aria-label="Tier"
              size="xs"
              w={180}
              placeholder="Every tier"
              clearable
              data={overview.tiers.map((t) => ({ value: t.id, label: t.name }))}
              value={tierId}
              onChange={setTierId}
              data-testid="members-tier"
            />
          )
        }
      />
      {members.isPending ? (
        <LoadingBlock label="Loading members" />
      ) : members.isError ? (
        <ErrorBlock error={members.error} onRetry={() => void members.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          variant="light"
          color="grape"
          icon={<IconUsers size={28} stroke={1.6} />}
          title={tierId ? 'Nobody in this tier' : 'No members yet'}
          description={tierId ? 'Members show here once they reach it.' : 'Customers become members when they first earn points by one of your earning rules.'}
          py="lg"
          mx="auto"
          maw={520}
        />
      ) : (
        <Table.ScrollContainer minWidth={640} type="native">
          <Table aria-label="Members" verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Customer</Table.Th>
                <Table.Th ta="right">Points</Table.Th>
                <Table.Th ta="right">Pending</Table.Th>
                <Table.Th>Tier</Table.Th>
                <Table.Th>Expiring next</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((m) => (
                <Table.Tr key={m.contactId} data-testid="member-row">
                  <Table.Td style={{ maxWidth: 280 }}>
                    <Anchor component={Link} to={`/contacts/${m.contactId}`} fz="sm" fw={600} lineClamp={1}>
                      {m.name || m.email || 'Unnamed customer'}
                    </Anchor>
                    {m.name && m.email && (
                      <Text fz="xs" c="dimmed" lineClamp={1}>
                        {m.email}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right" fz="sm" fw={600} style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {count(m.points)}
                  </Table.Td>
                  <Table.Td ta="right" fz="sm" c={m.pending ? undefined : 'dimmed'} style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {m.pending ? count(m.pending) : DASH}
                  </Table.Td>
                  <Table.Td>
                    {m.tierId && tiers.has(m.tierId) ? (
                      <Badge color="grape" variant="light">
                        {tiers.get(m.tierId)}
                      </Badge>
                    ) : (
                      <Text fz="sm" c="dimmed">
                        {DASH}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td fz="sm" style={{ whiteSpace: 'nowrap' }}>
                    {m.nextExpiryAt && m.nextExpiryPoints ? (
                      <Tooltip label={formatDateTime(m.nextExpiryAt)}>
                        <span>
                          {count(m.nextExpiryPoints)} on {formatDate(m.nextExpiryAt)}
                        </span>
                      </Tooltip>
                    ) : (
                      <Text fz="sm" c="dimmed">
                        {DASH}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

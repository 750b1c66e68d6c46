// A coupon campaign: its terms in a sentence, pause, resume or end it, change it; the shared
// code shown big with a copy button, or the unique codes (generation, the list, the CSV); what
// it did by channel, each currency on its own; and its latest uses.
import { Anchor, Badge, Box, Button, Card, CopyButton, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCheck, IconChevronLeft, IconCopy, IconPencil, IconPlayerPause, IconPlayerPlay, IconPlayerStop } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { useDefaultCurrency } from '../components/CurrencySelect.tsx';
import { PageHeader, SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { isApiError } from '../lib/api.ts';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { count, DASH, money } from '../reports/format.ts';
import { DataTable } from '../reports/parts.tsx';
import { CampaignModal } from './CampaignModal.tsx';
import { CodesCard } from './CodesCard.tsx';
import { bodyOfCampaign, type CampaignDetail, type CampaignState, type Redemption, useCampaignQuery, useSaveCampaign } from './model.ts';
import { CHANNEL_VIA, channelText, REDEMPTION_LABELS, STATE_COLORS, STATE_LABELS, termsSentence } from './words.ts';

export function CampaignPage() {
  const { id = '' } = useParams();
  const query = useCampaignQuery(id);
  if (query.isPending) return <LoadingBlock label="Loading the campaign" />;
  if (query.isError) {
    if (isApiError(query.error, 404) || isApiError(query.error, 400)) return <NotFoundPage />;
    return <ErrorBlock error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <Campaign detail={query.data} />;
}

function Campaign({ detail }: { detail: CampaignDetail }) {
  const c = detail.campaign;
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const currency = useDefaultCurrency();
  const [editOpen, edit] = useDisclosure(false);
  const [ending, setEnding] = useState(false);
  const save = useSaveCampaign();
  const setState = (state: CampaignState, done: string) =>
    save.mutate(
      { id: c.id, body: { ...bodyOfCampaign(c), state } },
      { onSuccess: () => (setEnding(false), notifySuccess(done, `Campaign ${STATE_LABELS[state].toLowerCase()}`)), onError: (err) => notifyError(err, 'The campaign could not be changed') },
    );
  return (
    <>
      <Anchor component={Link} to="/coupons" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Coupons
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span" wrap="wrap">
            <span>{c.name}</span>
            <Badge color={STATE_COLORS[c.state]} variant={c.state === 'active' ? 'filled' : 'light'} data-testid="campaign-state">
              {STATE_LABELS[c.state]}
            </Badge>
          </Group>
        }
        description={
          <span data-testid="campaign-terms">
            {termsSentence(c)} Shared {CHANNEL_VIA[c.channel]}
            {c.channelDetail ? ` (${c.channelDetail})` : ''}.
          </span>
        }
        actions={
          canWrite && (
            <>
              <Button variant="default" size="xs" leftSection={<IconPencil size={14} />} onClick={edit.open}>
                Change
              </Button>
              {c.state === 'active' && (
                <Button variant="default" size="xs" leftSection={<IconPlayerPause size={14} />} loading={save.isPending} onClick={() => setState('paused', 'Codes are refused until you resume it.')}>
                  Pause
                </Button>
              )}
              {c.state !== 'active' && (
                <Button variant="default" size="xs" leftSection={<IconPlayerPlay size={14} />} loading={save.isPending} onClick={() => setState('active', 'Its codes can be used again.')}>
                  {c.state === 'ended' ? 'Start again' : 'Resume'}
                </Button>
              )}
              {c.state !== 'ended' && (
                <Button variant="default" color="red" size="xs" leftSection={<IconPlayerStop size={14} />} onClick={() => setEnding(true)}>
                  End
                </Button>
              )}
            </>
          )
        }
      />
      <Stack gap="lg">
        {c.codeKind === 'shared' ? <SharedCode code={c.sharedCode ?? ''} uses={detail.byChannel.reduce((n, r) => n + r.redemptions, 0)} /> : <CodesCard detail={detail} canWrite={canWrite} />}
        <ByChannel detail={detail} />
        <Redemptions items={detail.redemptions} />
      </Stack>
      <CampaignModal opened={editOpen} campaign={c} currency={currency} onClose={edit.close} />
      <ConfirmModal opened={ending} title={`End “${c.name}”?`} confirmLabel="End the campaign" loading={save.isPending} onConfirm={() => setState('ended', 'Its codes are refused from now on.')} onClose={() => setEnding(false)}>
        Its codes are refused at checkout from now on, and rewards stop giving them. Its codes and results stay; you can start it again.
      </ConfirmModal>
    </>
  );
}

function SharedCode({ code, uses }: { code: string; uses: number }) {
  return (
    <Card data-testid="shared-code">
      <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
        The code
      </Text>
      <Group gap="md" mt={6} wrap="wrap" align="center">
        <Text ff="monospace" fz={{ base: 28, sm: 36 }} fw={700} lts="0.06em" style={{ wordBreak: 'break-all' }} data-testid="shared-code-text">
          {code}
        </Text>
        <CopyButton value={code} timeout={2000}>
          {({ copied, copy }) => (
            <Button variant={copied ? 'light' : 'default'} color={copied ? 'teal' : 'gray'} size="xs" leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Text fz="sm" c="dimmed" mt="xs">
        Everyone can type it at checkout, as the terms allow. {uses > 0 ? `Used ${uses === 1 ? 'once' : `${count(uses)} times`} so far.` : 'Not used yet.'}
      </Text>
    </Card>
  );
}

function ByChannel({ detail }: { detail: CampaignDetail }) {
  const rows = detail.byChannel;
  return (
    <Card data-testid="by-channel">
      <SectionHeader title="Results by channel" description="Uses, and what the orders came to before the discount; each currency on its own row." />
      {rows.length === 0 ? (
        <Text fz="sm" c="dimmed">
          Not used yet.
        </Text>
      ) : (
        <DataTable
          label="Results by channel"
          minWidth={520}
          head={['Channel', 'Used', 'Orders', 'Discounts']}
          rows={rows.map((r) => [channelText(r.channel, r.channelDetail), count(r.redemptions), money(r.orders, r.currency), money(r.discount, r.currency)])}
        />
      )}
    </Card>
  );
}

function Redemptions({ items }: { items: Redemption[] }) {
  return (
    <Card data-testid="redemptions">
      <SectionHeader title="Latest uses" description="The last 50, with codes held at checkout and uses cancelled by the shop." />
      {items.length === 0 ? (
        <Text fz="sm" c="dimmed">
          Nobody has used a code of this campaign yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760} type="native">
          <Table aria-label="Latest uses" verticalSpacing="xs" fz="sm" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Code</Table.Th>
                <Table.Th ta="right">Discount</Table.Th>
                <Table.Th ta="right">Order total</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Order</Table.Th>
                <Table.Th>Customer</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((r) => (
                <Table.Tr key={r.id} data-testid="redemption-row">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Tooltip label={formatDateTime(r.redeemedAt ?? r.createdAt)}>
                      <span>{fromNow(r.redeemedAt ?? r.createdAt)}</span>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td ff="monospace">{r.code}</Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {r.freeShipping ? 'Free shipping' : money(r.discount, r.currency)}
                  </Table.Td>
                  <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                    {money(r.amount, r.currency)}
                  </Table.Td>
                  <Table.Td>
                    <Box component="span" c={r.state === 'redeemed' ? 'teal.8' : 'dimmed'}>
                      {REDEMPTION_LABELS[r.state]}
                    </Box>
                  </Table.Td>
                  <Table.Td>{r.orderId ?? DASH}</Table.Td>
                  <Table.Td>
                    {r.contactId ? (
                      <Anchor component={Link} to={`/contacts/${r.contactId}`} fz="sm">
                        View customer
                      </Anchor>
                    ) : (
                      DASH
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

// The unique codes of a campaign: how many there are and how many were given to a customer;
// "Generate codes" (a batch made in the background, its progress shown as it goes); the codes
// page by page; and all of them as a CSV file.
import { Alert, Anchor, Badge, Button, Card, Group, NumberInput, Progress, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconDownload, IconWand } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadMore, LoadingBlock } from '../components/QueryState.tsx';
import { formatDateTime } from '../lib/format.ts';
import { applyFieldErrors, notifySuccess } from '../lib/notify.tsx';
import { count, DASH, plural } from '../reports/format.ts';
import { type Batch, type CampaignDetail, type Channel, codesCsvHref, useCodesQuery, useGenerateCodes } from './model.ts';
import { CHANNEL_LABELS, channelText } from './words.ts';

export function CodesCard({ detail, canWrite }: { detail: CampaignDetail; canWrite: boolean }) {
  const c = detail.campaign;
  return (
    <Card data-testid="codes">
      <SectionHeader
        title="Codes"
        description={`${plural(detail.codes, 'code')}, ${count(detail.issued)} given to a customer. Codes are made here in bulk (to hand out or print), or one at a time when a loyalty reward gives one.`}
        actions={
          detail.codes > 0 && (
            <Button component="a" href={codesCsvHref(c.id)} download variant="default" size="xs" leftSection={<IconDownload size={14} />} data-testid="codes-csv">
              Download codes (CSV)
            </Button>
          )
        }
      />
      <Stack gap="lg">
        {canWrite && c.state !== 'ended' && <Generate campaignId={c.id} channel={c.channel} />}
        {detail.batches.length > 0 && <Batches batches={detail.batches} />}
        {detail.codes > 0 && <CodesList campaignId={c.id} codes={detail.codes} />}
      </Stack>
    </Card>
  );
}

type Values = { count: number | string; channel: Channel; channelDetail: string };

function Generate({ campaignId, channel }: { campaignId: string; channel: Channel }) {
  const form = useForm<Values>({
    initialValues: { count: 100, channel, channelDetail: '' },
    validate: { count: (v) => (Number(v) >= 1 ? null : 'How many codes?') },
  });
  const [error, setError] = useState<string | null>(null);
  const generate = useGenerateCodes(campaignId);
  const submit = (v: Values) =>
    generate.mutate(
      { count: Number(v.count), channel: v.channel === channel ? null : v.channel, channelDetail: v.channelDetail.trim() || null },
      {
        onSuccess: (b) => {
          setError(null);
          notifySuccess('They show below as they are made.', `Making ${plural(b.requested, 'code')}`);
        },
        onError: (err) => setError(applyFieldErrors(form, err)),
      },
    );
  return (
    <form noValidate onSubmit={form.onSubmit(submit)} data-testid="generate-codes">
      <Stack gap="xs">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <NumberInput label="Generate" description="Up to 5,000,000 at a time" suffix=" codes" min={1} max={5_000_000} allowDecimal={false} allowNegative={false} thousandSeparator="," {...form.getInputProps('count')} />
          <Select
            label="Shared through"
            description="Where these codes go"
            allowDeselect={false}
            data={(Object.keys(CHANNEL_LABELS) as Channel[]).map((ch) => ({ value: ch, label: CHANNEL_LABELS[ch] }))}
            {...form.getInputProps('channel')}
          />
          <TextInput label="Where exactly" placeholder="Flyers at the spring market" description="Optional" {...form.getInputProps('channelDetail')} />
        </SimpleGrid>
        <Group>
          <Button type="submit" leftSection={<IconWand size={16} />} loading={generate.isPending}>
            Generate codes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Batches({ batches }: { batches: Batch[] }) {
  return (
    <Stack gap="xs" data-testid="batches">
      {batches.slice(0, 5).map((b) => (
        <div key={b.id} data-testid="batch">
          <Group justify="space-between" gap="xs" wrap="nowrap">
            <Text fz="sm">
              {plural(b.requested, 'code')}
              {b.channel ? ` · ${channelText(b.channel, b.channelDetail)}` : ''} · {formatDateTime(b.createdAt)}
            </Text>
            <Badge color={b.state === 'done' ? 'teal' : b.state === 'failed' ? 'red' : 'blue'} variant="light" style={{ flexShrink: 0 }} data-testid="batch-state">
              {b.state === 'done' ? 'Done' : b.state === 'failed' ? 'Failed' : `${count(b.generated)} of ${count(b.requested)}`}
            </Badge>
          </Group>
          {b.state === 'running' && <Progress value={b.requested ? (100 * b.generated) / b.requested : 0} mt={4} size="sm" animated aria-label="Codes made so far" />}
          {b.state === 'failed' && b.error && (
            <Text fz="xs" c="red.8" mt={2}>
              {b.error}
            </Text>
          )}
        </div>
      ))}
    </Stack>
  );
}

function CodesList({ campaignId, codes }: { campaignId: string; codes: number }) {
  const query = useCodesQuery(campaignId, codes);
  if (query.isPending) return <LoadingBlock label="Loading codes" />;
  if (query.isError) return <ErrorBlock error={query.error} onRetry={() => void query.refetch()} />;
  const rows = query.data.pages.flatMap((p) => p.codes);
  return (
    <div>
      <Table.ScrollContainer minWidth={560} maxHeight={420} type="native">
        <Table aria-label="Codes" verticalSpacing={6} fz="sm" striped stickyHeader>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Code</Table.Th>
              <Table.Th>Given to</Table.Th>
              <Table.Th>Shared</Table.Th>
              <Table.Th ta="right">Used</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((k) => (
              <Table.Tr key={k.id} data-testid="code-row">
                <Table.Td ff="monospace" fw={600}>
                  {k.code}
                </Table.Td>
                <Table.Td>
                  {k.contactId ? (
                    <Anchor component={Link} to={`/contacts/${k.contactId}`} fz="sm">
                      View customer
                    </Anchor>
                  ) : (
                    <Text span fz="sm" c="dimmed">
                      Nobody yet
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{channelText(k.channel, null)}</Table.Td>
                <Table.Td ta="right">{k.redemptions > 0 ? count(k.redemptions) : DASH}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <LoadMore query={query} />
    </div>
  );
}

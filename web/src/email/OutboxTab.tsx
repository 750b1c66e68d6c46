// Email › Outbox: the latest messages with their state, how they went (or the outbox, when no
// SMTP server is set), and each one as it was sent.
import { Alert, Anchor, Badge, Card, EmptyState, Group, Select, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconInbox, IconInfoCircle, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorBlock, LoadMore, LoadingBlock } from '../components/QueryState.tsx';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { MessageModal } from './MessageModal.tsx';
import { MESSAGE_STATE_COLORS, MESSAGE_STATES, useEmailSettingsQuery, useMessagesQuery } from './model.ts';
import classes from './email.module.css';

const TRANSPORT_LABELS: Record<string, string> = { smtp: 'SMTP', outbox: 'Outbox' };

export function OutboxTab() {
  const [state, setState] = useState<string | null>(null);
  const [to, setTo] = useState('');
  const [debouncedTo] = useDebouncedValue(to.trim(), 300);
  const messages = useMessagesQuery({ state, to: debouncedTo });
  const settings = useEmailSettingsQuery();
  const [params, setParams] = useSearchParams();
  const open = params.get('message');
  const setOpen = (id: string | null) => setParams(id ? { message: id } : {}, { replace: true });
  const items = messages.data?.pages.flat() ?? [];
  const filtered = state !== null || debouncedTo !== '';
  const noSmtp = settings.data && !settings.data.smtpHost;

  return (
    <>
      {noSmtp && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} mb="md">
          No SMTP server is set, so messages are kept here instead of being delivered.{' '}
          <Anchor component={Link} to="/settings/email" fz="sm" fw={600}>
            Set up sending
          </Anchor>
        </Alert>
      )}
      <Group mb="md" gap="sm">
        <TextInput
          aria-label="Search by recipient"
          placeholder="Search by recipient"
          leftSection={<IconSearch size={16} />}
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          w={280}
        />
        <Select
          aria-label="State"
          placeholder="Any state"
          data={MESSAGE_STATES.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) }))}
          value={state}
          onChange={setState}
          clearable
          w={180}
        />
      </Group>
      {messages.isPending ? (
        <Card>
          <LoadingBlock label="Loading messages" />
        </Card>
      ) : messages.isError ? (
        <ErrorBlock error={messages.error} onRetry={() => void messages.refetch()} />
      ) : items.length === 0 && filtered ? (
        <Card py={48}>
          <Text ta="center" c="dimmed">
            No message matches.
          </Text>
        </Card>
      ) : items.length === 0 ? (
        <Card py={48}>
          <EmptyState
            variant="light"
            color="blue"
            icon={<IconInbox size={30} stroke={1.6} />}
            title="No messages yet"
            description="Every email Rapport sends shows up here, latest first. Open a template and click “Send test to me” to see one."
            maw={600}
            mx="auto"
          />
        </Card>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={860} type="native">
            <Table verticalSpacing={10} horizontalSpacing="md" highlightOnHover aria-label="Messages">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>To</Table.Th>
                  <Table.Th>Subject</Table.Th>
                  <Table.Th w={130}>State</Table.Th>
                  <Table.Th w={90}>Via</Table.Th>
                  <Table.Th w={80} ta="right">
                    Attempts
                  </Table.Th>
                  <Table.Th w={140}>Time</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((m) => (
                  <Table.Tr key={m.id} className={classes.row} onClick={() => setOpen(m.id)} data-testid="message-row">
                    <Table.Td>
                      <Text fz="sm" fw={500} lineClamp={1}>
                        {m.to}
                      </Text>
                      {m.kind !== 'broadcast' && (
                        <Text fz="xs" c="dimmed">
                          {m.kind}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" lineClamp={1}>
                        {m.subject ?? '—'}
                      </Text>
                      {m.lastError && (
                        <Text fz="xs" c="red.7" lineClamp={1} title={m.lastError}>
                          {m.lastError}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={MESSAGE_STATE_COLORS[m.state] ?? 'gray'}>{m.state}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c="dimmed">
                        {m.transport ? (TRANSPORT_LABELS[m.transport] ?? m.transport) : '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text fz="sm">{m.attempts}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={formatDateTime(m.sentAt ?? m.createdAt)}>
                        <Group gap={4} wrap="nowrap">
                          <Text fz="sm" c="dimmed">
                            {fromNow(m.sentAt ?? m.createdAt)}
                          </Text>
                        </Group>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore query={messages} />
        </Card>
      )}
      <MessageModal id={open} onClose={() => setOpen(null)} />
    </>
  );
}

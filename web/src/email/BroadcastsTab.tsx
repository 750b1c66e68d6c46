// Email › Broadcasts: each broadcast with its audience, state, time and progress.
import { Anchor, Badge, Button, Card, EmptyState, Group, Progress, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconPlus, IconSpeakerphone } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router-dom';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { isApiError } from '../lib/api.ts';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { KindBadge } from '../segments/SegmentsPage.tsx';
import { type Broadcast, BROADCAST_STATE_COLORS, BROADCAST_STATE_LABELS, useBroadcastsQuery } from './model.ts';
import classes from './email.module.css';

const n = (x: number) => x.toLocaleString('en');

export function StateBadge({ state }: { state: Broadcast['state'] }) {
  return (
    <Badge color={BROADCAST_STATE_COLORS[state]} data-testid="broadcast-state">
      {BROADCAST_STATE_LABELS[state]}
    </Badge>
  );
}

/** Messages that are done (sent or not) out of the frozen audience. */
export const doneCount = (c: Broadcast['counts']) => c.sent + c.failed + c.bounced + c.suppressed + c.cancelled;

/** When: scheduled for, started, or created (drafts). */
function When({ b }: { b: Broadcast }) {
  const [label, at] = b.state === 'scheduled' && b.scheduledAt ? ['Scheduled for', b.scheduledAt] : b.startedAt ? ['Started', b.startedAt] : ['Created', b.createdAt];
  return (
    <Tooltip label={`${label} ${formatDateTime(at)}`}>
      <Stack gap={0}>
        <Text fz="xs" c="dimmed">
          {label}
        </Text>
        <Text fz="sm">{b.state === 'scheduled' ? formatDateTime(at) : fromNow(at)}</Text>
      </Stack>
    </Tooltip>
  );
}

export function BroadcastsTab() {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const broadcasts = useBroadcastsQuery();
  const navigate = useNavigate();
  const items = broadcasts.data ?? [];
  const newButton = (
    <Button component={Link} to="/email/broadcasts/new" leftSection={<IconPlus size={16} />} disabled={!canWrite}>
      New broadcast
    </Button>
  );

  return (
    <>
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Text fz="sm" c="dimmed">
          One template to a segment or a list, now or at a set time, with opens and clicks afterwards.
        </Text>
        {newButton}
      </Group>
      {broadcasts.isPending ? (
        <Card>
          <LoadingBlock label="Loading broadcasts" />
        </Card>
      ) : broadcasts.isError && isApiError(broadcasts.error, 404) ? (
        <Card py={48}>
          <EmptyState variant="light" color="gray" icon={<IconSpeakerphone size={30} />} title="Broadcasts are not available on this server yet" description="Update Rapport to send broadcasts." mx="auto" />
        </Card>
      ) : broadcasts.isError ? (
        <ErrorBlock error={broadcasts.error} onRetry={() => void broadcasts.refetch()} />
      ) : items.length === 0 ? (
        <Card py={48}>
          <EmptyState
            variant="light"
            color="blue"
            icon={<IconSpeakerphone size={30} stroke={1.6} />}
            title="No broadcasts yet"
            description="A broadcast sends one template to a segment or a list. Make a template first (Templates tab), pick who gets it, and send it now or schedule it."
            maw={640}
            mx="auto"
          >
            <EmptyState.Actions>
              {newButton}
              <Button component={Link} to="/email/templates" variant="default">
                See templates
              </Button>
            </EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={740} type="native">
            <Table verticalSpacing={12} horizontalSpacing="lg" highlightOnHover aria-label="Broadcasts">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Audience</Table.Th>
                  <Table.Th w={110}>State</Table.Th>
                  <Table.Th w={150}>When</Table.Th>
                  <Table.Th w={170}>Progress</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((b) => (
                  <Table.Tr key={b.id} className={classes.row} onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/email/broadcasts/${b.id}`)}>
                    <Table.Td>
                      <Anchor component={Link} to={`/email/broadcasts/${b.id}`} fz="sm" fw={600} c="dark.8" className={classes.nameLink}>
                        {b.name}
                      </Anchor>
                      <Text fz="xs" c="dimmed" lineClamp={1}>
                        {b.templateName ?? 'No template'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {b.segmentName ? (
                        <Group gap="xs" wrap="nowrap">
                          <Text fz="sm" lineClamp={1}>
                            {b.segmentName}
                          </Text>
                          {b.segmentKind && <KindBadge kind={b.segmentKind} />}
                        </Group>
                      ) : (
                        <Text fz="sm" c="dimmed">
                          No audience
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <StateBadge state={b.state} />
                    </Table.Td>
                    <Table.Td>
                      <When b={b} />
                    </Table.Td>
                    <Table.Td>
                      <ProgressCell b={b} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </>
  );
}

function ProgressCell({ b }: { b: Broadcast }) {
  const total = b.counts.recipients;
  if (total === null) {
    return (
      <Text fz="sm" c="dimmed">
        Not started
      </Text>
    );
  }
  const done = doneCount(b.counts);
  return (
    <Stack gap={4}>
      <Text fz="sm">
        {n(b.counts.sent)} <Text span c="dimmed" fz="sm">of {n(total)} sent</Text>
      </Text>
      <Progress value={total === 0 ? 100 : (done / total) * 100} size="sm" color={b.state === 'cancelled' ? 'orange' : 'teal'} animated={b.state === 'sending'} aria-label={`${b.name}: ${n(done)} of ${n(total)} done`} />
    </Stack>
  );
}

// One broadcast: what it sends to whom, its progress while it goes out (asked every 2 s), and
// its report once it has started.
import { Alert, Anchor, Box, Button, Card, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconChevronLeft, IconPencil, IconPlayerStop, IconSend, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { PageHeader, SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, isApiError } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { BroadcastReportView } from './BroadcastReport.tsx';
import { doneCount, StateBadge } from './BroadcastsTab.tsx';
import { type Broadcast, isEditable, useBroadcastQuery } from './model.ts';
import classes from './email.module.css';

const n = (x: number) => x.toLocaleString('en');

export function BroadcastPage() {
  const { id = '' } = useParams();
  const b = useBroadcastQuery(id);
  if (b.isPending) return <LoadingBlock label="Loading the broadcast" />;
  if (b.isError) return isApiError(b.error, 404) || isApiError(b.error, 400) ? <NotFoundPage /> : <ErrorBlock error={b.error} onRetry={() => void b.refetch()} />;
  return <BroadcastView b={b.data} />;
}

function BroadcastView({ b }: { b: Broadcast }) {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const [confirm, setConfirm] = useState<'send' | 'cancel' | 'delete' | null>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const key = useWorkspaceKey('email', 'broadcasts');
  const refresh = (updated?: Broadcast) => {
    if (updated) queryClient.setQueryData([...key, b.id], updated);
    void queryClient.invalidateQueries({ queryKey: key });
  };

  const act = useMutation({
    mutationFn: (what: 'send' | 'cancel' | 'delete') =>
      what === 'delete' ? api.delete(`/email/broadcasts/${b.id}`).then(() => undefined) : api.post<Broadcast>(`/email/broadcasts/${b.id}/${what}`, {}),
    onSuccess: (updated, what) => {
      setConfirm(null);
      if (what === 'delete') {
        notifySuccess(`“${b.name}” was deleted.`, 'Broadcast deleted');
        queryClient.removeQueries({ queryKey: [...key, b.id] });
        void queryClient.invalidateQueries({ queryKey: key });
        navigate('/email/broadcasts');
        return;
      }
      notifySuccess(what === 'send' ? 'It is going out now.' : 'Messages not sent yet will not be.', what === 'send' ? 'Broadcast started' : 'Broadcast cancelled');
      refresh(updated ?? undefined);
    },
    onError: (err) => {
      setConfirm(null);
      notifyError(err, 'That did not work');
      refresh();
    },
  });

  const started = b.counts.recipients !== null;
  const actions = canWrite && (
    <>
      {isEditable(b) && (
        <Button component={Link} to={`/email/broadcasts/${b.id}/edit`} variant="default" leftSection={<IconPencil size={16} />}>
          Edit
        </Button>
      )}
      {(b.state === 'scheduled' || b.state === 'sending') && (
        <Button variant="default" color="red" leftSection={<IconPlayerStop size={16} />} onClick={() => setConfirm('cancel')}>
          Cancel sending
        </Button>
      )}
      {isEditable(b) && (
        <Button leftSection={<IconSend size={16} />} onClick={() => setConfirm('send')}>
          Send now
        </Button>
      )}
      {(isEditable(b) || b.state === 'cancelled') && (
        <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirm('delete')}>
          Delete
        </Button>
      )}
    </>
  );

  return (
    <>
      <Anchor component={Link} to="/email/broadcasts" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Broadcasts
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            {b.name}
            <StateBadge state={b.state} />
          </Group>
        }
        description={
          b.state === 'scheduled' && b.scheduledAt
            ? `Goes out ${formatDateTime(b.scheduledAt)}.`
            : b.state === 'draft'
              ? 'A draft: send it now, or schedule it from Edit.'
              : b.finishedAt
                ? `${b.state === 'cancelled' ? 'Cancelled' : 'Finished'} ${formatDateTime(b.finishedAt)}.`
                : b.startedAt
                  ? `Started ${formatDateTime(b.startedAt)}.`
                  : undefined
        }
        actions={actions}
      />
      <Stack gap="lg">
        <SimpleGrid cols={{ base: 1, sm: 4 }} spacing="md">
          <Fact label="Template">{b.templateId && b.templateName ? <Anchor component={Link} to={`/email/templates/${b.templateId}`} fz="sm">{b.templateName}</Anchor> : 'Deleted'}</Fact>
          <Fact label="Audience">{b.segmentId && b.segmentName ? <Anchor component={Link} to={`/segments/${b.segmentId}`} fz="sm">{b.segmentName}</Anchor> : 'Deleted'}</Fact>
          <Fact label="Topic">{b.topicName ?? 'None'}</Fact>
          <Fact label="Rate">{b.ratePerMinute ? `${n(b.ratePerMinute)} a minute` : 'No limit'}</Fact>
        </SimpleGrid>
        {started && <ProgressCard b={b} />}
        {started ? (
          <BroadcastReportView id={b.id} live={b.state === 'sending'} />
        ) : (
          <Card py="xl">
            <Text c="dimmed" ta="center" fz="sm">
              Opens, clicks and the rest of the report show here once the broadcast starts.
            </Text>
          </Card>
        )}
      </Stack>
      <ConfirmModal
        opened={confirm !== null}
        title={confirm === 'send' ? 'Send this broadcast now?' : confirm === 'cancel' ? 'Cancel this broadcast?' : `Delete “${b.name}”?`}
        confirmLabel={confirm === 'send' ? 'Send now' : confirm === 'cancel' ? 'Cancel sending' : 'Delete broadcast'}
        loading={act.isPending}
        onConfirm={() => confirm && act.mutate(confirm)}
        onClose={() => setConfirm(null)}
      >
        {confirm === 'send'
          ? `It goes to the members of “${b.segmentName ?? 'the audience'}” as they are now. A send cannot be undone, only stopped part way.`
          : confirm === 'cancel'
            ? 'Messages already sent stay sent; the rest are not sent. This cannot be undone.'
            : 'The broadcast goes; nothing was sent with it.'}
      </ConfirmModal>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box className={classes.kpi}>
      <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
        {label}
      </Text>
      <Text fz="sm" fw={500} mt={4} component="div" lineClamp={1}>
        {children}
      </Text>
    </Box>
  );
}

function ProgressCard({ b }: { b: Broadcast }) {
  const c = b.counts;
  const total = c.recipients ?? 0;
  const pct = (x: number) => (total === 0 ? 0 : (x / total) * 100);
  const parts: [string, number, string][] = [
    ['Sent', c.sent, 'teal'],
    ['Bounced', c.bounced, 'orange'],
    ['Failed', c.failed, 'red'],
    ['Left out (suppressed)', c.suppressed, 'yellow'],
    ['Cancelled', c.cancelled, 'gray'],
  ];
  return (
    <Card data-testid="broadcast-progress">
      <SectionHeader
        title="Progress"
        description={`${n(doneCount(c))} of ${n(total)} recipients done${c.queued ? `, ${n(c.queued)} waiting` : ''}.`}
      />
      <Progress.Root size="xl" aria-label="Progress of the send">
        {parts.map(([label, value, color]) => value > 0 && <Progress.Section key={label} value={pct(value)} color={color} animated={b.state === 'sending'} title={`${label}: ${n(value)}`} />)}
      </Progress.Root>
      <Group gap="lg" mt="sm">
        {parts.map(([label, value, color]) => (
          <Group key={label} gap={6} wrap="nowrap">
            <Box w={10} h={10} bg={`${color}.6`} style={{ borderRadius: 2 }} />
            <Text fz="sm">
              {label} <Text span fw={600}>{n(value)}</Text>
            </Text>
          </Group>
        ))}
      </Group>
      {b.waiting ? (
        <Alert variant="light" color="orange" mt="md" py="xs" title="Sending is waiting" data-testid="broadcast-waiting">
          <Text fz="sm">
            Since {formatDateTime(b.waiting.since)}: {b.waiting.reason}. Rapport tries again every 30 seconds; nothing is lost meanwhile. Check the mail
            server in <Anchor component={Link} to="/settings/email">Settings › Email</Anchor>.
          </Text>
        </Alert>
      ) : (
        b.state === 'sending' &&
        c.queued > 0 &&
        total > 0 && (
          <Alert variant="light" color="blue" mt="md" py="xs">
            <Text fz="sm">Sending… this page follows along.</Text>
          </Alert>
        )
      )}
    </Card>
  );
}

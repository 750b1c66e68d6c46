// The contacts at a step now: who, since when, and when they move on (the end of a wait), each
// linking to their page; a page of 50 at a time.
import { Anchor, Avatar, Badge, Drawer, Group, Stack, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { Link } from 'react-router-dom';
import { ErrorBlock, LoadingBlock, LoadMore } from '../components/QueryState.tsx';
import { formatDateTime, fromNow, initials } from '../lib/format.ts';
import { type Graph, useStepContactsQuery } from './model.ts';
import { describeStep, kindInfo, type Names } from './steps.ts';

export function StepContactsDrawer({ workflowId, step, graph, names, onClose }: { workflowId: string; step: string | null; graph: Graph; names: Names; onClose: () => void }) {
  const wide = useMediaQuery('(min-width: 48em)', true);
  const s = step ? graph.steps[step] : undefined;
  return (
    <Drawer
      opened={step !== null}
      onClose={onClose}
      position={wide ? 'right' : 'bottom'}
      size={wide ? 'md' : '85%'}
      title={
        <Stack gap={0}>
          <Text fw={650}>Contacts at this step now</Text>
          {s && (
            <Text fz="sm" c="dimmed">
              {kindInfo(s).label}: {describeStep(s, names)}
            </Text>
          )}
        </Stack>
      }
      data-testid="step-contacts"
    >
      {step !== null && <StepContactsList workflowId={workflowId} step={step} />}
    </Drawer>
  );
}

function StepContactsList({ workflowId, step }: { workflowId: string; step: string }) {
  const q = useStepContactsQuery(workflowId, step);
  if (q.isPending) return <LoadingBlock label="Loading contacts" />;
  if (q.isError) return <ErrorBlock error={q.error} onRetry={() => void q.refetch()} />;
  const rows = q.data.pages.flatMap((p) => p.items);
  if (rows.length === 0) {
    return (
      <Text fz="sm" c="dimmed">
        No one is at this step now.
      </Text>
    );
  }
  return (
    <Stack gap="sm" role="list" aria-label="Contacts at this step">
      {rows.map((e) => {
        const name = e.name || e.email || 'A contact without a name';
        return (
          <Group key={e.id} gap="sm" wrap="nowrap" align="flex-start" role="listitem" data-testid="step-contact">
            <Avatar size={32} radius="xl" color="initials" name={name}>
              {initials(e.name, e.email ?? '')}
            </Avatar>
            <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
              <Group gap={6} wrap="nowrap">
                <Anchor component={Link} to={`/contacts/${e.contactId}`} fz="sm" fw={600} truncate="end">
                  {name}
                </Anchor>
                {e.holdout && (
                  <Tooltip label="In the holdout: goes through the waits, gets no emails or other actions" multiline w={240}>
                    <Badge size="xs" color="grape">
                      Held out
                    </Badge>
                  </Tooltip>
                )}
              </Group>
              {e.email && e.name && (
                <Text fz="xs" c="dimmed" truncate="end">
                  {e.email}
                </Text>
              )}
              <Text fz="xs" c="dimmed">
                <Tooltip label={formatDateTime(e.stepEnteredAt)}>
                  <span>Here since {fromNow(e.stepEnteredAt)}</span>
                </Tooltip>
                {e.wakeAt && <> · moves on {formatDateTime(e.wakeAt)}</>}
              </Text>
            </Stack>
          </Group>
        );
      })}
      <LoadMore query={q} />
    </Stack>
  );
}

// A contact's journeys through workflows, on their page: which workflow, where they are or how
// it ended, and the steps they passed, newest first.
import { Anchor, Badge, Card, Group, Stack, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router-dom';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { type Journey, useJourneysQuery } from './model.ts';

const OUTCOMES: Record<NonNullable<Journey['outcome']>, { label: string; color: string }> = {
  converted: { label: 'Reached the goal', color: 'teal' },
  completed: { label: 'Finished', color: 'gray' },
  exited: { label: 'Left early', color: 'orange' },
  failed: { label: 'A step failed', color: 'red' },
  removed: { label: 'Removed', color: 'gray' },
};

function status(j: Journey): { label: string; color: string } {
  if (j.state === 'done') return j.outcome ? OUTCOMES[j.outcome] : { label: 'Ended', color: 'gray' };
  return { label: j.step ? `At “${j.step}”` : 'In it', color: 'blue' };
}

export function JourneysCard({ contactId }: { contactId: string }) {
  const journeys = useJourneysQuery(contactId);
  return (
    <Card mt="lg" data-testid="contact-workflows">
      <Text fw={650} mb="md">
        Workflows
      </Text>
      {journeys.isPending ? (
        <LoadingBlock />
      ) : journeys.isError ? (
        <ErrorBlock error={journeys.error} onRetry={() => void journeys.refetch()} />
      ) : journeys.data.items.length === 0 ? (
        <Text fz="sm" c="dimmed">
          Not in any workflow yet.
        </Text>
      ) : (
        <Stack gap="md">
          {journeys.data.items.map((j) => {
            const s = status(j);
            return (
              <Stack key={j.id} gap={4} data-testid="journey">
                <Anchor component={Link} to={`/workflows/${j.workflowId}`} fz="sm" fw={600}>
                  {j.workflowName}
                </Anchor>
                <Group gap={4}>
                  <Tooltip label={j.outcomeDetail ?? s.label} disabled={!j.outcomeDetail}>
                    <Badge size="sm" color={s.color}>
                      {s.label}
                    </Badge>
                  </Tooltip>
                  {j.holdout && (
                    <Tooltip label="Held out: goes through the waits, gets no emails or other actions (to measure the workflow)" multiline w={240}>
                      <Badge size="sm" color="grape">
                        Held out
                      </Badge>
                    </Tooltip>
                  )}
                </Group>
                <Text fz="xs" c="dimmed">
                  Entered {formatDate(j.enteredAt)} (version {j.version}){j.leftAt ? `, left ${formatDate(j.leftAt)}` : ''}
                  {j.state !== 'done' && j.wakeAt ? `; moves on ${formatDateTime(j.wakeAt)}` : ''}
                </Text>
                {j.path.length > 0 && (
                  <Text fz="xs" c="gray.7">
                    Path: {j.path.join(' → ')}
                  </Text>
                )}
              </Stack>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}

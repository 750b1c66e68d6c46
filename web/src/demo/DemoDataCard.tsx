// Offers to fill the workspace with the demo retail shop, follows the background load and
// tells what arrived. Placed where a workspace is still empty (Contacts, first run).
import { Alert, Button, Card, CloseButton, Group, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconBuildingStore, IconCircleCheck, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { DemoLoadBody, DemoStatusBody } from '../../../src/demo/contract.ts';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { notifyError } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { DemoDone, DemoSteps } from './DemoProgress.tsx';

const n = (x: number) => x.toLocaleString('en');
export const inProgress = (s: DemoStatusBody | undefined) => s?.load?.state === 'queued' || s?.load?.state === 'running';

/** The status of the workspace's demo data, polled while a load is under way. */
export function useDemoStatus() {
  return useQuery({
    queryKey: useWorkspaceKey('demo'),
    queryFn: () => api.get<DemoStatusBody>('/demo'),
    refetchInterval: (query) => (inProgress(query.state.data) ? 1_000 : false),
  });
}

interface DemoDataCardProps {
  /** Called when a load is asked for here. */
  onStarted?: () => void;
  /** Called once when a load followed here finishes. */
  onLoaded?: () => void;
  /** Called when someone closes the card once the load is done (where it is shown on top of a page). */
  onDismiss?: () => void;
  /** Link to the contacts in the summary (not on the Contacts page itself). */
  showContactsLink?: boolean;
}

export function DemoDataCard({ onStarted, onLoaded, onDismiss, showContactsLink = true }: DemoDataCardProps) {
  const workspace = useWorkspace();
  const key = useWorkspaceKey('demo');
  const queryClient = useQueryClient();
  const status = useDemoStatus();
  const canLoad = roleAtLeast(workspace.role, 'admin');

  const start = useMutation({
    mutationFn: (body: DemoLoadBody) => api.post<DemoStatusBody>('/demo', body),
    onSuccess: (next) => {
      queryClient.setQueryData(key, next);
      onStarted?.();
    },
    onError: (err) => notifyError(err, 'Could not start loading the demo data'),
  });

  // When a load finishes, everything else shown about the workspace is out of date.
  const previous = useRef<string | undefined>(undefined);
  const state = status.data?.load?.state;
  useEffect(() => {
    const was = previous.current;
    previous.current = state;
    if (state === 'completed' && (was === 'queued' || was === 'running')) {
      void queryClient.invalidateQueries({ queryKey: ['ws', workspace.id], predicate: (q) => q.queryKey[2] !== 'demo' });
      onLoaded?.();
    }
  }, [state, workspace.id, queryClient, onLoaded]);

  const loading = inProgress(status.data);
  const done = status.data?.load?.state === 'completed' && status.data.load.progress !== null && status.data.contacts > 0;
  const title = loading ? 'Loading the demo shop' : done ? 'Your demo shop' : 'Explore Rapport with a demo shop';
  return (
    <Card data-testid="demo-card">
      <Group wrap="nowrap" align="flex-start" gap="lg">
        <ThemeIcon size={44} radius="md" variant="light" color="orange" visibleFrom="xs">
          <IconBuildingStore size={24} stroke={1.6} />
        </ThemeIcon>
        <Stack gap="sm" style={{ flex: 1, minWidth: 0 }}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Stack gap={4}>
              <Title order={2} fz="lg" lh={1.3}>
                {title}
              </Title>
              {!done && (
                <Text fz="sm" c="dimmed" lh={1.55}>
                  Hearth &amp; Bean, a sample coffee and tea shop: 5,000 customers with up to three years of orders, email campaigns
                  and website visits. Some are loyal, many bought once, some have drifted away, which is what segments, reports and
                  churn predictions need to show what they can do.
                </Text>
              )}
            </Stack>
            {done && onDismiss && <CloseButton aria-label="Close the demo shop summary" onClick={onDismiss} />}
          </Group>
          {status.isPending ? (
            <LoadingBlock label="Checking for demo data" />
          ) : status.isError ? (
            <ErrorBlock error={status.error} onRetry={() => void status.refetch()} />
          ) : (
            <DemoState
              status={status.data}
              canLoad={canLoad}
              starting={start.isPending}
              onStart={() => start.mutate({})}
              showContactsLink={showContactsLink}
            />
          )}
        </Stack>
      </Group>
    </Card>
  );
}

interface DemoStateProps {
  status: DemoStatusBody;
  canLoad: boolean;
  starting: boolean;
  onStart: () => void;
  showContactsLink: boolean;
}

function DemoState({ status, canLoad, starting, onStart, showContactsLink }: DemoStateProps) {
  const load = status.load;
  if (load && inProgress(status)) {
    return (
      <Stack gap="sm">
        {load.error && (
          <Alert color="yellow" variant="light" icon={<IconRefresh size={18} />} title="The last attempt stopped; Rapport tries again">
            {load.error}
          </Alert>
        )}
        <DemoSteps progress={load.state === 'running' ? (load.progress ?? null) : null} contacts={load.contacts} />
        {load.state === 'queued' && !load.error && (
          <Text fz="xs" c="dimmed">
            Waiting for a worker to start the load…
          </Text>
        )}
      </Stack>
    );
  }
  if (load?.state === 'failed') {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The demo data could not be loaded" role="alert">
        <Stack gap="sm" align="flex-start">
          <Text fz="sm">{load.error}</Text>
          {status.contacts > 0 && (
            <Text fz="sm">
              {n(status.contacts)} demo {status.contacts === 1 ? 'contact was' : 'contacts were'} written before it stopped. Trying again
              keeps them and adds the rest.
            </Text>
          )}
          {canLoad && (
            <Button size="xs" variant="white" color="red" loading={starting} onClick={onStart}>
              Try again
            </Button>
          )}
        </Stack>
      </Alert>
    );
  }
  if (load?.state === 'completed' && load.progress && status.contacts > 0) {
    return <DemoDone progress={load.progress} showContactsLink={showContactsLink} />;
  }
  if (status.contacts > 0) {
    return (
      <Group gap="xs" wrap="nowrap">
        <IconCircleCheck size={20} color="var(--mantine-color-teal-6)" />
        <Text fz="sm">
          The demo shop is loaded: {n(status.contacts)} contacts and {n(status.events ?? 0)} events (purchases, refunds, emails, page views).
        </Text>
      </Group>
    );
  }
  if (!canLoad) {
    return (
      <Text fz="sm" c="dimmed">
        An admin of this workspace can load it.
      </Text>
    );
  }
  return (
    <Group gap="md">
      <Button leftSection={<IconBuildingStore size={16} />} loading={starting} onClick={onStart}>
        Load demo data
      </Button>
      <Text fz="xs" c="dimmed" maw={360}>
        Takes about half a minute. The demo’s addresses are at example.com, so no email can reach anyone.
      </Text>
    </Group>
  );
}

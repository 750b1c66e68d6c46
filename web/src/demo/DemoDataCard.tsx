// Offers to fill the workspace with the demo retail shop, follows the background load and
// tells what arrived. Placed where a workspace is still empty (Contacts, first run).
import { Alert, Button, Card, Group, Progress, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertCircle, IconBuildingStore, IconCircleCheck } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { DemoLoadBody, DemoStatusBody } from '../../../src/demo/contract.ts';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { notifyError } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';

const n = (x: number) => x.toLocaleString('en');
const inProgress = (s: DemoStatusBody | undefined) => s?.load?.state === 'queued' || s?.load?.state === 'running';

/** The status of the workspace's demo data, polled while a load is under way. */
export function useDemoStatus() {
  return useQuery({
    queryKey: useWorkspaceKey('demo'),
    queryFn: () => api.get<DemoStatusBody>('/demo'),
    refetchInterval: (query) => (inProgress(query.state.data) ? 1_000 : false),
  });
}

export function DemoDataCard({ onLoaded }: { onLoaded?: () => void }) {
  const workspace = useWorkspace();
  const key = useWorkspaceKey('demo');
  const queryClient = useQueryClient();
  const status = useDemoStatus();
  const canLoad = roleAtLeast(workspace.role, 'admin');

  const start = useMutation({
    mutationFn: (body: DemoLoadBody) => api.post<DemoStatusBody>('/demo', body),
    onSuccess: (next) => queryClient.setQueryData(key, next),
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

  return (
    <Card>
      <Group wrap="nowrap" align="flex-start" gap="lg">
        <ThemeIcon size={44} radius="md" variant="light" color="orange">
          <IconBuildingStore size={24} stroke={1.6} />
        </ThemeIcon>
        <Stack gap="sm" style={{ flex: 1 }}>
          <Stack gap={4}>
            <Title order={2} fz="lg" lh={1.3}>
              Explore Rapport with a demo shop
            </Title>
            <Text fz="sm" c="dimmed" lh={1.55}>
              Fill this workspace with Hearth &amp; Bean, a sample coffee and tea shop: 5,000 contacts with up to three years of orders,
              email campaigns and website visits. Some are loyal, many bought once, some have drifted away, which is what segments,
              reports and churn predictions need to show what they can do.
            </Text>
          </Stack>
          {status.isPending ? (
            <LoadingBlock label="Checking for demo data" />
          ) : status.isError ? (
            <ErrorBlock error={status.error} onRetry={() => void status.refetch()} />
          ) : (
            <DemoState status={status.data} canLoad={canLoad} starting={start.isPending} onStart={() => start.mutate({})} />
          )}
        </Stack>
      </Group>
    </Card>
  );
}

function DemoState({ status, canLoad, starting, onStart }: { status: DemoStatusBody; canLoad: boolean; starting: boolean; onStart: () => void }) {
  const load = status.load;
  if (load && inProgress(status)) {
    const done = Math.min(status.contacts, load.contacts);
    return (
      <Stack gap={6} maw={520}>
        <Progress value={load.state === 'queued' ? 100 : Math.max(3, (done / load.contacts) * 100)} animated striped={load.state === 'queued'} size="lg" />
        <Text fz="sm" c="dimmed" aria-live="polite">
          {load.state === 'queued' ? 'Waiting for a worker to pick up the load…' : `Loading… ${n(done)} of ${n(load.contacts)} contacts`}
        </Text>
      </Stack>
    );
  }
  if (load?.state === 'failed') {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The demo data could not be loaded">
        <Stack gap="sm" align="flex-start">
          {load.error}
          {canLoad && (
            <Button size="xs" variant="white" color="red" loading={starting} onClick={onStart}>
              Try again
            </Button>
          )}
        </Stack>
      </Alert>
    );
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
        Takes a few seconds. The demo’s addresses are at example.com, so no email can reach anyone.
      </Text>
    </Group>
  );
}

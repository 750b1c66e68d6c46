// The workflows of the workspace: each with its state, the version live, and how many contacts
// are in it now, have entered and reached its goal; and "New workflow": from a starter (a
// welcome series, a win-back…) or blank.
import { Alert, Anchor, Badge, Button, Card, EmptyState, Group, Modal, ScrollArea, Stack, Table, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconAlertCircle, IconChevronRight, IconFile, IconPlus, IconRoute } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, errorMessage, isApiError } from '../lib/api.ts';
import { fromNow } from '../lib/format.ts';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { BLANK_GRAPH, STATE_COLORS, STATE_LABELS, type WorkflowDetail, type WorkflowState, useStartersQuery, useWorkflowsQuery } from './model.ts';
import classes from './workflows.module.css';

const n = (x: number) => x.toLocaleString('en');
const pct = (x: number) => `${(x * 100).toLocaleString('en', { maximumFractionDigits: 1 })}%`;

export function StateBadge({ state }: { state: WorkflowState }) {
  return (
    <Badge color={STATE_COLORS[state]} variant={state === 'active' ? 'filled' : 'light'} data-testid="state-badge">
      {STATE_LABELS[state]}
    </Badge>
  );
}

export function WorkflowsPage() {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const workflows = useWorkflowsQuery();
  const [newOpen, newModal] = useDisclosure(false);
  const phone = useMediaQuery('(max-width: 48em)');
  const navigate = useNavigate();
  const items = workflows.data?.items ?? [];
  const newButton = (
    <Button leftSection={<IconPlus size={16} />} onClick={newModal.open} disabled={!canWrite}>
      New workflow
    </Button>
  );
  return (
    <>
      <PageHeader
        title="Workflows"
        description="Journeys that run by themselves: a trigger brings contacts in, and waits, branches and emails take them through. A share can be held out to show what the workflow really changes."
        actions={newButton}
      />
      {workflows.isPending ? (
        <Card>
          <LoadingBlock label="Loading workflows" />
        </Card>
      ) : workflows.isError ? (
        <ErrorBlock error={workflows.error} onRetry={() => void workflows.refetch()} />
      ) : items.length === 0 ? (
        <Card py={48}>
          <EmptyState
            variant="light"
            color="teal"
            icon={<IconRoute size={30} stroke={1.6} />}
            title="No workflows yet"
            description="Start from a common journey — a welcome series, a thank-you after each order, winning back customers who stopped buying, a birthday offer — or build your own."
            maw={640}
            mx="auto"
          >
            <EmptyState.Actions>{newButton}</EmptyState.Actions>
          </EmptyState>
        </Card>
      ) : phone ? (
        <Stack gap="sm" role="list" aria-label="Workflows">
          {items.map((w) => (
            <Card key={w.id} padding="md" role="listitem" data-testid="workflow-row">
              <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
                <Anchor component={Link} to={`/workflows/${w.id}`} fz="sm" fw={650} c="dark.8" className={classes.nameLink}>
                  {w.name}
                </Anchor>
                <StateBadge state={w.state} />
              </Group>
              <Text fz="xs" c="dimmed" mt={2}>
                {w.liveVersion === null ? 'Not published' : `Version ${w.liveVersion} live`} · changed {fromNow(w.updatedAt)}
              </Text>
              <Group gap="lg" mt="sm">
                <Stack gap={0}>
                  <Text fz="lg" fw={650} lh={1.2} data-testid="in-now">
                    {n(w.counts.inNow)}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    in it now
                  </Text>
                </Stack>
                <Stack gap={0}>
                  <Text fz="lg" fw={650} lh={1.2}>
                    {n(w.counts.entered)}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    entered
                  </Text>
                </Stack>
                <Stack gap={0}>
                  <Text fz="lg" fw={650} lh={1.2}>
                    {n(w.counts.converted)}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    converted{w.counts.entered > 0 ? ` (${pct(w.counts.converted / w.counts.entered)})` : ''}
                  </Text>
                </Stack>
              </Group>
            </Card>
          ))}
        </Stack>
      ) : (
        <Card p={0}>
          <Table.ScrollContainer minWidth={820} type="native">
            <Table verticalSpacing={12} horizontalSpacing="lg" highlightOnHover aria-label="Workflows">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th w={110}>State</Table.Th>
                  <Table.Th w={130}>Live version</Table.Th>
                  <Table.Th w={100} ta="right">
                    In it now
                  </Table.Th>
                  <Table.Th w={100} ta="right">
                    Entered
                  </Table.Th>
                  <Table.Th w={130} ta="right">
                    Converted
                  </Table.Th>
                  <Table.Th w={130}>Changed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((w) => (
                  <Table.Tr key={w.id} className={classes.row} onClick={(e) => !(e.target as HTMLElement).closest('a') && navigate(`/workflows/${w.id}`)} data-testid="workflow-row">
                    <Table.Td>
                      <Stack gap={2}>
                        <Anchor component={Link} to={`/workflows/${w.id}`} fz="sm" fw={600} c="dark.8" className={classes.nameLink}>
                          {w.name}
                        </Anchor>
                        {w.description && (
                          <Text fz="xs" c="dimmed" lineClamp={1} maw={460}>
                            {w.description}
                          </Text>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <StateBadge state={w.state} />
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c={w.liveVersion === null ? 'dimmed' : undefined}>
                        {w.liveVersion === null ? 'Not published' : `Version ${w.liveVersion}`}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text fz="sm" fw={600} data-testid="in-now">
                        {n(w.counts.inNow)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text fz="sm">{n(w.counts.entered)}</Text>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Text fz="sm">
                        {n(w.counts.converted)}
                        {w.counts.entered > 0 && (
                          <Text span fz="xs" c="dimmed">
                            {' '}
                            ({pct(w.counts.converted / w.counts.entered)})
                          </Text>
                        )}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c="dimmed">
                        {fromNow(w.updatedAt)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      <NewWorkflowModal opened={newOpen} onClose={newModal.close} />
    </>
  );
}

/** A starter or a blank workflow; either opens in the editor as a draft. */
function NewWorkflowModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const starters = useStartersQuery(opened);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const listKey = useWorkspaceKey('workflows', 'list');
  const [blankName, setBlankName] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const done = (w: WorkflowDetail) => {
    void queryClient.invalidateQueries({ queryKey: listKey });
    onClose();
    setBlankName(null);
    navigate(`/workflows/${w.id}`);
  };
  const fromStarter = useMutation({ mutationFn: (key: string) => api.post<WorkflowDetail>(`/workflows/starters/${encodeURIComponent(key)}`, {}), onSuccess: done });
  const blank = useMutation({
    mutationFn: (name: string) => api.post<WorkflowDetail>('/workflows', { name, graph: BLANK_GRAPH }),
    onSuccess: done,
    onError: (err) => setNameError(isApiError(err, 409) ? 'A workflow of that name exists already.' : errorMessage(err)),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>New workflow</Text>} size="xl" scrollAreaComponent={ScrollArea.Autosize}>
      <Text fz="sm" c="dimmed" mb="md">
        A new workflow is a draft: nothing happens until you publish it. A starter fills in a common journey for you to read and change.
      </Text>
      {fromStarter.isError && (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mb="md">
          {errorMessage(fromStarter.error)}
        </Alert>
      )}
      <Stack gap="xs" role="list" aria-label="Ways to start">
        <UnstyledButton role="listitem" className={classes.starter} aria-label="Blank workflow" onClick={() => setBlankName((x) => x ?? 'New workflow')}>
          <Group justify="space-between" wrap="nowrap" gap="md">
            <Group gap="sm" wrap="nowrap">
              <IconFile size={20} stroke={1.6} color="var(--mantine-color-gray-6)" />
              <Stack gap={2}>
                <Text fw={600} fz="sm">
                  Blank workflow
                </Text>
                <Text fz="xs" c="dimmed">
                  A trigger and nothing else yet: add the steps yourself.
                </Text>
              </Stack>
            </Group>
            <IconChevronRight size={18} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} />
          </Group>
        </UnstyledButton>
        {blankName !== null && (
          <Group align="flex-start" gap="sm" px="md">
            <TextInput
              aria-label="Name of the new workflow"
              placeholder="Name"
              value={blankName}
              onChange={(e) => {
                setBlankName(e.currentTarget.value);
                setNameError(null);
              }}
              error={nameError}
              style={{ flex: 1 }}
              data-autofocus
            />
            <Button onClick={() => blankName.trim() && blank.mutate(blankName.trim())} loading={blank.isPending} disabled={!blankName.trim()}>
              Create
            </Button>
          </Group>
        )}
        <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em" mt="sm">
          Starters
        </Text>
        {starters.isPending ? (
          <LoadingBlock label="Loading starters" />
        ) : starters.isError ? (
          <ErrorBlock error={starters.error} onRetry={() => void starters.refetch()} />
        ) : (
          starters.data.items.map((s) => (
            <UnstyledButton
              key={s.key}
              role="listitem"
              aria-label={s.name}
              className={classes.starter}
              disabled={fromStarter.isPending}
              onClick={() => fromStarter.mutate(s.key)}
              data-testid="starter"
            >
              <Group justify="space-between" wrap="nowrap" gap="md">
                <Stack gap={4}>
                  <Group gap="xs">
                    <Text fw={600} fz="sm">
                      {s.name}
                    </Text>
                    {s.holdoutPercent > 0 && (
                      <Badge size="xs" color="grape">
                        {s.holdoutPercent}% held out to measure it
                      </Badge>
                    )}
                  </Group>
                  <Text fz="xs" c="dimmed" lh={1.5}>
                    {s.description}
                  </Text>
                  <Text fz="xs" c="dimmed" lh={1.5}>
                    <Text span fz="xs" fw={600} c="gray.7">
                      Also creates:
                    </Text>{' '}
                    {s.creates}
                  </Text>
                </Stack>
                <IconChevronRight size={18} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} />
              </Group>
            </UnstyledButton>
          ))
        )}
      </Stack>
    </Modal>
  );
}

// One workflow: its journey drawn as a graph to edit (the draft) or to read (the live version),
// with live counts on the steps and the contacts at each; saving the draft, publishing it (the
// server's problems shown on the steps they name), pausing, resuming, archiving, enrolling
// contacts by hand; and the lift report. Loaded with its page (React.lazy): the graph library
// and the charts stay out of the app's main chunk.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Drawer,
  Group,
  Menu,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Tabs,
  Text,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import {
  IconAlertCircle,
  IconArchive,
  IconChartBar,
  IconChevronLeft,
  IconDeviceFloppy,
  IconDots,
  IconHistory,
  IconPlayerPause,
  IconPlayerPlay,
  IconRocket,
  IconRoute,
  IconSettings,
  IconUserPlus,
} from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, useBeforeUnload, useLocation, useNavigate, useParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { fieldLabel } from '../conditions/describe.ts';
import { useTemplatesQuery } from '../email/model.ts';
import { api, errorMessage, isApiError } from '../lib/api.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { useCatalogQuery, useSegmentsQuery } from '../segments/model.ts';
import { Canvas } from './Canvas.tsx';
import { BLANK_GRAPH, type Graph, type WorkflowDetail, useCouponCampaignsQuery, useStepCountsQuery, useWorkflowQuery } from './model.ts';
import { type Settings, SidePanel } from './Panel.tsx';
import { ReportTab } from './ReportTab.tsx';
import { StepContactsDrawer } from './StepContacts.tsx';
import { deleteStep, insertStep, kindInfo, missingChoices, type Names, type PaletteKey, type Problem, problemsOf, pruneCutOff, reachable, type Slot, targetId } from './steps.ts';
import { StateBadge } from './WorkflowsPage.tsx';
import classes from './workflows.module.css';
import { useSurveysQuery } from '../surveys/model.ts';

/** JSON with keys sorted, so that two equal drafts read the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
const snapshot = (graph: Graph, s: Settings) => canonical({ graph, name: s.name.trim(), description: s.description.trim(), holdoutPercent: s.holdoutPercent, emailLimits: s.emailLimits });

/** /workflows/:id and /workflows/:id/report */
export function WorkflowPage() {
  const { id = '' } = useParams();
  const workflow = useWorkflowQuery(id);
  if (workflow.isPending) return <LoadingBlock label="Loading the workflow" />;
  if (workflow.isError) {
    if (isApiError(workflow.error, 404) || isApiError(workflow.error, 400)) return <NotFoundPage />;
    return <ErrorBlock error={workflow.error} onRetry={() => void workflow.refetch()} />;
  }
  return <Workflow key={id} w={workflow.data} />;
}

function useNames(): Names {
  const templates = useTemplatesQuery();
  const segments = useSegmentsQuery();
  const catalog = useCatalogQuery();
  const surveys = useSurveysQuery();
  const campaigns = useCouponCampaignsQuery();
  return useMemo(
    () => ({
      template: (id) => templates.data?.find((t) => t.id === id)?.name,
      segment: (id) => segments.data?.items.find((s) => s.id === id)?.name,
      survey: (id) => surveys.data?.items.find((s) => s.id === id)?.name,
      campaign: (id) => campaigns.data?.campaigns.find((c) => c.id === id)?.name,
      field: (field) => fieldLabel(field, catalog.data),
    }),
    [templates.data, segments.data, surveys.data, campaigns.data, catalog.data],
  );
}

function Workflow({ w }: { w: WorkflowDetail }) {
  const { role } = useWorkspace();
  const canWrite = roleAtLeast(role, 'marketer') && w.state !== 'archived';
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const tab = pathname.endsWith('/report') ? 'report' : 'journey';
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('workflows', 'one', w.id);
  const listKey = useWorkspaceKey('workflows', 'list');

  // The draft being edited lives here, above the tabs: looking at the report loses nothing.
  const [draft, setDraft] = useState<Graph>(() => w.graph ?? w.live?.graph ?? BLANK_GRAPH);
  const [settings, setSettings] = useState<Settings>({ name: w.name, description: w.description, holdoutPercent: w.holdoutPercent, emailLimits: w.emailLimits });
  const [saved, setSaved] = useState(() =>
    snapshot(w.graph ?? w.live?.graph ?? BLANK_GRAPH, { name: w.name, description: w.description, holdoutPercent: w.holdoutPercent, emailLimits: w.emailLimits }),
  );
  const dirty = snapshot(draft, settings) !== saved;
  const [view, setView] = useState<'draft' | 'live'>(() => (w.state === 'archived' && w.live ? 'live' : 'draft'));
  const [selected, setSelected] = useState<string | null>(null);
  const [contactsAt, setContactsAt] = useState<string | null>(null);
  const [serverProblems, setServerProblems] = useState<Problem[]>([]);
  const [attempted, setAttempted] = useState(false);
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [enrollOpen, setEnrollOpen] = useState(false);
  const wide = useMediaQuery('(min-width: 62em)', true);
  const names = useNames();
  // On a phone the panel is a drawer: it makes way for the list of contacts.
  const openContacts = (k: string) => {
    if (!wide) setSelected(null);
    setContactsAt(k);
  };

  useBeforeUnload(
    useCallback(
      (e: BeforeUnloadEvent) => {
        if (dirty) e.preventDefault();
      },
      [dirty],
    ),
  );

  const showingLive = view === 'live' && w.live !== null;
  const graph = showingLive ? w.live!.graph : draft;
  const readOnly = showingLive || !canWrite;

  // Problems: the server's, and what must still be chosen once saving was tried.
  const problems = useMemo(() => [...(attempted && !showingLive ? missingChoices(draft) : []), ...(showingLive ? [] : serverProblems)], [attempted, showingLive, draft, serverProblems]);
  const problemsBy = useMemo(() => {
    const m = new Map<string, string[]>();
    for (const p of problems) {
      const id = targetId(p.target);
      m.set(id, [...new Set([...(m.get(id) ?? []), p.message])]);
    }
    return m;
  }, [problems]);
  const unreachable = useMemo(() => {
    const r = reachable(graph);
    return new Set(Object.keys(graph.steps).filter((k) => !r.has(k)));
  }, [graph]);

  const isLive = w.state === 'active';
  const stepCounts = useStepCountsQuery(w.id, isLive);
  const liveCounts = stepCounts.data?.versions.find((v) => v.live);
  const olderInFlight = (stepCounts.data?.versions ?? []).filter((v) => !v.live).reduce((sum, v) => sum + v.steps.reduce((s, x) => s + x.waiting, 0), 0);
  // Counts belong to the live version's steps: on the draft, only where the step is still the same kind.
  const counts = useMemo(() => {
    if (!liveCounts) return null;
    const m = new Map<string, { waiting: number; passed: number }>();
    for (const s of liveCounts.steps) if (graph.steps[s.key]?.kind === s.kind) m.set(s.key, { waiting: s.waiting, passed: s.passed });
    return m;
  }, [liveCounts, graph]);

  const changeGraph = (next: Graph) => {
    const { graph: pruned, removed } = pruneCutOff(draft, next);
    // The server's problems about what changed are stale now.
    setServerProblems((ps) =>
      ps.filter((p) => {
        if (p.target.kind === 'step') return pruned.steps[p.target.key] !== undefined && pruned.steps[p.target.key] === draft.steps[p.target.key];
        if (p.target.kind === 'trigger') return pruned.trigger === draft.trigger && pruned.reentry === draft.reentry && pruned.filter === draft.filter && pruned.start === draft.start;
        if (p.target.kind === 'settings') return pruned.goal === draft.goal && pruned.exits === draft.exits;
        return true;
      }),
    );
    setDraft(pruned);
    if (removed.length > 0) notifySuccess(`${removed.length === 1 ? 'One step' : `${removed.length} steps`} only reachable that way went too: ${removed.join(', ')}.`, 'Steps removed');
  };
  const add = (slot: Slot, kind: PaletteKey) => {
    const { graph: next, key: k } = insertStep(draft, slot, kind);
    setDraft(next);
    setSelected(`s:${k}`);
  };
  const remove = (k: string) => {
    const { graph: next, removed } = deleteStep(draft, k);
    setDraft(next);
    setServerProblems((ps) => ps.filter((p) => !(p.target.kind === 'step' && (p.target.key === k || removed.includes(p.target.key)))));
    setSelected(null);
    notifySuccess(removed.length > 0 ? `Also removed, as only it led to them: ${removed.join(', ')}.` : 'What led to it now leads to the step after it.', `Step “${k}” deleted`);
  };

  const afterChange = (d: WorkflowDetail) => {
    queryClient.setQueryData(key, d);
    void queryClient.invalidateQueries({ queryKey: listKey });
    void queryClient.invalidateQueries({ queryKey: [...key, 'steps'] });
  };
  const saveMutation = useMutation({ mutationFn: (body: Settings & { graph: Graph }) => api.patch<WorkflowDetail>(`/workflows/${w.id}`, body) });
  const publishMutation = useMutation({ mutationFn: () => api.post<{ workflow: WorkflowDetail; version: number; moved: number }>(`/workflows/${w.id}/publish`, {}) });
  const busy = saveMutation.isPending || publishMutation.isPending;

  const showProblems = (err: unknown, title: string): void => {
    if (isApiError(err, 400) || isApiError(err, 409)) {
      const found = problemsOf(err.details);
      setServerProblems(found.length > 0 ? found : [{ target: { kind: 'general' }, message: err.message }]);
      setView('draft');
      notifyError(new Error(found.length > 0 ? `${found.length === 1 ? 'One problem is' : `${found.length} problems are`} marked on the steps.` : err.message), title);
    } else notifyError(err, title);
  };

  const saveDraft = async (quiet = false): Promise<boolean> => {
    setAttempted(true);
    const missing = missingChoices(draft);
    if (missing.length > 0) {
      setView('draft');
      notifyError(new Error(`${missing.length === 1 ? 'One thing is' : `${missing.length} things are`} still to choose, marked on the steps.`), 'Not saved yet');
      return false;
    }
    const body = { name: settings.name.trim(), description: settings.description.trim(), holdoutPercent: settings.holdoutPercent, emailLimits: settings.emailLimits, graph: draft };
    try {
      const d = await saveMutation.mutateAsync(body);
      afterChange(d);
      setSaved(snapshot(draft, settings));
      setServerProblems([]);
      if (!quiet)
        notifySuccess(
          w.live ? 'Saved. The holdout and email limits apply now; changes to the steps go live when you publish them.' : 'The draft is saved. Publish it to make it live.',
          'Saved',
        );
      return true;
    } catch (err) {
      showProblems(err, 'Not saved');
      return false;
    }
  };

  const publish = async () => {
    if (dirty || w.graph === null) {
      if (!(await saveDraft(true))) return;
    }
    try {
      const r = await publishMutation.mutateAsync();
      afterChange(r.workflow);
      setServerProblems([]);
      notifySuccess(
        r.version === 1 ? 'Contacts enter it from now on, as the trigger brings them.' : `New contacts enter version ${r.version}; those already in it finish on their version.`,
        `Version ${r.version} is live`,
      );
    } catch (err) {
      showProblems(err, 'Not published');
    }
  };

  const stateChange = useMutation({
    mutationFn: (what: 'pause' | 'resume' | 'archive') => api.post<WorkflowDetail>(`/workflows/${w.id}/${what}`, {}),
    onSuccess: (d, what) => {
      afterChange(d);
      setConfirmArchive(false);
      notifySuccess(
        what === 'pause' ? 'Contacts stay where they are and no one enters until you resume.' : what === 'resume' ? 'Waits that ended meanwhile end now.' : 'Everyone in it has left it.',
        what === 'pause' ? 'Paused' : what === 'resume' ? 'Running again' : 'Archived',
      );
    },
    onError: (err) => notifyError(err),
  });

  const sameAsLive = w.live !== null && canonical(w.live.graph) === canonical(draft);
  const publishLabel = w.live ? 'Publish changes' : 'Publish';
  const actions =
    w.state === 'archived' ? undefined : (
      <>
        {canWrite && tab === 'journey' && (
          <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={() => void saveDraft()} loading={saveMutation.isPending && !publishMutation.isPending} disabled={!dirty || busy}>
            Save draft
          </Button>
        )}
        {canWrite && (
          <Tooltip label="The draft is the same as the live version" disabled={!(sameAsLive && !dirty)}>
            <Button leftSection={<IconRocket size={16} />} onClick={() => void publish()} loading={publishMutation.isPending} disabled={(sameAsLive && !dirty) || busy}>
              {publishLabel}
            </Button>
          </Tooltip>
        )}
        {canWrite && w.state === 'active' && (
          <Button variant="default" leftSection={<IconPlayerPause size={16} />} onClick={() => stateChange.mutate('pause')} loading={stateChange.isPending && stateChange.variables === 'pause'}>
            Pause
          </Button>
        )}
        {canWrite && w.state === 'paused' && (
          <Button variant="default" leftSection={<IconPlayerPlay size={16} />} onClick={() => stateChange.mutate('resume')} loading={stateChange.isPending && stateChange.variables === 'resume'}>
            Resume
          </Button>
        )}
        {canWrite && (
          <Menu position="bottom-end" shadow="md" width={220}>
            <Menu.Target>
              <Button variant="default" px={10} aria-label="More actions">
                <IconDots size={18} />
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconUserPlus size={16} />} disabled={w.state !== 'active'} onClick={() => setEnrollOpen(true)}>
                Enroll contacts…
              </Menu.Item>
              <Menu.Item leftSection={<IconSettings size={16} />} onClick={() => setSelected('settings')} disabled={tab !== 'journey'}>
                Name, goal and holdout
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item leftSection={<IconArchive size={16} />} color="red" onClick={() => setConfirmArchive(true)}>
                Archive…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </>
    );

  const versionLine = w.live ? (
    <>
      {showingLive ? 'Showing' : 'Editing the draft.'} Version {w.live.version} is live since {formatDate(w.live.publishedAt)}
      {showingLive ? '.' : '; publishing the draft makes the next version.'}
    </>
  ) : (
    'A draft: nothing happens until you publish it.'
  );

  const panel = (
    <SidePanel
      graph={graph}
      selected={selected}
      readOnly={readOnly}
      problems={problemsBy}
      settings={settings}
      counts={counts ?? new Map()}
      onGraph={changeGraph}
      onSettings={setSettings}
      onAdd={add}
      onDelete={remove}
      onSelect={setSelected}
      onOpenContacts={openContacts}
      onClose={wide ? (selected ? () => setSelected(null) : undefined) : () => setSelected(null)}
    />
  );

  return (
    <>
      <Anchor component={Link} to="/workflows" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Workflows
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            {settings.name.trim() || w.name}
            <StateBadge state={w.state} />
            {dirty && !readOnly && (
              <Badge color="orange" variant="light" data-testid="unsaved">
                Unsaved changes
              </Badge>
            )}
          </Group>
        }
        description={<span data-testid="version-line">{versionLine}</span>}
        actions={actions}
      />
      <Tabs value={tab} onChange={(v) => v && navigate(v === 'report' ? `/workflows/${w.id}/report` : `/workflows/${w.id}`)} keepMounted={false}>
        <Tabs.List mb="lg">
          <Tabs.Tab value="journey" leftSection={<IconRoute size={16} stroke={1.7} />} fw={500}>
            Journey
          </Tabs.Tab>
          <Tabs.Tab value="report" leftSection={<IconChartBar size={16} stroke={1.7} />} fw={500}>
            Report
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="journey">
          {problems.length > 0 && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mb="md" title={`${problems.length === 1 ? 'One problem' : `${problems.length} problems`} to fix`} data-testid="problems">
              <Stack gap={4}>
                {problems.map((p, i) => {
                  const id = targetId(p.target);
                  const where =
                    p.target.kind === 'step'
                      ? `${graph.steps[p.target.key] ? kindInfo(graph.steps[p.target.key]!).label : 'Step'} “${p.target.key}”`
                      : p.target.kind === 'trigger'
                        ? 'Trigger'
                        : p.target.kind === 'settings'
                          ? 'Settings'
                          : null;
                  return (
                    <Group key={i} gap={8} wrap="nowrap" align="flex-start">
                      {where && (
                        <UnstyledButton onClick={() => setSelected(id)} fz="sm" fw={600} c="red.8" td="underline" style={{ whiteSpace: 'nowrap' }}>
                          {where}
                        </UnstyledButton>
                      )}
                      <Text fz="sm">{p.message}</Text>
                    </Group>
                  );
                })}
              </Stack>
            </Alert>
          )}
          <Group justify="space-between" mb="xs" gap="xs">
            {w.live ? (
              <SegmentedControl
                size="xs"
                value={showingLive ? 'live' : 'draft'}
                onChange={(v) => {
                  setView(v as 'draft' | 'live');
                  setSelected(null);
                }}
                data={[
                  { value: 'draft', label: 'Draft' },
                  { value: 'live', label: `Live: version ${w.live.version}` },
                ]}
                aria-label="Which version"
              />
            ) : (
              <span />
            )}
            <Group gap="xs">
              {w.versions.length > 0 && <VersionsMenu w={w} />}
              <Button size="xs" variant="default" leftSection={<IconSettings size={14} />} onClick={() => setSelected('settings')}>
                Goal, exits, holdout
              </Button>
            </Group>
          </Group>
          {olderInFlight > 0 && (
            <Text fz="xs" c="dimmed" mb="xs">
              {olderInFlight.toLocaleString('en')} {olderInFlight === 1 ? 'contact is' : 'contacts are'} still on older versions and finish there.
            </Text>
          )}
          <div className={classes.editor}>
            <div className={classes.canvasColumn}>
              <Canvas
                graph={graph}
                names={names}
                selected={selected}
                counts={counts}
                entered={liveCounts ? w.counts.entered : null}
                problems={problemsBy}
                unreachable={unreachable}
                onSelect={setSelected}
                onOpenContacts={openContacts}
                fill={wide}
              />
              <Text fz="xs" c="dimmed">
                {readOnly
                  ? 'Select a step to see what it does.'
                  : wide
                    ? 'Select the trigger or a step to change it, or to add a step after it.'
                    : 'Tap the trigger or a step to change it, or to add a step after it. Swipe to move around; pinch or use the buttons to zoom.'}
              </Text>
            </div>
            {wide && (
              <Card className={classes.panel} data-testid="side-panel">
                {panel}
              </Card>
            )}
          </div>
          {!wide && (
            <Drawer opened={selected !== null} onClose={() => setSelected(null)} position="bottom" size="88%" withCloseButton={false} padding="md" data-testid="side-panel">
              {panel}
            </Drawer>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="report">
          <ReportTab workflow={w} />
        </Tabs.Panel>
      </Tabs>
      <StepContactsDrawer workflowId={w.id} step={contactsAt} graph={graph} names={names} onClose={() => setContactsAt(null)} />
      <EnrollModal w={w} opened={enrollOpen} onClose={() => setEnrollOpen(false)} onDone={() => void queryClient.invalidateQueries({ queryKey: key })} />
      <ConfirmModal opened={confirmArchive} title="Archive this workflow?" confirmLabel="Archive" loading={stateChange.isPending} onConfirm={() => stateChange.mutate('archive')} onClose={() => setConfirmArchive(false)}>
        Everyone in it leaves at once, no one enters again, and it can no longer be changed. Its report stays.
      </ConfirmModal>
    </>
  );
}

function VersionsMenu({ w }: { w: WorkflowDetail }) {
  return (
    <Menu position="bottom-end" shadow="md" width={300}>
      <Menu.Target>
        <Button size="xs" variant="default" leftSection={<IconHistory size={14} />}>
          Versions
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Published versions</Menu.Label>
        {w.versions.map((v) => (
          <Menu.Item key={v.number} component="div" closeMenuOnClick={false}>
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <Stack gap={0}>
                <Text fz="sm" fw={600}>
                  Version {v.number}
                  {w.live?.version === v.number ? ' (live)' : ''}
                </Text>
                <Text fz="xs" c="dimmed">
                  {formatDateTime(v.publishedAt)}
                  {v.publishedBy ? ` by ${v.publishedBy.name || v.publishedBy.email}` : ''}
                </Text>
              </Stack>
              <Text fz="xs" c="dimmed" ta="right">
                {v.inNow.toLocaleString('en')} in it
              </Text>
            </Group>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

/** Enrolls a segment's or list's members now, under the workflow's rules (filter, re-entry). */
function EnrollModal({ w, opened, onClose, onDone }: { w: WorkflowDetail; opened: boolean; onClose: () => void; onDone: () => void }) {
  const segments = useSegmentsQuery();
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const enroll = useMutation({
    mutationFn: (id: string) => api.post<{ enrolled: number; skipped: number }>(`/workflows/${w.id}/enrollments`, { segmentId: id }),
    onSuccess: (r) => {
      onDone();
      onClose();
      notifySuccess(
        `${r.enrolled.toLocaleString('en')} ${r.enrolled === 1 ? 'contact entered' : 'contacts entered'}${r.skipped > 0 ? `; ${r.skipped.toLocaleString('en')} were not let in (already in it, filtered out or held back by the re-entry rule)` : ''}.`,
        'Enrolled',
      );
    },
  });
  const options = [
    { group: 'Segments', items: (segments.data?.items ?? []).filter((s) => s.kind === 'segment').map((s) => ({ value: s.id, label: `${s.name} (${s.memberCount.toLocaleString('en')})` })) },
    { group: 'Lists', items: (segments.data?.items ?? []).filter((s) => s.kind === 'list').map((s) => ({ value: s.id, label: `${s.name} (${s.memberCount.toLocaleString('en')})` })) },
  ];
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Enroll contacts</Text>}>
      <Stack gap="md">
        <Text fz="sm" c="dimmed">
          The members of a segment or list enter “{w.name}” now, as if the trigger had brought them. Who may not enter (the “who may enter” conditions, the re-entry rule) is left out.
        </Text>
        <Select label="Segment or list" placeholder="Choose one" data={options} value={segmentId} onChange={setSegmentId} searchable />
        {enroll.isError && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            {errorMessage(enroll.error)}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button leftSection={<IconUserPlus size={16} />} disabled={!segmentId} loading={enroll.isPending} onClick={() => segmentId && enroll.mutate(segmentId)}>
            Enroll
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}


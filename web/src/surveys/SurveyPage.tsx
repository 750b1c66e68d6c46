// One survey, in four tabs: Results (/surveys/:id), Responses, Edit and Send. The draft being
// edited lives here, above the tabs, so looking at the results loses nothing; saving sends it
// whole and puts the server's problems under the fields they name. Loaded with its page
// (React.lazy): the charts stay out of the app's main chunk.
import { Anchor, Badge, Button, Group, Menu, Tabs, Text } from '@mantine/core';
import { IconChartBar, IconChevronLeft, IconDeviceFloppy, IconDots, IconExternalLink, IconListDetails, IconPencil, IconSend, IconTrash } from '@tabler/icons-react';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useBeforeUnload, useLocation, useNavigate, useParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, isApiError } from '../lib/api.ts';
import { fromNow } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { type Draft, EditTab } from './EditTab.tsx';
import { normalSettings, problemsByPath } from './editor.ts';
import { KIND_NAMES, type SurveyDetail, useSurveyQuery } from './model.ts';
import { ResponsesTab } from './ResponsesTab.tsx';
import { ResultsTab } from './ResultsTab.tsx';
import { SendTab } from './SendTab.tsx';
import { KindBadge, StateBadge } from './SurveysPage.tsx';
import classes from './surveys.module.css';

type Tab = 'results' | 'responses' | 'edit' | 'send';
const TABS: Tab[] = ['results', 'responses', 'edit', 'send'];

const draftOf = (s: SurveyDetail): Draft => ({ name: s.name, content: s.content, settings: s.settings });
const snapshot = (d: Draft) => JSON.stringify({ ...d, name: d.name.trim(), settings: normalSettings(d.settings) });

/** Problem paths as the editor's fields name them: "content.questions.2.title", "settings.periodDays". */
function normalPath(path: string): string {
  if (/^(questions|endings|title|intro|language|look|buttons)(\.|$)/.test(path)) return `content.${path}`;
  if (/^(anonymous|answerOnce|periodDays|reminders)(\.|$)/.test(path)) return `settings.${path}`;
  return path;
}

/** /surveys/:id, /surveys/:id/responses, /surveys/:id/edit, /surveys/:id/send */
export function SurveyPage() {
  const { id = '' } = useParams();
  const survey = useSurveyQuery(id);
  if (survey.isPending) return <LoadingBlock label="Loading the survey" />;
  if (survey.isError) {
    if (isApiError(survey.error, 404) || isApiError(survey.error, 400)) return <NotFoundPage />;
    return <ErrorBlock error={survey.error} onRetry={() => void survey.refetch()} />;
  }
  return <Survey key={id} s={survey.data} />;
}

function Survey({ s }: { s: SurveyDetail }) {
  const { role } = useWorkspace();
  const canWrite = roleAtLeast(role, 'marketer') && s.state !== 'archived';
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('surveys', 'one', s.id);
  const listKey = useWorkspaceKey('surveys', 'list');
  const last = pathname.replace(/\/+$/, '').split('/').pop() as Tab;
  const tab: Tab = TABS.includes(last) ? last : 'results';

  const [draft, setDraft] = useState<Draft>(() => draftOf(s));
  const [saved, setSaved] = useState(() => snapshot(draftOf(s)));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [confirmDelete, setConfirmDelete] = useState(false);
  // On a phone the tabs go without their icons, so that all four fit.
  const phone = useMediaQuery('(max-width: 30em)');
  const dirty = snapshot(draft) !== saved;

  useBeforeUnload(
    useCallback(
      (e: BeforeUnloadEvent) => {
        if (dirty) e.preventDefault();
      },
      [dirty],
    ),
  );

  const afterChange = (d: SurveyDetail) => {
    queryClient.setQueryData(key, d);
    void queryClient.invalidateQueries({ queryKey: listKey });
  };

  const onDraft = (next: Draft, change?: { path?: string; structural?: boolean }) => {
    setDraft(next);
    if (change?.structural) setProblems((ps) => Object.fromEntries(Object.entries(ps).filter(([p]) => !p.startsWith('content.questions') && !p.startsWith('content.endings'))));
    else if (change?.path) {
      const path = change.path;
      setProblems((ps) => (Object.keys(ps).some((p) => p === path || p.startsWith(`${path}.`)) ? Object.fromEntries(Object.entries(ps).filter(([p]) => p !== path && !p.startsWith(`${path}.`))) : ps));
    }
  };

  const save = useMutation({
    mutationFn: (d: Draft) => api.patch<SurveyDetail>(`/surveys/${s.id}`, { name: d.name.trim(), content: d.content, settings: normalSettings(d.settings) }),
    onSuccess: (d) => {
      afterChange(d);
      const next = draftOf(d);
      setDraft(next);
      setSaved(snapshot(next));
      setProblems({});
      notifySuccess(d.state === 'active' ? 'Saved: new answers get this version.' : 'Saved. Activate it on the Send tab to take answers.', 'Survey saved');
    },
    onError: (err) => {
      const found = Object.fromEntries(Object.entries(problemsByPath(err)).map(([p, m]) => [normalPath(p), m]));
      if (Object.keys(found).length > 0) {
        setProblems(found);
        const count = Object.keys(found).length;
        notifyError(new Error(`${count === 1 ? 'One problem is' : `${count} problems are`} marked in the editor.`), 'Not saved');
        if (tab !== 'edit') navigate(`/surveys/${s.id}/edit`);
      } else notifyError(err, 'Not saved');
    },
  });

  const remove = useMutation({
    mutationFn: () => api.delete(`/surveys/${s.id}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: listKey });
      queryClient.removeQueries({ queryKey: key });
      notifySuccess(s.responses > 0 ? 'It is archived: its answers and results stay.' : 'It is deleted.', `“${s.name}” removed`);
      navigate('/surveys');
    },
    onError: (err) => notifyError(err),
  });

  const actions = (
    <>
      {canWrite && tab === 'edit' && (
        <Button leftSection={<IconDeviceFloppy size={16} />} onClick={() => save.mutate(draft)} loading={save.isPending} disabled={!dirty}>
          Save
        </Button>
      )}
      <Button component="a" href={`/s/preview/${s.id}`} target="_blank" rel="noopener" variant="default" leftSection={<IconExternalLink size={16} />}>
        Preview
      </Button>
      {canWrite && (
        <Menu position="bottom-end" shadow="md" width={220}>
          <Menu.Target>
            <Button variant="default" px={10} aria-label="More actions">
              <IconDots size={18} />
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconTrash size={16} />} color="red" onClick={() => setConfirmDelete(true)}>
              {s.responses > 0 ? 'Archive…' : 'Delete…'}
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
    </>
  );

  const line =
    s.state === 'draft'
      ? 'A draft: it takes no answers until you activate it on the Send tab.'
      : `${KIND_NAMES[s.kind]} · ${s.responses.toLocaleString('en')} ${s.responses === 1 ? 'response' : 'responses'}${s.lastResponseAt ? `, the last ${fromNow(s.lastResponseAt)}` : ''}`;

  return (
    <>
      <Anchor component={Link} to="/surveys" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Surveys
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span data-testid="survey-name">{draft.name.trim() || s.name}</span>
            <StateBadge state={s.state} />
            <KindBadge kind={s.kind} />
            {dirty && canWrite && (
              <Badge color="orange" variant="light" data-testid="unsaved">
                Unsaved changes
              </Badge>
            )}
          </Group>
        }
        description={line}
        actions={actions}
      />
      <Tabs value={tab} onChange={(v) => v && navigate(v === 'results' ? `/surveys/${s.id}` : `/surveys/${s.id}/${v}`)} keepMounted={false}>
        <Tabs.List mb="lg" className={classes.tabs}>
          <Tabs.Tab value="results" leftSection={phone ? undefined : <IconChartBar size={16} stroke={1.7} />} fw={500}>
            Results
          </Tabs.Tab>
          <Tabs.Tab value="responses" leftSection={phone ? undefined : <IconListDetails size={16} stroke={1.7} />} fw={500}>
            Responses
          </Tabs.Tab>
          <Tabs.Tab value="edit" leftSection={phone ? undefined : <IconPencil size={16} stroke={1.7} />} fw={500}>
            {canWrite ? 'Edit' : 'Questions'}
          </Tabs.Tab>
          <Tabs.Tab value="send" leftSection={phone ? undefined : <IconSend size={16} stroke={1.7} />} fw={500}>
            Send
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="results">
          <ResultsTab survey={s} />
        </Tabs.Panel>
        <Tabs.Panel value="responses">
          <ResponsesTab survey={s} />
        </Tabs.Panel>
        <Tabs.Panel value="edit">
          <EditTab survey={s} draft={draft} onDraft={onDraft} problems={problems} readOnly={!canWrite} dirty={dirty} saving={save.isPending} onSave={() => save.mutate(draft)} />
        </Tabs.Panel>
        <Tabs.Panel value="send">
          {dirty && canWrite && (
            <Text fz="sm" c="orange.8" mb="md">
              The editor has unsaved changes: what is sent is the saved survey.
            </Text>
          )}
          <SendTab survey={s} canWrite={canWrite} onChanged={afterChange} />
        </Tabs.Panel>
      </Tabs>
      <ConfirmModal
        opened={confirmDelete}
        title={s.responses > 0 ? 'Archive this survey?' : 'Delete this survey?'}
        confirmLabel={s.responses > 0 ? 'Archive' : 'Delete'}
        loading={remove.isPending}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirmDelete(false)}
      >
        {s.responses > 0
          ? 'It has answers, so it is archived rather than deleted: it takes no more answers and can no longer change; its responses and results stay.'
          : 'It has no answers yet. It goes for good, and its links stop working.'}
      </ConfirmModal>
    </>
  );
}

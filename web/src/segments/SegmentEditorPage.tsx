// A new segment (blank or from a template) or an existing one, edited: its name, description
// and definition, with a live count and sample of the contacts it matches while it changes.
import { Alert, Anchor, Avatar, Box, Button, Card, Grid, Group, Loader, Progress, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconChevronLeft, IconDeviceFloppy } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { type ContactPage, displayName } from '../contacts/model.ts';
import { api, errorMessage, isApiError, sentenceCase } from '../lib/api.ts';
import { initials } from '../lib/format.ts';
import { notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';
import { ConditionsProvider } from '../conditions/context.tsx';
import { type Compiled, compile, countConditions, type DraftGroup, errorsByNode, newGroup, toDraftRoot } from '../conditions/draft.ts';
import { GroupEditor } from '../conditions/GroupEditor.tsx';
import { MAX_CONDITIONS } from '../../../src/segments/vocabulary.ts';
import { type Preview, type Segment, useCatalogQuery, usePreviewQuery, useSegmentQuery, useTemplatesQuery } from './model.ts';
import classes from './segments.module.css';

const n = (x: number) => x.toLocaleString('en');

interface Initial {
  id?: string;
  name: string;
  description: string;
  root: DraftGroup;
  /** The saved definition, as canonical JSON: saving the same one again recomputes nothing. */
  definitionJson?: string;
}

/** JSON with keys sorted, so that two equal definitions read the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

/** /segments/new and /segments/new?template=<key> */
export function NewSegmentPage() {
  const [params] = useSearchParams();
  const templateKey = params.get('template');
  const templates = useTemplatesQuery(templateKey !== null);
  const initial = useMemo<Initial | null>(() => {
    if (templateKey === null) return { name: '', description: '', root: newGroup('and', []) };
    const t = templates.data?.items.find((x) => x.key === templateKey);
    if (!t) return null;
    return { name: t.name, description: t.description, root: toDraftRoot(t.definition) };
  }, [templateKey, templates.data]);

  if (templateKey !== null && templates.isPending) return <LoadingBlock label="Loading the template" />;
  if (templateKey !== null && templates.isError) return <ErrorBlock error={templates.error} onRetry={() => void templates.refetch()} />;
  if (!initial) return <NotFoundPage />;
  return <SegmentEditor key={templateKey ?? 'blank'} initial={initial} />;
}

/** /segments/:id/edit */
export function EditSegmentPage() {
  const { id = '' } = useParams();
  const segment = useSegmentQuery(id);
  if (segment.isPending) return <LoadingBlock label="Loading the segment" />;
  if (segment.isError) {
    if (isApiError(segment.error, 404) || isApiError(segment.error, 400)) return <NotFoundPage />;
    return <ErrorBlock error={segment.error} onRetry={() => void segment.refetch()} />;
  }
  const s = segment.data;
  // A list has members, not a definition: its name is edited on its page.
  if (s.kind === 'list' || !s.definition) return <Navigate to={`/segments/${s.id}`} replace />;
  return <SegmentEditor key={s.id} initial={{ id: s.id, name: s.name, description: s.description, root: toDraftRoot(s.definition), definitionJson: canonical(s.definition) }} />;
}

function SegmentEditor({ initial }: { initial: Initial }) {
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [root, setRootState] = useState<DraftGroup>(initial.root);
  const [nameError, setNameError] = useState<string | null>(null);
  const [saveError, setSaveError] = useState<{ message: string; compiled: Compiled; details: unknown } | null>(null);
  const [flagUnfinished, setFlagUnfinished] = useState(false);
  const catalog = useCatalogQuery();
  const queryClient = useQueryClient();
  const segmentsKey = useWorkspaceKey('segments');
  const navigate = useNavigate();

  const setRoot = (next: DraftGroup) => {
    setRootState(next);
    setSaveError(null);
  };

  const compiled = useMemo(() => compile(root), [root]);
  const [debounced] = useDebouncedValue(compiled, 400);
  const preview = usePreviewQuery(debounced.definition);
  const previewError = preview.isError && isApiError(preview.error, 400) ? errorsByNode(preview.error.details, debounced.paths) : null;
  const saveErrors = saveError ? errorsByNode(saveError.details, saveError.compiled.paths) : null;
  const errors = useMemo(() => {
    const all = new Map<string, string[]>();
    for (const source of [previewError?.byNode, saveErrors?.byNode]) {
      for (const [uid, messages] of source ?? []) all.set(uid, [...new Set([...(all.get(uid) ?? []), ...messages])]);
    }
    return all;
  }, [previewError?.byNode, saveErrors?.byNode]);
  const conditions = countConditions(root);

  const save = useMutation({
    mutationFn: (body: { name: string; description: string; definition: Compiled['definition'] }) =>
      initial.id ? api.patch<Segment>(`/segments/${initial.id}`, body) : api.post<Segment>('/segments', { ...body, kind: 'segment' }),
    onSuccess: (saved, body) => {
      void queryClient.invalidateQueries({ queryKey: segmentsKey });
      // A changed definition is recomputed in the background; the page waits for it.
      const changed = !initial.id || canonical(body.definition) !== initial.definitionJson;
      notifySuccess(changed ? 'Its members are being counted.' : 'The changes are saved.', initial.id ? 'Segment saved' : 'Segment created');
      navigate(`/segments/${saved.id}`, { state: changed && initial.id ? { recomputeSince: saved.updatedAt } : null });
    },
    onError: (err, body) => {
      const nameIssue = isApiError(err) && Array.isArray(err.details) ? (err.details as { path?: string; message?: string }[]).find((d) => d?.path === 'body.name') : undefined;
      if (nameIssue) {
        setNameError(isApiError(err, 409) ? err.message : sentenceCase(nameIssue.message ?? 'is not valid'));
        return;
      }
      setSaveError({ message: errorMessage(err), compiled: { ...compiled, definition: body.definition }, details: isApiError(err) ? err.details : undefined });
    },
  });

  const submit = () => {
    if (!name.trim()) {
      setNameError('Give the segment a name');
      return;
    }
    if (compiled.unfinished.size > 0) {
      setFlagUnfinished(true);
      setSaveError({ message: 'Finish or remove the conditions marked below before saving.', compiled, details: [] });
      return;
    }
    save.mutate({ name: name.trim(), description: description.trim(), definition: compiled.definition });
  };

  const back = initial.id ? `/segments/${initial.id}` : '/segments';
  return (
    <>
      <Anchor component={Link} to={back} fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> {initial.id ? initial.name : 'Segments'}
      </Anchor>
      <PageHeader
        title={initial.id ? `Edit “${initial.name}”` : 'New segment'}
        description="Conditions on who contacts are and what they did. The segment stays current by itself once saved."
        actions={
          <>
            <Button component={Link} to={back} variant="default">
              Cancel
            </Button>
            <Button leftSection={<IconDeviceFloppy size={16} />} onClick={submit} loading={save.isPending}>
              {initial.id ? 'Save segment' : 'Create segment'}
            </Button>
          </>
        }
      />
      <Grid gap="lg" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 9 }}>
          <Stack gap="lg">
            <Card>
              <Stack gap="sm">
                <TextInput
                  label="Name"
                  placeholder="Repeat buyers, gold tier"
                  value={name}
                  onChange={(e) => {
                    setName(e.currentTarget.value);
                    setNameError(null);
                  }}
                  error={nameError}
                  data-autofocus
                />
                <Textarea label="Description" placeholder="Who this is and what it is for" autosize minRows={2} maxRows={5} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
              </Stack>
            </Card>
            {saveError && (
              <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The segment was not saved">
                {saveError.message}
                {saveErrors?.other.map((m) => (
                  <Text key={m} fz="sm">
                    {m}
                  </Text>
                ))}
              </Alert>
            )}
            <Card>
              {catalog.isError && <ErrorBlock error={catalog.error} onRetry={() => void catalog.refetch()} />}
              <ConditionsProvider
                value={{
                  catalog: catalog.data,
                  errors,
                  unfinished: compiled.unfinished,
                  flagUnfinished,
                  selfId: initial.id,
                  canAddCondition: conditions < MAX_CONDITIONS,
                }}
              >
                <GroupEditor group={root} depth={1} onChange={setRoot} />
              </ConditionsProvider>
              {conditions >= MAX_CONDITIONS && (
                <Text fz="xs" c="dimmed" mt="xs">
                  A segment holds at most {MAX_CONDITIONS} conditions.
                </Text>
              )}
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 3 }}>
          <PreviewPanel
            preview={preview.data}
            loading={preview.isFetching || compiled !== debounced}
            error={preview.isError ? preview.error : null}
            problems={previewError ? [...[...previewError.byNode.values()].flat(), ...previewError.other] : []}
            unfinished={compiled.unfinished.size}
          />
        </Grid.Col>
      </Grid>
    </>
  );
}

function useContactsTotal() {
  return useQuery({
    queryKey: useWorkspaceKey('contacts', 'list', 'total'),
    queryFn: () => api.get<ContactPage>('/contacts?limit=1'),
    select: (page) => page.total ?? null,
    staleTime: 30_000,
  });
}

function PreviewPanel({ preview, loading, error, problems, unfinished }: { preview?: Preview; loading: boolean; error: unknown; problems: string[]; unfinished: number }) {
  const total = useContactsTotal().data ?? null;
  const share = preview && total ? Math.min(100, (preview.count / total) * 100) : 0;
  return (
    <Card className={classes.preview} aria-label="Preview" component="section">
      <Group justify="space-between" mb={4}>
        <Title order={2} fz="sm" tt="uppercase" c="dimmed" lts="0.04em">
          Matching now
        </Title>
        {loading && <Loader size={14} aria-label="Counting" />}
      </Group>
      {error ? (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} mt="xs" title="Cannot count this yet" data-testid="preview-error">
          {problems.length === 0 ? (
            errorMessage(error)
          ) : (
            <Stack gap={4}>
              <Text fz="sm">Fix the {problems.length === 1 ? 'problem' : 'problems'} marked in red:</Text>
              {problems.map((m) => (
                <Text key={m} fz="sm">
                  {m}
                </Text>
              ))}
            </Stack>
          )}
        </Alert>
      ) : (
        <>
          <Group gap={8} align="baseline">
            <Text fz={34} fw={700} lh={1.1} data-testid="preview-count" style={{ opacity: loading ? 0.5 : 1 }}>
              {preview ? n(preview.count) : '–'}
            </Text>
            <Text fz="sm" c="dimmed">
              {preview && total !== null ? `of ${n(total)} contacts` : preview?.count === 1 ? 'contact' : 'contacts'}
            </Text>
          </Group>
          {preview && total !== null && <Progress value={share} color="violet" size="sm" mt="xs" aria-label="Share of all contacts" />}
        </>
      )}
      {unfinished > 0 && (
        <Text fz="xs" c="dimmed" mt="xs">
          {unfinished === 1 ? 'One unfinished condition is' : `${unfinished} unfinished conditions are`} left out of the count.
        </Text>
      )}
      {preview && preview.sample.length > 0 && !error && (
        <Box mt="lg">
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em" mb="xs">
            Newest of them
          </Text>
          <Stack gap={8} data-testid="preview-sample">
            {preview.sample.map((c) => (
              <Group key={c.id} gap="sm" wrap="nowrap">
                <Avatar size={28} radius="xl" color="initials" name={displayName(c)}>
                  {initials(displayName(c), c.email ?? '')}
                </Avatar>
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Anchor component={Link} to={`/contacts/${c.id}`} fz="sm" fw={600} c="dark.8" truncate="end">
                    {displayName(c)}
                  </Anchor>
                  {c.email && displayName(c) !== c.email && (
                    <Text fz="xs" c="dimmed" truncate="end">
                      {c.email}
                    </Text>
                  )}
                </Stack>
              </Group>
            ))}
          </Stack>
        </Box>
      )}
      {preview && preview.count === 0 && !error && (
        <Text fz="sm" c="dimmed" mt="md">
          No contact matches these conditions right now.
        </Text>
      )}
    </Card>
  );
}

// One email template: name, subject, preheader and the MJML body in a code editor, with a live
// preview beside it (as any contact, at desktop or phone width), fallbacks for merge fields,
// snippets, and a test send to yourself. Edits save as you type (see useTemplateDraft).
import { Alert, Anchor, Badge, Box, Button, Card, Grid, Group, Loader, Menu, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertCircle, IconCheck, IconChevronLeft, IconDots, IconPuzzle, IconSend, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { PageHeader, SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, isApiError } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { type PickedContact, ContactPicker } from './ContactPicker.tsx';
import { DefaultsEditor } from './DefaultsEditor.tsx';
import { MergeFieldHelp } from './MergeFieldHelp.tsx';
import { type EmailTemplate, type TemplateIssue, type TestSendResult, usePreviewQuery, useTemplateQuery } from './model.ts';
import { PreviewPane } from './PreviewPane.tsx';
import { SnippetsModal } from './SnippetsModal.tsx';
import { type SaveStatus, useTemplateDraft } from './useTemplateDraft.ts';
import classes from './email.module.css';

const EDITOR_HEIGHT = 620;

export function TemplateEditorPage() {
  const { id = '' } = useParams();
  const template = useTemplateQuery(id);
  if (template.isPending) return <LoadingBlock label="Loading the template" />;
  if (template.isError) {
    if (isApiError(template.error, 404) || isApiError(template.error, 400)) return <NotFoundPage />;
    return <ErrorBlock error={template.error} onRetry={() => void template.refetch()} />;
  }
  // Keyed by id: another template starts a new draft.
  return <TemplateEditor key={template.data.id} template={template.data} />;
}

const partError = (issues: TemplateIssue[], part: TemplateIssue['part'], fallback?: string) => {
  const issue = issues.find((i) => i.part === part);
  return issue ? `Line ${issue.line}, column ${issue.column}: ${issue.message}` : fallback;
};

function TemplateEditor({ template }: { template: EmailTemplate }) {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const { draft, saved, status, fieldErrors, issues, error, change, save } = useTemplateDraft(template);
  const [previewAs, setPreviewAs] = useState<PickedContact | null>(null);
  const preview = usePreviewQuery(template.id, saved.updatedAt, previewAs?.id ?? null);
  const [snippetsOpen, snippets] = useDisclosure(false);
  const [sent, setSent] = useState<TestSendResult | null>(null);
  const [deleting, setDeleting] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const templatesKey = useWorkspaceKey('email', 'templates');
  const messagesKey = useWorkspaceKey('email', 'messages');

  const testSend = useMutation({
    mutationFn: async () => {
      if (!(await save())) throw new Error('Fix the problems marked in the template first: a test sends the saved version.');
      return api.post<TestSendResult>(`/email/templates/${template.id}/test-send`, previewAs ? { contactId: previewAs.id } : {});
    },
    onSuccess: (r) => {
      setSent(r);
      void queryClient.invalidateQueries({ queryKey: messagesKey });
    },
    onError: (err) => notifyError(err, 'The test was not sent'),
  });
  const remove = useMutation({
    mutationFn: () => api.delete(`/email/templates/${template.id}`),
    onSuccess: () => {
      notifySuccess(`“${draft.name}” was deleted.`, 'Template deleted');
      queryClient.removeQueries({ queryKey: [...templatesKey, template.id] });
      void queryClient.invalidateQueries({ queryKey: templatesKey });
      navigate('/email/templates');
    },
    onError: (err) => notifyError(err, 'Could not delete the template'),
  });

  const bodyIssues = issues.filter((i) => i.part === 'body');
  const stale =
    status === 'error'
      ? 'This is the last saved version: the changes are not saved until the problems marked on the left are fixed.'
      : preview.isError && preview.data
        ? 'This is an earlier rendering: the latest could not be made (see the message on the left).'
        : null;

  return (
    <>
      <Anchor component={Link} to="/email/templates" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Templates
      </Anchor>
      <PageHeader
        title={draft.name || 'Untitled template'}
        description={<SaveState status={status} />}
        actions={
          <>
            <Button variant="default" leftSection={<IconPuzzle size={16} stroke={1.7} />} onClick={snippets.open}>
              Snippets
            </Button>
            <Button leftSection={<IconSend size={16} />} onClick={() => testSend.mutate()} loading={testSend.isPending} disabled={!canWrite}>
              Send test to me
            </Button>
            {canWrite && (
              <Menu position="bottom-end">
                <Menu.Target>
                  <Button variant="default" px="xs" aria-label="More actions">
                    <IconDots size={18} />
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Item color="red" leftSection={<IconTrash size={15} />} onClick={() => setDeleting(true)}>
                    Delete template
                  </Menu.Item>
                </Menu.Dropdown>
              </Menu>
            )}
          </>
        }
      />
      <Stack gap="lg">
        {sent && (
          <Alert color="teal" variant="light" icon={<IconCheck size={18} />} withCloseButton onClose={() => setSent(null)} data-testid="test-sent">
            A test is on its way to {sent.to}.{' '}
            <Anchor component={Link} to={`/email/outbox?message=${sent.messageId}`} fz="sm" fw={600}>
              See it in the Outbox
            </Anchor>
          </Alert>
        )}
        {error && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            {error}
          </Alert>
        )}
        <Card>
          <Grid gap="md">
            <Grid.Col span={{ base: 12, md: 4 }}>
              <TextInput label="Name" value={draft.name} onChange={(e) => change({ name: e.currentTarget.value })} error={fieldErrors.name} readOnly={!canWrite} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 8 }}>
              <TextInput label="Subject" value={draft.subject} onChange={(e) => change({ subject: e.currentTarget.value })} error={partError(issues, 'subject', fieldErrors.subject)} readOnly={!canWrite} />
            </Grid.Col>
            <Grid.Col span={12}>
              <TextInput
                label="Preheader"
                description="The line inboxes show after the subject."
                value={draft.preheader}
                onChange={(e) => change({ preheader: e.currentTarget.value })}
                error={partError(issues, 'preheader', fieldErrors.preheader)}
                readOnly={!canWrite}
              />
            </Grid.Col>
          </Grid>
        </Card>
        <Grid gap="lg" align="flex-start">
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <Paper withBorder className={classes.editorPane}>
              <Group justify="space-between" px="md" py={8} className={classes.editorBar}>
                <Text fz="sm" fw={600}>
                  Body <Text span c="dimmed" fz="xs" fw={400}>MJML with merge fields</Text>
                </Text>
                <MergeFieldHelp />
              </Group>
              {bodyIssues.length > 0 && (
                <Alert color="red" variant="light" radius={0} py={8} data-testid="body-error">
                  {bodyIssues.map((i) => (
                    <Text key={`${i.line}:${i.column}`} fz="xs">
                      Line {i.line}, column {i.column}: {i.message}
                    </Text>
                  ))}
                </Alert>
              )}
              {!bodyIssues.length && fieldErrors.body && (
                <Alert color="red" variant="light" radius={0} py={8}>
                  <Text fz="xs">{fieldErrors.body}</Text>
                </Alert>
              )}
              <Box h={EDITOR_HEIGHT}>
                <CodeEditor value={draft.body} onChange={(body) => change({ body })} issues={bodyIssues} label="Template body" readOnly={!canWrite} />
              </Box>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 6 }}>
            <Stack gap="sm">
              <ContactPicker label="Preview as" value={previewAs} onChange={setPreviewAs} />
              <PreviewPane rendered={preview.data} fetching={preview.isFetching} error={preview.error} stale={stale} height={EDITOR_HEIGHT - 100} />
            </Stack>
          </Grid.Col>
        </Grid>
        <Card>
          <SectionHeader title="Fallbacks" description="What a merge field shows when a contact has no value for it. A test or a preview with no contact shows every fallback." />
          <DefaultsEditor value={draft.defaults} onChange={(defaults) => change({ defaults })} readOnly={!canWrite} error={fieldErrors.defaults} />
        </Card>
      </Stack>
      <SnippetsModal opened={snippetsOpen} onClose={snippets.close} canWrite={canWrite} />
      <ConfirmModal opened={deleting} title={`Delete “${draft.name}”?`} confirmLabel="Delete template" loading={remove.isPending} onConfirm={() => remove.mutate()} onClose={() => setDeleting(false)}>
        Broadcasts that were sent with it keep their copy and their report. Drafts and scheduled broadcasts that use it will need another template.
      </ConfirmModal>
    </>
  );
}

function SaveState({ status }: { status: SaveStatus }) {
  if (status === 'saving' || status === 'dirty') {
    return (
      <Group gap={6} component="span" data-testid="save-state" data-state={status}>
        <Loader size={12} />
        <span>{status === 'saving' ? 'Saving…' : 'Editing…'}</span>
      </Group>
    );
  }
  if (status === 'error') {
    return (
      <Badge color="red" variant="light" component="span" data-testid="save-state" data-state={status}>
        Not saved: fix the problems marked below
      </Badge>
    );
  }
  return (
    <Group gap={6} component="span" data-testid="save-state" data-state={status}>
      <IconCheck size={14} color="var(--mantine-color-teal-6)" />
      <span>Saved. Changes save as you type, and the preview follows.</span>
    </Group>
  );
}

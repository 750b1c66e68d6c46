// Sending a survey: whether it takes answers (activate, close, reopen; a draft takes none), the
// email that carries it and who gets it (a segment or list, with how many can get email now),
// "Send survey" and what happened in plain words (sent to so many; left out, and why); and the
// survey's block of MJML to put in a template of one's own.
import { Alert, Anchor, Badge, Box, Button, Card, CopyButton, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCheck, IconCopy, IconLock, IconPlayerPlay, IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { useAudienceEstimate } from '../email/AudienceEstimate.tsx';
import { useTemplatesQuery } from '../email/model.ts';
import { api, ApiError, errorMessage } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { useSession, useWorkspaceKey } from '../lib/session.ts';
import { useSegmentsQuery } from '../segments/model.ts';
import { type Fatigue, formatCount as n, type SendResult, type SurveyDetail, useEmailBlockQuery, useFatigueQuery } from './model.ts';
import classes from './surveys.module.css';

/** "Sent to 412 contacts. Left out: 30 surveyed in the last 30 days, 5 already answered, 12 cannot get email." */
export function sendResultWords(r: SendResult, fatigue: Fatigue | undefined): string {
  const contacts = (x: number) => `${n(x)} ${x === 1 ? 'contact' : 'contacts'}`;
  const first = r.queued > 0 ? `Sent to ${contacts(r.queued)}.` : r.audience === 0 ? 'The audience has no members: nobody was sent it.' : 'Nobody was sent it.';
  const days = fatigue?.minDaysBetween;
  const left = [
    r.leftOut.recentlySurveyed > 0 ? `${n(r.leftOut.recentlySurveyed)} surveyed ${days ? `in the last ${days === 1 ? 'day' : `${days} days`}` : 'recently'}` : null,
    r.leftOut.alreadyAnswered > 0 ? `${n(r.leftOut.alreadyAnswered)} already answered` : null,
    r.leftOut.noEmail > 0 ? `${n(r.leftOut.noEmail)} cannot get email` : null,
  ].filter(Boolean);
  const repeated = r.repeated > 0 ? ` ${contacts(r.repeated)} had been sent it by this same request already, and were not sent it again.` : '';
  return `${first}${left.length ? ` Left out: ${left.join(', ')}.` : ''}${repeated}`;
}

/** A random key for the send, made once per confirmation: a retried request asks no one twice. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function SendTab({ survey, canWrite, onChanged }: { survey: SurveyDetail; canWrite: boolean; onChanged: (s: SurveyDetail) => void }) {
  return (
    <Stack gap="lg" data-testid="send">
      <StateCard survey={survey} canWrite={canWrite} onChanged={onChanged} />
      <SendCard survey={survey} canWrite={canWrite} />
      <BlockCard survey={survey} />
    </Stack>
  );
}

function StateCard({ survey, canWrite, onChanged }: { survey: SurveyDetail; canWrite: boolean; onChanged: (s: SurveyDetail) => void }) {
  const [confirmClose, setConfirmClose] = useState(false);
  const change = useMutation({
    mutationFn: (state: 'active' | 'closed') => api.patch<SurveyDetail>(`/surveys/${survey.id}`, { state }),
    onSuccess: (s) => {
      onChanged(s);
      setConfirmClose(false);
      notifySuccess(s.state === 'active' ? 'Its links take answers now.' : 'Its pages say it is closed and take no more answers.', s.state === 'active' ? 'Survey active' : 'Survey closed');
    },
    onError: (err) => notifyError(err),
  });
  const text =
    survey.state === 'draft'
      ? 'This survey is a draft: it takes no answers. Anyone opening its link is told so. Activate it before you send it.'
      : survey.state === 'active'
        ? 'This survey takes answers, by email and link.'
        : survey.state === 'closed'
          ? 'This survey is closed: its pages say so and take no answers. Its results stay.'
          : 'This survey is archived: it takes no answers and can no longer change. Its results stay.';
  return (
    <Card data-testid="state-card">
      <Group justify="space-between" gap="md" align="center">
        <Text fz="sm" style={{ flex: '1 1 320px' }} data-testid="state-text">
          {text}
        </Text>
        {canWrite && survey.state === 'draft' && (
          <Button leftSection={<IconPlayerPlay size={16} />} color="teal" onClick={() => change.mutate('active')} loading={change.isPending}>
            Activate
          </Button>
        )}
        {canWrite && survey.state === 'active' && (
          <Button variant="default" leftSection={<IconLock size={16} />} onClick={() => setConfirmClose(true)}>
            Close survey
          </Button>
        )}
        {canWrite && survey.state === 'closed' && (
          <Button variant="default" leftSection={<IconPlayerPlay size={16} />} onClick={() => change.mutate('active')} loading={change.isPending}>
            Take answers again
          </Button>
        )}
      </Group>
      <Modal opened={confirmClose} onClose={() => setConfirmClose(false)} title={<Text fw={650}>Close this survey?</Text>}>
        <Stack gap="lg">
          <Text fz="sm">Its links stop taking answers, including those in emails already sent and reminders not sent yet. You can open it again later.</Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirmClose(false)}>
              Cancel
            </Button>
            <Button color="orange" onClick={() => change.mutate('closed')} loading={change.isPending}>
              Close survey
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function SendCard({ survey, canWrite }: { survey: SurveyDetail; canWrite: boolean }) {
  const templates = useTemplatesQuery();
  const segments = useSegmentsQuery();
  const fatigue = useFatigueQuery();
  const { csrfToken } = useSession();
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('surveys');
  const [templateId, setTemplateId] = useState<string | null>(survey.emailTemplateId);
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [result, setResult] = useState<SendResult | null>(null);
  const estimate = useAudienceEstimate(segmentId ?? '', '');
  const audience = segments.data?.items.find((s) => s.id === segmentId);
  const template = templates.data?.find((t) => t.id === templateId);

  const send = useMutation({
    mutationFn: async (idempotencyKey: string): Promise<SendResult> => {
      // The API client sends no headers of its own choosing: the Idempotency-Key needs this one call.
      const res = await fetch(`/api/v1/surveys/${survey.id}/sends`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken, 'idempotency-key': idempotencyKey },
        body: JSON.stringify({ templateId, audience: { segmentId } }),
      }).catch(() => {
        throw new ApiError(0, 'network_error', 'Rapport cannot be reached. Check your connection and try again.');
      });
      const body = (await res.json().catch(() => undefined)) as (SendResult & { error?: { code?: string; message?: string; details?: unknown } }) | undefined;
      if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? `http_${res.status}`, body?.error?.message ?? `The server answered ${res.status}.`, body?.error?.details);
      return body!;
    },
    onSuccess: (r) => {
      setResult(r);
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });

  const options = [
    { group: 'Segments', items: (segments.data?.items ?? []).filter((s) => s.kind === 'segment').map((s) => ({ value: s.id, label: `${s.name} (${n(s.memberCount)})` })) },
    { group: 'Lists', items: (segments.data?.items ?? []).filter((s) => s.kind === 'list').map((s) => ({ value: s.id, label: `${s.name} (${n(s.memberCount)})` })) },
  ].filter((g) => g.items.length > 0);
  const takesAnswers = survey.state === 'active';

  return (
    <Card>
      <SectionHeader title="Send by email" description="Each contact gets the email with the survey’s first question in it: a click on an answer records it and opens the rest of the survey." />
      {!canWrite ? (
        <Text fz="sm" c="dimmed">
          Marketers, admins and owners can send surveys.
        </Text>
      ) : (
        <Stack gap="md">
          <Box>
            <Select
              label="Email"
              description={survey.emailTemplateId && templateId === survey.emailTemplateId ? 'The email made with the survey.' : 'Any template with the survey’s block in it (below).'}
              placeholder="Choose a template"
              data={(templates.data ?? []).map((t) => ({ value: t.id, label: t.id === survey.emailTemplateId ? `${t.name} (made with this survey)` : t.name }))}
              value={templateId}
              onChange={setTemplateId}
              searchable
              maw={520}
              error={templates.isError ? errorMessage(templates.error) : undefined}
            />
            {template && (
              <Anchor component={Link} to={`/email/templates/${template.id}`} fz="xs">
                Open “{template.name}” in the template editor
              </Anchor>
            )}
          </Box>
          <Box>
            <Select label="Who gets it" placeholder="A segment or list" data={options} value={segmentId} onChange={setSegmentId} searchable maw={520} />
            {estimate.data && segmentId && (
              <Text fz="sm" c="dimmed" mt={4} data-testid="send-estimate">
                <Text span fw={600} c="var(--mantine-color-text)">
                  {n(estimate.data.reachable)} of {n(estimate.data.members)} can get email now.
                </Text>{' '}
                Those surveyed recently{fatigue.data?.minDaysBetween ? ` (within ${fatigue.data.minDaysBetween} days)` : ''} and those who already answered are left out when it is sent.
              </Text>
            )}
          </Box>
          {!takesAnswers && (
            <Alert color="yellow" variant="light" icon={<IconAlertCircle size={18} />}>
              {survey.state === 'draft' ? 'Activate the survey first (above): a draft takes no answers.' : 'The survey takes no answers now: open it again first.'}
            </Alert>
          )}
          {send.isError && !confirming && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
              {errorMessage(send.error)}
            </Alert>
          )}
          {result && (
            <Alert color="teal" variant="light" icon={<IconCheck size={18} />} title="Survey sent" data-testid="send-result" withCloseButton onClose={() => setResult(null)}>
              {sendResultWords(result, fatigue.data)}
            </Alert>
          )}
          <Group>
            <Button leftSection={<IconSend size={16} />} disabled={!takesAnswers || !templateId || !segmentId} onClick={() => setConfirming(newIdempotencyKey())}>
              Send survey
            </Button>
          </Group>
        </Stack>
      )}
      <Modal opened={confirming !== null} onClose={() => !send.isPending && setConfirming(null)} title={<Text fw={650}>Send the survey now?</Text>}>
        <Stack gap="md">
          <Text fz="sm">
            “{template?.name}” goes to the members of “{audience?.name}” who can get email
            {estimate.data ? ` (${n(estimate.data.reachable)} now)` : ''}, except those surveyed recently and those who already answered. This cannot be undone.
          </Text>
          {send.isError && (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
              {errorMessage(send.error)}
            </Alert>
          )}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(null)} disabled={send.isPending}>
              Cancel
            </Button>
            <Button leftSection={<IconSend size={16} />} onClick={() => confirming && send.mutate(confirming)} loading={send.isPending}>
              Send survey
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function BlockCard({ survey }: { survey: SurveyDetail }) {
  const block = useEmailBlockQuery(survey.id, survey.updatedAt);
  return (
    <Card>
      <SectionHeader
        title="Copy the block for your own template"
        description="The survey’s first question with a button per answer, as MJML: paste it into the body of any email template, then choose that template above."
        actions={
          block.data && (
            <CopyButton value={block.data.mjml} timeout={2000}>
              {({ copied, copy }) => (
                <Button size="xs" variant={copied ? 'light' : 'default'} color={copied ? 'teal' : undefined} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />} onClick={copy}>
                  {copied ? 'Copied' : 'Copy the block'}
                </Button>
              )}
            </CopyButton>
          )
        }
      />
      {block.isPending ? (
        <LoadingBlock />
      ) : block.isError ? (
        <ErrorBlock error={block.error} onRetry={() => void block.refetch()} />
      ) : (
        <>
          <pre className={classes.block} data-testid="email-block">
            {block.data.mjml}
          </pre>
          <Group gap={6} mt="xs">
            <Badge variant="light" color="gray">
              MJML
            </Badge>
            <Text fz="xs" c="dimmed">
              It follows the saved survey: copy it again after changing the first question.
            </Text>
          </Group>
        </>
      )}
    </Card>
  );
}

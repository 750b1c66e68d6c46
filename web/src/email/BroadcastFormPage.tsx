// A new broadcast, or a draft or scheduled one changed: name, template, audience, topic, rate,
// and whether it goes now or at a set time.
import { Alert, Anchor, Button, Card, Grid, Group, NumberInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCalendar, IconChevronLeft, IconSend } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api, isApiError } from '../lib/api.ts';
import { applyFormError } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';
import { isCalculating, useSegmentsQuery } from '../segments/model.ts';
import { type Broadcast, type BroadcastBody, isEditable, useBroadcastQuery, useTemplatesQuery, useTopicsQuery } from './model.ts';
import { PostalAddressNotice } from './PostalAddressNotice.tsx';
import { AudienceEstimateLine, audienceSentence, useAudienceEstimate } from './AudienceEstimate.tsx';

const n = (x: number) => x.toLocaleString('en');

/** A Date as the value of an <input type="datetime-local">, in the browser's time zone. */
const toLocalInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export function NewBroadcastPage() {
  return <BroadcastForm existing={null} />;
}

export function EditBroadcastPage() {
  const { id = '' } = useParams();
  const b = useBroadcastQuery(id);
  if (b.isPending) return <LoadingBlock label="Loading the broadcast" />;
  if (b.isError) return isApiError(b.error, 404) || isApiError(b.error, 400) ? <NotFoundPage /> : <ErrorBlock error={b.error} onRetry={() => void b.refetch()} />;
  if (!isEditable(b.data)) {
    return (
      <Alert color="orange" variant="light" title="This broadcast cannot change any more">
        It is {b.data.state}. <Anchor component={Link} to={`/email/broadcasts/${id}`}>Back to the broadcast</Anchor>
      </Alert>
    );
  }
  return <BroadcastForm key={b.data.updatedAt} existing={b.data} />;
}

type When = 'now' | 'later' | 'draft';

function BroadcastForm({ existing }: { existing: Broadcast | null }) {
  const templates = useTemplatesQuery();
  const segments = useSegmentsQuery();
  const topics = useTopicsQuery();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const key = useWorkspaceKey('email', 'broadcasts');
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [inAnHour] = useState(() => toLocalInput(new Date(Date.now() + 3_600_000)));
  const form = useForm({
    initialValues: {
      name: existing?.name ?? '',
      templateId: existing?.templateId ?? '',
      segmentId: existing?.segmentId ?? '',
      topicId: existing?.topicId ?? '',
      ratePerMinute: (existing?.ratePerMinute ?? '') as number | string,
      when: (existing?.state === 'scheduled' ? 'later' : 'now') as When,
      at: existing?.scheduledAt ? toLocalInput(new Date(existing.scheduledAt)) : inAnHour,
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Name the broadcast, like “May newsletter”'),
      templateId: (v) => (v ? null : 'Choose the template to send'),
      segmentId: (v) => (v ? null : 'Choose who gets it: a segment or a list'),
      at: (v, all) => (all.when !== 'later' ? null : !v ? 'Choose a date and time' : new Date(v).getTime() <= Date.now() ? 'Choose a time in the future' : null),
    },
  });

  const audience = segments.data?.items.find((s) => s.id === form.values.segmentId);
  const estimate = useAudienceEstimate(form.values.segmentId, form.values.topicId);
  const save = useMutation({
    mutationFn: async (v: typeof form.values) => {
      const body: BroadcastBody = {
        name: v.name.trim(),
        templateId: v.templateId,
        segmentId: v.segmentId,
        topicId: v.topicId || null,
        ratePerMinute: v.ratePerMinute === '' ? null : Number(v.ratePerMinute),
      };
      const b = existing ? await api.patch<Broadcast>(`/email/broadcasts/${existing.id}`, body) : await api.post<Broadcast>('/email/broadcasts', body);
      // Saved first, then sent: a send that is refused leaves a draft to fix, not nothing.
      try {
        if (v.when === 'now') return await api.post<Broadcast>(`/email/broadcasts/${b.id}/send`, {});
        if (v.when === 'later') return await api.post<Broadcast>(`/email/broadcasts/${b.id}/send`, { at: new Date(v.at).toISOString() });
      } catch (err) {
        void queryClient.invalidateQueries({ queryKey: key });
        if (!existing) navigate(`/email/broadcasts/${b.id}/edit`, { replace: true });
        throw err;
      }
      return b;
    },
    onSuccess: (b) => {
      setConfirming(false);
      queryClient.setQueryData([...key, b.id], b);
      void queryClient.invalidateQueries({ queryKey: key });
      navigate(`/email/broadcasts/${b.id}`);
    },
    onError: (err) => {
      setConfirming(false);
      setError(applyFormError(form, err));
    },
  });

  const submit = form.onSubmit((v) => {
    if (v.when !== 'now') return save.mutate(v);
    // The confirmation counts who gets it as of now, not as of when the audience was picked.
    void estimate.refetch();
    setConfirming(true);
  });
  const segmentOptions = (kind: 'segment' | 'list') =>
    (segments.data?.items ?? [])
      .filter((s) => s.kind === kind)
      .map((s) => ({ value: s.id, label: `${s.name} · ${isCalculating(s) ? 'calculating…' : `${n(s.memberCount)} contacts`}` }));
  const title = existing ? `Edit ${existing.name}` : 'New broadcast';

  return (
    <>
      <Anchor component={Link} to={existing ? `/email/broadcasts/${existing.id}` : '/email/broadcasts'} fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> {existing ? existing.name : 'Broadcasts'}
      </Anchor>
      <PageHeader title={title} description="The template is copied when the send starts: later edits to it do not change a broadcast that is going out." />
      {templates.isPending || segments.isPending ? (
        <LoadingBlock />
      ) : (
        <form noValidate onSubmit={submit}>
          <Stack gap="lg" maw={760}>
            {error && (
              <Alert color="red" variant="light" title="The broadcast was not sent">
                {error}
              </Alert>
            )}
            <PostalAddressNotice />
            <Card>
              <Stack gap="md">
                <TextInput label="Name" description="For you and your team; recipients see the template’s subject." placeholder="May newsletter" {...form.getInputProps('name')} />
                <Select
                  label="Template"
                  placeholder={templates.data?.length ? 'Choose a template' : 'No templates yet: make one first'}
                  data={(templates.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                  searchable
                  {...form.getInputProps('templateId')}
                />
                <Select
                  label="Audience"
                  description="Who gets it: the members of a segment or a list when the send starts. Unsubscribed and bounced addresses are left out."
                  placeholder="Choose a segment or a list"
                  data={[
                    { group: 'Segments', items: segmentOptions('segment') },
                    { group: 'Lists', items: segmentOptions('list') },
                  ].filter((g) => g.items.length > 0)}
                  searchable
                  {...form.getInputProps('segmentId')}
                />
                <Grid gap="md">
                  <Grid.Col span={{ base: 12, sm: 7 }}>
                    <Select
                      label="Topic"
                      description="Contacts who left this topic on their preference page are left out."
                      data={[{ value: '', label: 'No topic' }, ...(topics.data ?? []).map((t) => ({ value: t.id, label: t.name }))]}
                      {...form.getInputProps('topicId')}
                    />
                  </Grid.Col>
                  <Grid.Col span={{ base: 12, sm: 5 }}>
                    <NumberInput label="Messages per minute" description="Empty: as fast as the server takes them." placeholder="No limit" min={1} max={1_000_000} allowDecimal={false} {...form.getInputProps('ratePerMinute')} />
                  </Grid.Col>
                </Grid>
                <AudienceEstimateLine estimate={form.values.segmentId ? estimate.data : undefined} />
              </Stack>
            </Card>
            <Card>
              <Stack gap="md">
                <Text fw={600} fz="sm">
                  When
                </Text>
                <SegmentedControl
                  aria-label="When to send"
                  data={[
                    { value: 'now', label: 'Send now' },
                    { value: 'later', label: 'Schedule' },
                    { value: 'draft', label: existing?.state === 'scheduled' ? 'Keep as scheduled' : 'Save as draft' },
                  ]}
                  {...form.getInputProps('when')}
                  w="fit-content"
                />
                {form.values.when === 'later' && (
                  <TextInput type="datetime-local" label="Send at" description={`Your time zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}`} w={280} leftSection={<IconCalendar size={16} />} {...form.getInputProps('at')} />
                )}
              </Stack>
            </Card>
            <Group justify="flex-end" gap="sm">
              <Button variant="default" component={Link} to={existing ? `/email/broadcasts/${existing.id}` : '/email/broadcasts'}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} leftSection={form.values.when === 'draft' ? undefined : form.values.when === 'now' ? <IconSend size={16} /> : <IconCalendar size={16} />}>
                {form.values.when === 'now' ? 'Send now' : form.values.when === 'later' ? 'Schedule' : 'Save'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      <ConfirmModal opened={confirming} title="Send this broadcast now?" confirmLabel="Send now" loading={save.isPending} onConfirm={() => save.mutate(form.getValues())} onClose={() => setConfirming(false)}>
        {audience && estimate.data && !estimate.isPlaceholderData
          ? audienceSentence(estimate.data, audience.name)
          : audience
            ? `It goes to the ${n(audience.memberCount)} contacts of “${audience.name}” (less unsubscribed and bounced addresses).`
            : 'It goes to the chosen audience.'}{' '}
        A send cannot be undone, only stopped part way.
      </ConfirmModal>
    </>
  );
}

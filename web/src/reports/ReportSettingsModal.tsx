// What the reports count, for the whole workspace: the active window (a customer is active with
// an order in the last N days), the attribution window (an order counts for an email opened or
// clicked in the A days before it) and who gets the weekly digest. Admins change them.
import { Button, Group, Modal, MultiSelect, NumberInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { SettingsFormButtons, SettingsFormNotice } from '../components/SettingsFormParts.tsx';
import { api } from '../lib/api.ts';
import { applyFormError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import type { Member } from '../lib/types.ts';
import { type ReportSettingsResult, useReportSettingsQuery } from './model.ts';

export function ReportSettingsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const settings = useReportSettingsQuery();
  return (
    <Modal opened={opened} onClose={onClose} title="Report settings" size="lg">
      {settings.isPending ? (
        <LoadingBlock />
      ) : settings.isError ? (
        <ErrorBlock error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <SettingsForm key={JSON.stringify(settings.data)} settings={settings.data} onDone={onClose} />
      )}
    </Modal>
  );
}

type Values = {
  activeDays: number | string;
  attributionDays: number | string;
  digestUserIds: string[];
};

function SettingsForm({ settings, onDone }: { settings: ReportSettingsResult; onDone: () => void }) {
  const workspace = useWorkspace();
  const canEdit = roleAtLeast(workspace.role, 'admin');
  const queryClient = useQueryClient();
  const reportsKey = useWorkspaceKey('reports');
  const members = useQuery({ queryKey: useWorkspaceKey('members'), queryFn: () => api.get<Member[]>('/members') });
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: { activeDays: settings.activeDays, attributionDays: settings.attributionDays, digestUserIds: settings.digestUserIds },
  });
  const save = useMutation({
    mutationFn: (v: Values) =>
      api.put<ReportSettingsResult>('/reports/settings', { activeDays: Number(v.activeDays), attributionDays: Number(v.attributionDays), digestUserIds: v.digestUserIds }),
    onSuccess: () => {
      setError(null);
      // Every report counts with these: all of them are out of date.
      void queryClient.invalidateQueries({ queryKey: reportsKey });
      notifySuccess('The reports count with the new settings.', 'Report settings saved');
      onDone();
    },
    onError: (err) => setError(applyFormError(form, err)),
  });
  const digestNow = useMutation({
    mutationFn: () => api.post<{ queued: number }>('/reports/digest', {}),
    onSuccess: () => notifySuccess('Last week’s figures are on their way to your address (without a mail server: Email › Outbox).', 'Digest sent'),
    onError: (err) => setError(err instanceof Error ? err.message : String(err)),
  });

  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate(v))}>
      <Stack gap="md">
        <SettingsFormNotice canEdit={canEdit} error={error} />
        <NumberInput
          label="Active window"
          description="A customer is active with an order in this many days. Active customers and churn are counted with it."
          suffix=" days"
          min={7}
          max={730}
          allowDecimal={false}
          allowNegative={false}
          // The server says what is wrong with a number out of range, under the field.
          clampBehavior="none"
          disabled={!canEdit}
          {...form.getInputProps('activeDays')}
        />
        <NumberInput
          label="Attribution window"
          description="An order counts for an email when it is placed within this many days after the person opened or clicked it."
          suffix=" days"
          min={1}
          max={90}
          allowDecimal={false}
          allowNegative={false}
          // The server says what is wrong with a number out of range, under the field.
          clampBehavior="none"
          disabled={!canEdit}
          {...form.getInputProps('attributionDays')}
        />
        <MultiSelect
          label="Weekly digest"
          description="Members who get last week’s figures by email every Monday morning."
          placeholder={form.values.digestUserIds.length === 0 ? 'Nobody' : undefined}
          data={(members.data ?? []).map((m) => ({ value: m.userId, label: `${m.name} (${m.email})` }))}
          searchable
          disabled={!canEdit || members.isPending}
          error={members.isError ? 'The members could not be loaded.' : undefined}
          {...form.getInputProps('digestUserIds')}
        />
        <Text fz="xs" c="dimmed">
          Days are counted in the workspace’s time zone ({settings.timezone}).
        </Text>
        <Group justify="space-between" gap="sm">
          <Button variant="subtle" loading={digestNow.isPending} onClick={() => digestNow.mutate()}>
            Send me the digest now
          </Button>
          <SettingsFormButtons canEdit={canEdit} saving={save.isPending} onCancel={onDone} />
        </Group>
      </Stack>
    </form>
  );
}

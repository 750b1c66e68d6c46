// What the retention models learn from and what they predict, for the whole workspace: which
// customers they learn from, the holdout period of their check, the horizon and discount rate
// of lifetime value, nightly refits, and the renewal event of subscriptions. Admins change
// them; they count from the next fit.
import { Autocomplete, Group, Input, Modal, NumberInput, SegmentedControl, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { SettingsFormButtons, SettingsFormNotice } from '../components/SettingsFormParts.tsx';
import { api } from '../lib/api.ts';
import { applyFormError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { useCatalogQuery } from '../segments/model.ts';
import { type RetentionSettings, useRetentionQuery } from './model.ts';

export function RetentionSettingsModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const overview = useRetentionQuery();
  return (
    <Modal opened={opened} onClose={onClose} title="Retention settings" size="lg">
      {overview.isPending ? (
        <LoadingBlock />
      ) : overview.isError ? (
        <ErrorBlock error={overview.error} onRetry={() => void overview.refetch()} />
      ) : (
        <SettingsForm key={JSON.stringify(overview.data.settings)} settings={overview.data.settings} onDone={onClose} />
      )}
    </Modal>
  );
}

type Values = {
  windowDays: number | string;
  holdoutDays: number | string;
  horizonMonths: number | string;
  /** Percent a year, as typed (10 = 10 %). */
  discountRate: number | string;
  refit: RetentionSettings['refit'];
  renewalEvent: string;
  renewalPeriod: RetentionSettings['renewalPeriod'];
};

const orNull = (v: number | string) => (v === '' || v === null ? null : Number(v));

function SettingsForm({ settings, onDone }: { settings: RetentionSettings; onDone: () => void }) {
  const canEdit = roleAtLeast(useWorkspace().role, 'admin');
  const queryClient = useQueryClient();
  const retentionKey = useWorkspaceKey('retention');
  const catalog = useCatalogQuery();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: {
      windowDays: settings.windowDays ?? '',
      holdoutDays: settings.holdoutDays ?? '',
      horizonMonths: settings.horizonMonths,
      discountRate: Math.round(settings.discountRate * 1000) / 10,
      refit: settings.refit,
      renewalEvent: settings.renewalEvent ?? '',
      renewalPeriod: settings.renewalPeriod,
    },
    // Typed as a percentage here, sent as a share (10 % → 0.1): its range is said in percent.
    validate: {
      discountRate: (v) => (v === '' ? 'Enter a rate, 0 for none' : Number(v) < 0 || Number(v) > 100 ? 'Must be from 0% to 100% a year' : null),
    },
  });
  const save = useMutation({
    mutationFn: (v: Values) =>
      api.put<RetentionSettings>('/retention/settings', {
        windowDays: orNull(v.windowDays),
        holdoutDays: orNull(v.holdoutDays),
        horizonMonths: Number(v.horizonMonths),
        discountRate: Math.round(Number(v.discountRate) * 10) / 1000,
        refit: v.refit,
        renewalEvent: v.renewalEvent.trim() === '' ? null : v.renewalEvent.trim(),
        renewalPeriod: v.renewalPeriod,
      } satisfies RetentionSettings),
    onSuccess: () => {
      setError(null);
      void queryClient.invalidateQueries({ queryKey: retentionKey });
      notifySuccess('The models use them from the next fit on (tonight, or “Fit now”).', 'Retention settings saved');
      onDone();
    },
    onError: (err) => setError(applyFormError(form, err)),
  });
  const events = (catalog.data?.events ?? []).map((e) => e.name).filter((n) => n !== 'purchase' && n !== 'refund');
  const common = { allowNegative: false, clampBehavior: 'none' as const, disabled: !canEdit };

  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate(v))}>
      <Stack gap="md">
        <SettingsFormNotice canEdit={canEdit} error={error} />
        <NumberInput
          label="Learn from customers who first ordered in the last"
          description="Leave it empty to learn from every customer. Set it if your shop changed a lot (new range, new prices) and older customers no longer tell how today’s buy."
          placeholder="All customers"
          suffix=" days"
          min={28}
          max={3650}
          allowDecimal={false}
          {...common}
          {...form.getInputProps('windowDays')}
        />
        <NumberInput
          label="Check the models on the last"
          description="Rapport hides this many days of orders from the models, asks them to predict those days, and compares (Model quality). Empty: a third of your history, from 4 to 52 weeks."
          placeholder="Chosen for you"
          suffix=" days"
          min={14}
          max={365}
          allowDecimal={false}
          {...common}
          {...form.getInputProps('holdoutDays')}
        />
        <Group grow align="flex-start" gap="md" style={{ rowGap: 'var(--mantine-spacing-md)' }} wrap="wrap">
          <NumberInput
            label="Lifetime value over"
            description="How far ahead a customer’s predicted value counts."
            suffix=" months"
            min={1}
            max={60}
            allowDecimal={false}
            style={{ minWidth: 200 }}
            {...common}
            {...form.getInputProps('horizonMonths')}
          />
          <NumberInput
            label="Discount rate"
            description="Money next year is worth this much less than today."
            suffix="% a year"
            min={0}
            max={100}
            decimalScale={1}
            style={{ minWidth: 200 }}
            {...common}
            {...form.getInputProps('discountRate')}
          />
        </Group>
        <Input.Wrapper label="Fit the models" description="Every night keeps the chances and the at-risk list current as orders come in." labelElement="div">
          <SegmentedControl
            mt={6}
            aria-label="Fit the models"
            disabled={!canEdit}
            data={[
              { value: 'nightly', label: 'Every night' },
              { value: 'manual', label: 'Only when I ask' },
            ]}
            {...form.getInputProps('refit')}
          />
        </Input.Wrapper>
        <Autocomplete
          label="Subscriptions: the event of a renewal"
          description="If customers subscribe, the event your shop sends at each paid period (such as “subscription.renewed”). Rapport then shows how long subscribers stay. Leave it empty otherwise."
          placeholder="No subscriptions"
          data={events}
          disabled={!canEdit}
          {...form.getInputProps('renewalEvent')}
        />
        <Input.Wrapper label="Subscribers pay every" description="How often a renewal is due." labelElement="div">
          <SegmentedControl
            mt={6}
            aria-label="Subscribers pay every"
            disabled={!canEdit || form.values.renewalEvent.trim() === ''}
            data={[
              { value: 'month', label: 'Month' },
              { value: 'year', label: 'Year' },
            ]}
            {...form.getInputProps('renewalPeriod')}
          />
        </Input.Wrapper>
        <Group justify="flex-end">
          <SettingsFormButtons canEdit={canEdit} saving={save.isPending} onCancel={onDone} />
        </Group>
      </Stack>
    </form>
  );
}

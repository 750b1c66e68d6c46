// Settings › Email › Sending limits: how much marketing email a contact may get (at most N a day
// and M a week, counted by their own calendar), quiet hours in their own time zone, and the
// workspace's control group. Everyone sees them; admins change them (PUT /email/limits).
import { Alert, Anchor, Box, Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { describeLimits, type EmailLimits, useEmailLimitsQuery } from '../email/model.ts';
import { api, ApiError, errorMessage } from '../lib/api.ts';
import { notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';

export function EmailLimitsCard({ canEdit }: { canEdit: boolean }) {
  const limits = useEmailLimitsQuery();
  return (
    <Card data-testid="email-limits">
      <SectionHeader
        title="Sending limits"
        description="Keep contacts from getting too much marketing email. Transactional emails, such as receipts, are never limited."
      />
      {limits.isPending ? (
        <LoadingBlock />
      ) : limits.isError ? (
        <ErrorBlock error={limits.error} onRetry={() => void limits.refetch()} />
      ) : (
        // Keyed by what is saved: a save starts the form afresh from what the server kept.
        <LimitsForm key={JSON.stringify(limits.data)} limits={limits.data} canEdit={canEdit} />
      )}
    </Card>
  );
}

interface Values {
  perDay: number | string;
  perWeek: number | string;
  quietHours: { from: string; to: string };
  controlGroupPercent: number | string;
}

/** The fields of this form the API's errors may name ("quietHours.to"). */
const FIELDS = new Set(['perDay', 'perWeek', 'quietHours.from', 'quietHours.to', 'controlGroupPercent']);

const numberOrNull = (v: number | string): number | null => (v === '' || v === null || v === undefined ? null : Number(v));

function LimitsForm({ limits, canEdit }: { limits: EmailLimits; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('email', 'limits');
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values>({
    initialValues: {
      perDay: limits.perDay ?? '',
      perWeek: limits.perWeek ?? '',
      quietHours: { from: limits.quietHours?.from ?? '', to: limits.quietHours?.to ?? '' },
      controlGroupPercent: limits.controlGroupPercent,
    },
  });

  const save = useMutation({
    mutationFn: (v: Values) => {
      const { from, to } = v.quietHours;
      const body: EmailLimits = {
        perDay: numberOrNull(v.perDay),
        perWeek: numberOrNull(v.perWeek),
        // Both ends or neither: one end alone goes to the server, which says which is missing.
        quietHours: from || to ? { from, to } : null,
        controlGroupPercent: numberOrNull(v.controlGroupPercent) ?? 0,
      };
      return api.put<EmailLimits>('/email/limits', body);
    },
    onSuccess: (saved) => {
      setError(null);
      queryClient.setQueryData(key, saved);
      const control = saved.controlGroupPercent > 0 ? ` ${saved.controlGroupPercent}% of contacts are in the control group.` : '';
      notifySuccess(`${describeLimits(saved)}${control}`, 'Sending limits saved');
    },
    onError: (err) => {
      const fields = err instanceof ApiError ? Object.entries(err.fieldErrors).map(([f, m]) => [f === 'quietHours' ? 'quietHours.to' : f, m] as const) : [];
      const known = fields.filter(([f]) => FIELDS.has(f));
      if (known.length > 0) {
        form.setErrors(Object.fromEntries(known));
        setError(null);
      } else setError(errorMessage(err));
    },
  });

  const { from, to } = form.values.quietHours;
  return (
    <form noValidate onSubmit={form.onSubmit((v) => save.mutate(v))}>
      <Stack gap="lg">
        {error && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            {error}
          </Alert>
        )}
        <Box>
          <Text fz="sm" fw={600}>
            How many
          </Text>
          <Text fz="xs" c="dimmed" mb="xs">
            Broadcasts and workflow emails both count. A workflow email past the limit is skipped or sent later, as its step says; broadcasts are never held back.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="sm">
            <NumberInput
              label="Marketing emails a day, at most"
              description="Per contact, by their own calendar day. Empty: no limit."
              placeholder="No limit"
              min={1}
              max={100}
              allowDecimal={false}
              allowNegative={false}
              disabled={!canEdit}
              {...form.getInputProps('perDay')}
            />
            <NumberInput
              label="Marketing emails a week, at most"
              description="Per contact, Monday to Sunday. Empty: no limit."
              placeholder="No limit"
              min={1}
              max={500}
              allowDecimal={false}
              allowNegative={false}
              disabled={!canEdit}
              {...form.getInputProps('perWeek')}
            />
          </SimpleGrid>
        </Box>
        <Box>
          <Group justify="space-between" gap="xs">
            <Text fz="sm" fw={600}>
              Quiet hours
            </Text>
            {canEdit && (from || to) && (
              <Anchor component="button" type="button" fz="xs" onClick={() => form.setFieldValue('quietHours', { from: '', to: '' })}>
                No quiet hours
              </Anchor>
            )}
          </Group>
          <Text fz="xs" c="dimmed" mb="xs">
            Workflow emails due in these hours wait until they end, in each contact’s own time zone. Leave both empty for none.
          </Text>
          <SimpleGrid cols={2} spacing="md">
            <TextInput type="time" label="From" disabled={!canEdit} {...form.getInputProps('quietHours.from')} />
            <TextInput type="time" label="Until" disabled={!canEdit} {...form.getInputProps('quietHours.to')} />
          </SimpleGrid>
        </Box>
        <NumberInput
          label="Control group"
          description="This share of contacts never gets marketing email or enters a workflow, so reports can measure what your emails change. Always the same contacts, picked at random; up to 50%."
          min={0}
          max={50}
          decimalScale={2}
          allowNegative={false}
          suffix="%"
          disabled={!canEdit}
          styles={{ wrapper: { maxWidth: 240 } }}
          {...form.getInputProps('controlGroupPercent')}
        />
        {canEdit ? (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
              Save limits
            </Button>
          </Group>
        ) : (
          <Text fz="sm" c="dimmed">
            Only admins and owners can change these limits.
          </Text>
        )}
      </Stack>
    </form>
  );
}

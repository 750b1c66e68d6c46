// Survey fatigue: nobody is asked by any survey more than once every N days, whichever survey
// asks. Everyone sees the rule; admins and owners change it (PUT /surveys/settings).
import { Alert, Button, Card, Group, Modal, NumberInput, Stack, Switch, Text } from '@mantine/core';
import { IconAlertCircle, IconHourglass } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorMessage } from '../lib/api.ts';
import { notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { problemsByPath } from './editor.ts';
import { type Fatigue, useFatigueQuery } from './model.ts';

export function fatigueSentence(f: Fatigue | undefined): string {
  if (!f) return '';
  if (f.minDaysBetween === null) return 'No limit: a contact may be asked by several surveys in a row.';
  return f.minDaysBetween === 1
    ? 'Nobody is asked by any survey more than once a day.'
    : `Nobody is asked by any survey more than once every ${f.minDaysBetween} days.`;
}

export function FatigueCard() {
  const fatigue = useFatigueQuery();
  const canEdit = roleAtLeast(useWorkspace().role, 'admin');
  const [open, setOpen] = useState(false);
  return (
    <Card padding="md" data-testid="fatigue">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Group gap="sm" wrap="nowrap" align="flex-start" style={{ flex: '1 1 300px' }}>
          <IconHourglass size={20} stroke={1.6} color="var(--mantine-color-gray-6)" style={{ flexShrink: 0, marginTop: 2 }} />
          <Stack gap={2}>
            <Text fz="sm" fw={600}>
              Survey fatigue
            </Text>
            <Text fz="sm" c="dimmed" data-testid="fatigue-rule">
              {fatigue.isPending ? 'Loading…' : fatigue.isError ? errorMessage(fatigue.error) : fatigueSentence(fatigue.data)}
              {!canEdit && fatigue.isSuccess ? ' Admins and owners can change this.' : ''}
            </Text>
          </Stack>
        </Group>
        {canEdit && (
          <Button size="xs" variant="default" onClick={() => setOpen(true)} disabled={!fatigue.isSuccess}>
            Change
          </Button>
        )}
      </Group>
      {fatigue.data && <FatigueModal key={String(open)} opened={open} current={fatigue.data} onClose={() => setOpen(false)} />}
    </Card>
  );
}

function FatigueModal({ opened, current, onClose }: { opened: boolean; current: Fatigue; onClose: () => void }) {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('surveys', 'fatigue');
  const [limited, setLimited] = useState(current.minDaysBetween !== null);
  const [days, setDays] = useState<number | string>(current.minDaysBetween ?? 30);
  const [error, setError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: Fatigue) => api.put<Fatigue>('/surveys/settings', body),
    onSuccess: (saved) => {
      queryClient.setQueryData(key, saved);
      notifySuccess(fatigueSentence(saved), 'Survey fatigue saved');
      onClose();
    },
    onError: (err) => setError(problemsByPath(err)['minDaysBetween'] ?? errorMessage(err)),
  });
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Survey fatigue</Text>}>
      <Stack gap="md">
        <Text fz="sm" c="dimmed">
          Being asked for feedback too often annoys people. Sends leave out whoever was asked by any survey more recently than this, and say how many.
        </Text>
        <Switch label="Limit how often a contact is asked" checked={limited} onChange={(e) => setLimited(e.currentTarget.checked)} />
        {limited && (
          <NumberInput
            label="Not more than once every"
            suffix=" days"
            min={1}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            value={days}
            onChange={(v) => {
              setDays(v);
              setError(null);
            }}
            error={error}
            maw={220}
            data-autofocus
          />
        )}
        {error && !limited && (
          <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />}>
            {error}
          </Alert>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={save.isPending} onClick={() => save.mutate({ minDaysBetween: limited ? Number(days) || 0 : null })}>
            Save
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

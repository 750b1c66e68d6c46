// Deleting several contacts at once. Above 10, the server asks for their number and so does
// this dialog: it gets the exact number from the server (the list's total may be an
// estimate) and lets the delete go only once that number is typed.
import { Button, Group, Loader, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { BULK_DELETE_CONFIRM_ABOVE } from '../../../src/contacts/deletion-rules.ts';
import { api, ApiError, errorMessage } from '../lib/api.ts';

const n = (x: number) => x.toLocaleString('en');
const contactsText = (x: number) => `${n(x)} ${x === 1 ? 'contact' : 'contacts'}`;

export type DeleteSelection = { ids: string[] } | { filter: { q?: string; filters: unknown[] } };

interface BulkDeleteModalProps {
  opened: boolean;
  /** What the page shows as selected (the list's total may be an estimate). */
  shownCount: number;
  shownExact: boolean;
  selection: () => DeleteSelection;
  /** Said under the warning (e.g. that every matching contact is included). */
  note?: string;
  onDeleted: (deleted: number) => void;
  onClose: () => void;
}

export function BulkDeleteModal(props: BulkDeleteModalProps) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={<Text fw={650}>Delete {props.shownExact ? '' : 'about '}{contactsText(props.shownCount)}?</Text>} size="md">
      {/* Mounted while open only, so that each opening starts empty and counts again. */}
      {props.opened && <BulkDeleteForm {...props} />}
    </Modal>
  );
}

function BulkDeleteForm({ shownCount, shownExact, selection, note, onDeleted, onClose }: BulkDeleteModalProps) {
  const needsCount = shownCount > BULK_DELETE_CONFIRM_ABOVE || !shownExact;
  const exact = useQuery({
    queryKey: ['bulk-delete-count', selection()],
    queryFn: () => api.post<{ count: number }>('/contacts/bulk-delete/count', selection()),
    enabled: needsCount,
    gcTime: 0,
  });
  const count = needsCount ? exact.data?.count : shownCount;
  const mustType = count !== undefined && count > BULK_DELETE_CONFIRM_ABOVE;
  const [typed, setTyped] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const typedNumber = typed.replace(/[^\d]/g, '') === '' ? undefined : Number(typed.replace(/[^\d]/g, ''));

  const remove = useMutation({
    mutationFn: () => api.post<{ deleted: number }>('/contacts/bulk-delete', { ...selection(), ...(mustType ? { confirmCount: typedNumber } : {}) }),
    onSuccess: ({ deleted }) => onDeleted(deleted),
    onError: (err) => {
      // The number changed since it was counted (contacts added or deleted meanwhile): count again.
      const issue = err instanceof ApiError ? err.fieldErrors.confirmCount : undefined;
      setFieldError(issue ?? errorMessage(err));
      if (issue) void exact.refetch();
    },
  });

  return (
    <Stack gap="lg">
      <Text fz="sm">
        Their properties, activity and change history are deleted with them. This cannot be undone.
        {note ? ` ${note}` : ''}
      </Text>
      {needsCount && exact.isPending && (
        <Group gap="xs">
          <Loader size="xs" />
          <Text fz="sm" c="dimmed">
            Counting the contacts…
          </Text>
        </Group>
      )}
      {exact.isError && (
        <Text fz="sm" c="red">
          {errorMessage(exact.error)}
        </Text>
      )}
      {mustType && (
        <TextInput
          label={`Type ${n(count)} to confirm`}
          description={`${contactsText(count)} will be deleted.`}
          value={typed}
          onChange={(e) => {
            setTyped(e.currentTarget.value);
            setFieldError(null);
          }}
          error={fieldError}
          inputMode="numeric"
          autoComplete="off"
          data-autofocus
        />
      )}
      {!mustType && fieldError && (
        <Text fz="sm" c="red">
          {fieldError}
        </Text>
      )}
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onClose} disabled={remove.isPending}>
          Cancel
        </Button>
        <Button
          color="red"
          onClick={() => remove.mutate()}
          loading={remove.isPending}
          disabled={count === undefined || count === 0 || (mustType && typedNumber !== count)}
        >
          Delete {contactsText(count ?? shownCount)}
        </Button>
      </Group>
    </Stack>
  );
}

// Import, the end: what it achieved (a failure when nothing was imported, whatever the job
// says), the consent stated for it, the rows skipped and values left out, and undo.
import { Alert, Button, Group, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertCircle, IconAlertTriangle, IconArrowBackUp, IconCircleCheck, IconUsers } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { notifyError } from '../../lib/notify.tsx';
import { roleAtLeast } from '../../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../../lib/session.ts';
import type { ImportInfo } from './importModel.ts';
import { ImportProblems } from './ImportProblems.tsx';
import { Stat } from './Stat.tsx';

const n = (x: number) => x.toLocaleString('en');

export function ImportResult({ info }: { info: ImportInfo }) {
  const orders = info.kind === 'orders';
  const stat = (k: string) => info.stats[k] ?? 0;
  return (
    <Stack gap="lg">
      <Outcome info={info} />
      {info.consent && (
        <Text fz="sm" c="dimmed" data-testid="import-consent">
          Consent stated by {info.consent.statedBy} on {formatDateTime(info.consent.statedAt)}:{' '}
          {info.consent.emailConsent === 'subscribed'
            ? 'the people in this file agreed to receive marketing email.'
            : 'the people in this file did not agree to receive marketing email (or it is not known).'}
        </Text>
      )}
      {orders ? (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }}>
          <Stat label="Purchases" value={stat('purchases')} hint="on customers’ timelines" />
          <Stat label="Refunds" value={stat('refunds')} hint="cancelled orders" />
          <Stat label="Customers" value={stat('customers')} hint={`${n(info.createdCount)} new`} />
          <Stat label="Line items" value={stat('lineItems')} />
          <Stat label="Without customer" value={stat('rowsWithoutCustomer')} color={stat('rowsWithoutCustomer') > 0 ? 'orange.7' : undefined} hint="lines read, not imported" />
          {stat('ordersAlreadyImported') > 0 && <Stat label="Already imported" value={stat('ordersAlreadyImported')} hint="orders not added twice" />}
        </SimpleGrid>
      ) : (
        <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
          <Stat label="Created" value={info.createdCount} hint="new contacts" />
          <Stat label="Updated" value={info.updatedCount} hint="existing contacts" />
          <Stat label="Merged duplicates" value={info.mergedCount} hint="rows naming a contact twice" />
          <Stat label="Skipped" value={info.skippedCount} color={info.skippedCount > 0 ? 'orange.7' : undefined} hint="rows not imported" />
          <Stat label="Values left out" value={info.valuesLeftOut} color={info.valuesLeftOut > 0 ? 'orange.7' : undefined} hint="rows imported without them" />
        </SimpleGrid>
      )}
      <ImportProblems info={info} />
      <Group justify="space-between">
        <UndoButton info={info} />
        <Button component={Link} to="/contacts" leftSection={<IconUsers size={16} />}>
          View contacts
        </Button>
      </Group>
    </Stack>
  );
}

/** Green only when everything was imported; yellow with problems; red when nothing was. */
function Outcome({ info }: { info: ImportInfo }) {
  const finished = info.finishedAt ? `Finished ${formatDateTime(info.finishedAt)}.` : '';
  if (info.status === 'undone' || info.status === 'undoing') {
    return (
      <Alert color="gray" variant="light" icon={<IconArrowBackUp size={18} />} title={info.status === 'undoing' ? 'Undoing…' : 'This import was undone'}>
        {info.status === 'undoing'
          ? 'The contacts and events it created are being removed and the values it changed restored.'
          : `Undone ${info.undoneAt ? formatDateTime(info.undoneAt) : ''}: the contacts and events it created were removed and the values it changed restored.`}
      </Alert>
    );
  }
  if (info.status === 'failed' || info.outcome === 'failed') {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The import stopped">
        {info.error ?? 'Something went wrong while importing.'} The rows imported before it stopped are kept; undo the import to remove them.
      </Alert>
    );
  }
  if (info.outcome === 'nothing_imported') {
    return (
      <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="Nothing was imported" data-testid="import-outcome">
        {info.outcomeReason} {finished}
      </Alert>
    );
  }
  if (info.outcome === 'imported_with_problems') {
    return (
      <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} title="Imported, with problems" data-testid="import-outcome">
        {n(info.totalRows ?? info.processedRows)} rows read. {info.outcomeReason} {finished}
      </Alert>
    );
  }
  return (
    <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Import complete" data-testid="import-outcome">
      {n(info.totalRows ?? info.processedRows)} rows read. {info.outcomeReason ?? ''} {finished}
    </Alert>
  );
}

function UndoButton({ info }: { info: ImportInfo }) {
  const [confirm, setConfirm] = useState(false);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('imports');
  const contactsKey = useWorkspaceKey('contacts');
  const undo = useMutation({
    mutationFn: () => api.post<ImportInfo>(`/imports/${info.id}/undo`),
    onSuccess: (next) => {
      setConfirm(false);
      queryClient.setQueryData([...key, info.id], next);
      void queryClient.invalidateQueries({ queryKey: contactsKey });
    },
    onError: (err) => notifyError(err, 'Could not undo the import'),
  });
  const isAdmin = roleAtLeast(useWorkspace().role, 'admin');
  if (info.status !== 'completed' && info.status !== 'failed') return <span />;
  return (
    <>
      <Tooltip label="Only admins and owners can undo an import: it deletes the contacts it created." disabled={isAdmin}>
        {/* data-disabled (not disabled): a disabled button gets no hover, and the tooltip says why. */}
        <Button variant="default" color="red" leftSection={<IconArrowBackUp size={16} />} data-disabled={!isAdmin || undefined} onClick={() => isAdmin && setConfirm(true)}>
          Undo import
        </Button>
      </Tooltip>
      <ConfirmModal
        opened={confirm}
        title="Undo this import?"
        confirmLabel="Undo import"
        loading={undo.isPending}
        onConfirm={() => undo.mutate()}
        onClose={() => setConfirm(false)}
      >
        {info.kind === 'orders'
          ? 'The purchases and refunds it added are removed, and so are the customers it created.'
          : `The ${n(info.createdCount)} contacts it created are removed, and the values it changed on ${n(info.updatedCount)} existing contacts are put back as they were.`}{' '}
        Changes made since, to those contacts, may be lost.
      </ConfirmModal>
    </>
  );
}

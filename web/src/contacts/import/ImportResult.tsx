// Import, the end: what it did, the rows it skipped and why, and undo.
import { Alert, Button, Card, Code, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { IconAlertCircle, IconArrowBackUp, IconCircleCheck, IconDownload, IconUsers } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { SectionHeader } from '../../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../../components/QueryState.tsx';
import { api, download } from '../../lib/api.ts';
import { formatDateTime } from '../../lib/format.ts';
import { notifyError } from '../../lib/notify.tsx';
import { useWorkspaceKey } from '../../lib/session.ts';
import { Stat } from './Stat.tsx';
import type { ImportError, ImportInfo } from './importModel.ts';

const FIRST_ERRORS = 20;

export function ImportResult({ info }: { info: ImportInfo }) {
  const orders = info.kind === 'orders';
  const stat = (k: string) => info.stats[k] ?? 0;
  return (
    <Stack gap="lg">
      {info.status === 'failed' ? (
        <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The import stopped">
          {info.error ?? 'Something went wrong while importing.'} The rows imported before it stopped are kept; undo the import to remove them.
        </Alert>
      ) : info.status === 'undone' || info.status === 'undoing' ? (
        <Alert color="gray" variant="light" icon={<IconArrowBackUp size={18} />} title={info.status === 'undoing' ? 'Undoing…' : 'This import was undone'}>
          {info.status === 'undoing'
            ? 'The contacts and events it created are being removed and the values it changed restored.'
            : `Undone ${info.undoneAt ? formatDateTime(info.undoneAt) : ''}: the contacts and events it created were removed and the values it changed restored.`}
        </Alert>
      ) : (
        <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Import complete">
          {(info.totalRows ?? info.processedRows).toLocaleString('en')} rows read{info.finishedAt ? `, finished ${formatDateTime(info.finishedAt)}` : ''}.
        </Alert>
      )}
      <SimpleGrid cols={orders ? 5 : 4}>
        {orders ? (
          <>
            <Stat label="Purchases" value={stat('purchases')} hint="on customers’ timelines" />
            <Stat label="Refunds" value={stat('refunds')} hint="cancelled orders" />
            <Stat label="Customers" value={stat('customers')} hint={`${info.createdCount.toLocaleString('en')} new`} />
            <Stat label="Line items" value={stat('lineItems')} />
            <Stat label="Without customer" value={stat('rowsWithoutCustomer')} color={stat('rowsWithoutCustomer') > 0 ? 'orange.7' : undefined} hint="rows counted, not imported" />
          </>
        ) : (
          <>
            <Stat label="Created" value={info.createdCount} hint="new contacts" />
            <Stat label="Updated" value={info.updatedCount} hint="existing contacts" />
            <Stat label="Merged duplicates" value={info.mergedCount} hint="rows naming a contact twice" />
            <Stat label="Skipped" value={info.skippedCount} color={info.skippedCount > 0 ? 'orange.7' : undefined} hint="rows with errors" />
          </>
        )}
      </SimpleGrid>
      {info.skippedCount > 0 && <SkippedRows info={info} />}
      <Group justify="space-between">
        <UndoButton info={info} />
        <Button component={Link} to="/contacts" leftSection={<IconUsers size={16} />}>
          View contacts
        </Button>
      </Group>
    </Stack>
  );
}

function SkippedRows({ info }: { info: ImportInfo }) {
  const errors = useQuery({
    queryKey: useWorkspaceKey('imports', info.id, 'errors'),
    queryFn: () => api.get<ImportError[]>(`/imports/${info.id}/errors?limit=${FIRST_ERRORS}`),
  });
  return (
    <Card>
      <SectionHeader
        title="Skipped rows"
        description={`${info.skippedCount.toLocaleString('en')} ${info.skippedCount === 1 ? 'row was' : 'rows were'} not imported. Fix them in your file and import it again: rows that did import are matched, not duplicated.`}
        actions={
          <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => download(`/imports/${info.id}/errors.csv`)}>
            Download errors as CSV
          </Button>
        }
      />
      {errors.isPending ? (
        <LoadingBlock />
      ) : errors.isError ? (
        <ErrorBlock error={errors.error} onRetry={() => void errors.refetch()} />
      ) : (
        <Table verticalSpacing="xs" aria-label="Skipped rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={80}>Row</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th w="40%">Original row</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {errors.data.map((e) => (
              <Table.Tr key={`${e.rowNumber}-${e.reason}`}>
                <Table.Td>
                  <Text fz="sm" ff="monospace">
                    {e.rowNumber.toLocaleString('en')}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{e.reason}</Text>
                </Table.Td>
                <Table.Td>
                  {e.raw ? (
                    <Code fz="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                      {e.raw.slice(0, 200)}
                    </Code>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {info.skippedCount > FIRST_ERRORS && (
        <Text fz="xs" c="dimmed" mt="sm">
          The first {FIRST_ERRORS} are shown; the CSV has all of them.
        </Text>
      )}
    </Card>
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
  if (info.status !== 'completed' && info.status !== 'failed') return <span />;
  return (
    <>
      <Button variant="default" color="red" leftSection={<IconArrowBackUp size={16} />} onClick={() => setConfirm(true)}>
        Undo import
      </Button>
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
          : `The ${info.createdCount.toLocaleString('en')} contacts it created are removed, and the values it changed on ${info.updatedCount.toLocaleString('en')} existing contacts are put back as they were.`}{' '}
        Changes made since, to those contacts, may be lost.
      </ConfirmModal>
    </>
  );
}

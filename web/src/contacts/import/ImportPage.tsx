// Import, step 1: choose what the file holds (contacts or order history) and drop it here.
// Below: earlier imports, each leading to its progress or result.
import { Anchor, Badge, Box, Card, Group, Loader, SegmentedControl, Stack, Table, Text, ThemeIcon, Title } from '@mantine/core';
import { IconChevronLeft, IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { PageHeader, SectionHeader } from '../../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../../components/QueryState.tsx';
import { api } from '../../lib/api.ts';
import { formatDateTime, fromNow } from '../../lib/format.ts';
import { notifyError } from '../../lib/notify.tsx';
import { useWorkspaceKey } from '../../lib/session.ts';
import classes from '../contacts.module.css';
import { badgeOf, formatBytes, type ImportInfo, type ImportKind, useImportsQuery } from './importModel.ts';

const ACCEPT = '.csv,.tsv,.txt,.xlsx,.gz,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const KIND_TEXT: Record<ImportKind, { title: string; hint: string }> = {
  contacts: {
    title: 'Drop a spreadsheet of contacts here',
    hint: 'CSV or Excel (.xlsx), any delimiter and encoding, up to a million rows. Existing contacts are matched by email or external ID and updated.',
  },
  orders: {
    title: 'Drop your order history here',
    hint: 'One row per order or per line item: order ID, customer email or ID, date and amount. Each order becomes a purchase on the customer’s timeline; cancellations become refunds.',
  },
};

export function ImportPage() {
  const [params, setParams] = useSearchParams();
  const kind: ImportKind = params.get('kind') === 'orders' ? 'orders' : 'contacts';
  return (
    <>
      <Anchor component={Link} to="/contacts" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Contacts
      </Anchor>
      <PageHeader
        title="Import"
        description="Bring in the customers and the order history you already have. You check how each column is read before anything is written, and every import can be undone."
        actions={
          <SegmentedControl
            aria-label="What the file holds"
            value={kind}
            onChange={(k) => setParams(k === 'orders' ? { kind: 'orders' } : {}, { replace: true })}
            data={[
              { value: 'contacts', label: 'Import contacts' },
              { value: 'orders', label: 'Import orders' },
            ]}
          />
        }
      />
      <Stack gap="xl">
        <UploadZone kind={kind} />
        <ImportHistory />
      </Stack>
    </>
  );
}

function UploadZone({ kind }: { kind: ImportKind }) {
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('imports');
  const upload = useMutation({
    mutationFn: (file: File) => api.upload<ImportInfo>(`/imports?kind=${kind}`, file),
    onSuccess: (info) => {
      queryClient.setQueryData([...key, info.id], info);
      void queryClient.invalidateQueries({ queryKey: key, exact: true });
      navigate(`/contacts/import/${info.id}`);
    },
    onError: (err) => notifyError(err, 'The file could not be read'),
  });
  const take = (files: FileList | null | undefined) => {
    const file = files?.[0];
    if (file && !upload.isPending) upload.mutate(file);
  };
  return (
    <Box
      className={classes.dropzone}
      data-active={dragging || undefined}
      py={56}
      px="xl"
      role="button"
      tabIndex={0}
      aria-label={`Upload a file of ${kind}`}
      onClick={() => input.current?.click()}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && input.current?.click()}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        take(e.dataTransfer.files);
      }}
    >
      <input ref={input} type="file" accept={ACCEPT} hidden data-testid="import-file" onChange={(e) => take(e.currentTarget.files)} />
      <Stack align="center" gap="sm" ta="center">
        <ThemeIcon size={56} radius="xl" variant="light">
          {upload.isPending ? <Loader size="sm" /> : <IconUpload size={28} stroke={1.6} />}
        </ThemeIcon>
        <Title order={3} fz="lg">
          {upload.isPending ? 'Uploading and reading the file…' : KIND_TEXT[kind].title}
        </Title>
        <Text fz="sm" c="dimmed" maw={560}>
          {KIND_TEXT[kind].hint}
        </Text>
        <Text fz="sm" c="brand.7" fw={600}>
          or click to choose a file
        </Text>
      </Stack>
    </Box>
  );
}

function ImportHistory() {
  const imports = useImportsQuery();
  return (
    <Card>
      <SectionHeader title="Earlier imports" description="Open one to see what it did, download its skipped rows, or undo it." />
      {imports.isPending ? (
        <LoadingBlock />
      ) : imports.isError ? (
        <ErrorBlock error={imports.error} onRetry={() => void imports.refetch()} />
      ) : imports.data.length === 0 ? (
        <Text fz="sm" c="dimmed" py="md">
          No imports yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720} type="native">
        <Table verticalSpacing="sm" highlightOnHover aria-label="Earlier imports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th w={110}>Kind</Table.Th>
              <Table.Th w={170}>Status</Table.Th>
              <Table.Th w={120} ta="right">
                Rows
              </Table.Th>
              <Table.Th w={200} ta="right">
                Created · updated · skipped
              </Table.Th>
              <Table.Th w={130}>When</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {imports.data.map((i) => (
              <Table.Tr key={i.id}>
                <Table.Td>
                  <Group gap="sm" wrap="nowrap">
                    <IconFileSpreadsheet size={18} stroke={1.6} color="var(--mantine-color-gray-6)" />
                    <Stack gap={0}>
                      <Anchor component={Link} to={`/contacts/import/${i.id}`} fz="sm" fw={600}>
                        {i.fileName}
                      </Anchor>
                      <Text fz="xs" c="dimmed">
                        {formatBytes(i.fileSize)}
                      </Text>
                    </Stack>
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm">{i.kind === 'orders' ? 'Orders' : 'Contacts'}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={badgeOf(i).color} variant={i.status === 'running' ? 'dot' : 'light'}>
                    {badgeOf(i).label}
                  </Badge>
                </Table.Td>
                <Table.Td ta="right">
                  <Text fz="sm">{i.totalRows !== null ? i.totalRows.toLocaleString('en') : '—'}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text fz="sm" c="dimmed">
                    {i.status === 'uploaded' ? '—' : `${i.createdCount.toLocaleString('en')} · ${i.updatedCount.toLocaleString('en')} · ${i.skippedCount.toLocaleString('en')}`}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm" c="dimmed" title={formatDateTime(i.createdAt)}>
                    {fromNow(i.createdAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}

// One import, from mapping to result: the step it is at decides what the page shows.
import { Anchor, Badge, Card, Group, Progress, SimpleGrid, Stack, Stepper, Text } from '@mantine/core';
import { IconChevronLeft } from '@tabler/icons-react';
import { Link, useParams } from 'react-router-dom';
import { NotFoundPage } from '../../areas/NotFoundPage.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../../components/QueryState.tsx';
import { isApiError } from '../../lib/api.ts';
import { badgeOf, formatBytes, type ImportInfo, useImportQuery } from './importModel.ts';
import { ImportResult } from './ImportResult.tsx';
import { MappingStep } from './MappingStep.tsx';
import { Stat } from './Stat.tsx';
import { neverStarted, UploadNotFinished } from './UploadNotFinished.tsx';

const n = (x: number) => x.toLocaleString('en');

export function ImportDetailPage() {
  const { id = '' } = useParams();
  const query = useImportQuery(id);
  if (query.isPending) return <LoadingBlock label="Loading the import" />;
  if (query.isError) return isApiError(query.error, 404) || isApiError(query.error, 400) ? <NotFoundPage /> : <ErrorBlock error={query.error} onRetry={() => void query.refetch()} />;
  const info = query.data;
  const notStarted = neverStarted(info);
  const step = notStarted ? 0 : info.status === 'uploaded' ? 1 : info.status === 'queued' || info.status === 'running' ? 2 : 4;
  return (
    <>
      <Anchor component={Link} to="/contacts/import" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Import
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            {info.fileName}
            <Badge color={badgeOf(info).color} size="lg">
              {badgeOf(info).label}
            </Badge>
          </Group>
        }
        description={`${info.kind === 'orders' ? 'Order history' : 'Contacts'} · ${formatBytes(info.fileSize)}${info.totalRows !== null ? ` · ${n(info.totalRows)} rows` : ''}`}
      />
      <Stepper active={step} size="sm" mb="xl" allowNextStepsSelect={false}>
        <Stepper.Step label="Upload" description="File read" />
        <Stepper.Step label="Map columns" description="Check how each column is read" />
        <Stepper.Step label="Import" description="Runs in the background" />
        <Stepper.Step label="Done" description="Review, download errors, undo" />
      </Stepper>
      {notStarted ? (
        <UploadNotFinished info={info} />
      ) : info.status === 'uploaded' ? (
        <MappingStep info={info} />
      ) : step === 2 ? (
        <ImportProgress info={info} />
      ) : (
        <ImportResult info={info} />
      )}
    </>
  );
}

const PHASE_TEXT: Record<NonNullable<ImportInfo['phase']>, string> = {
  dates: 'Checking how the dates are written…',
  reading: 'Reading the file…',
  customers: 'Creating and updating customers…',
  orders: 'Writing purchases and refunds…',
};

/**
 * A running import: the bar is the share of the file read (of the compressed file, for a .gz),
 * which is known from the start; rows are counted as they go. Orders show what was found so far.
 */
function ImportProgress({ info }: { info: ImportInfo }) {
  const orders = info.kind === 'orders';
  const stat = (k: string) => info.stats[k] ?? 0;
  const phase = info.phase ?? 'reading';
  const writing = phase === 'customers' || phase === 'orders';
  const pct = writing
    ? phase === 'customers' && stat('customers') > 0
      ? (stat('customersWritten') / stat('customers')) * 100
      : 100
    : info.fileSize > 0
      ? Math.min(100, (info.bytesRead / info.fileSize) * 100)
      : 0;
  const detail =
    info.status === 'queued'
      ? 'Waiting for a worker'
      : phase === 'customers'
        ? `${n(stat('customersWritten'))} of ${n(stat('customers'))} customers`
        : phase === 'orders'
          ? `${n(stat('orders'))} orders`
          : `${formatBytes(info.bytesRead)} of ${formatBytes(info.fileSize)} read${phase === 'reading' ? ` · ${n(orders ? stat('lineItems') : info.processedRows)} rows` : ''}`;
  return (
    <Card py="xl">
      <Stack gap="lg">
        <Group justify="space-between">
          <Text fw={650}>{info.status === 'queued' ? 'Waiting for a worker…' : PHASE_TEXT[phase]}</Text>
          <Text fz="sm" c="dimmed" data-testid="import-progress">
            {detail}
          </Text>
        </Group>
        <Progress value={pct} size="xl" radius="xl" animated striped aria-label="Import progress" />
        {orders ? (
          <SimpleGrid cols={{ base: 2, sm: 4 }}>
            <Stat label="Order lines read" value={stat('lineItems')} />
            <Stat label="Orders found" value={stat('orders')} />
            <Stat label="Customers found" value={stat('customers')} />
            <Stat label="Without customer" value={stat('rowsWithoutCustomer')} color={stat('rowsWithoutCustomer') > 0 ? 'orange.7' : undefined} />
          </SimpleGrid>
        ) : (
          <SimpleGrid cols={{ base: 2, sm: 5 }}>
            <Stat label="Created" value={info.createdCount} />
            <Stat label="Updated" value={info.updatedCount} />
            <Stat label="Merged duplicates" value={info.mergedCount} />
            <Stat label="Skipped" value={info.skippedCount} color={info.skippedCount > 0 ? 'orange.7' : undefined} />
            <Stat label="Values left out" value={info.valuesLeftOut} color={info.valuesLeftOut > 0 ? 'orange.7' : undefined} />
          </SimpleGrid>
        )}
        <Text fz="xs" c="dimmed">
          You can leave this page: the import keeps running and its result waits for you under Import.
        </Text>
      </Stack>
    </Card>
  );
}

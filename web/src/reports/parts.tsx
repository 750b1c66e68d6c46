// The pieces every report is made of: a card with its title, what it shows and its CSV; the
// table under each chart, which scrolls sideways inside its card on a phone; the formula; and
// the loading, error and "this data is missing" states.
import '@mantine/charts/styles.css';
import { Anchor, Button, Card, EmptyState, Group, Input, SegmentedControl, Table, Text } from '@mantine/core';
import { IconDownload, IconFileImport, IconMathFunction } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { isApiError } from '../lib/api.ts';

export function ReportCard({ title, description, actions, children, testId }: { title: ReactNode; description?: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <Card data-testid={testId} style={{ minWidth: 0 }}>
      <SectionHeader title={title} description={description} actions={actions} />
      {children}
    </Card>
  );
}

/** The link to a report's CSV: the same query as what is shown. */
export function CsvButton({ href }: { href: string }) {
  return (
    <Button component="a" href={href} download variant="default" size="xs" leftSection={<IconDownload size={14} />}>
      Download CSV
    </Button>
  );
}

/** How a figure is counted, in words, under its chart. */
export function Formula({ children, label }: { children: ReactNode; label?: string }) {
  return (
    <Group gap={6} wrap="nowrap" align="flex-start" mt="md" data-testid="formula">
      <IconMathFunction size={16} stroke={1.6} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0, marginTop: 2 }} aria-hidden />
      <Text fz="xs" c="dimmed" lh={1.5}>
        {label && (
          <Text span fw={600} fz="xs" c="dimmed">
            {label}:{' '}
          </Text>
        )}
        {children}
      </Text>
    </Group>
  );
}

/** The numbers behind a chart: a table that scrolls sideways inside its card when it is wider. */
export function DataTable({ label, head, rows, minWidth, maxHeight, align }: { label: string; head: ReactNode[]; rows: ReactNode[][]; minWidth?: number; maxHeight?: number; align?: ('left' | 'right')[] }) {
  const ta = (i: number) => align?.[i] ?? (i === 0 ? 'left' : 'right');
  return (
    <Table.ScrollContainer minWidth={minWidth ?? Math.max(300, 110 * head.length)} maxHeight={maxHeight} type="native" mt="md">
        <Table aria-label={label} striped highlightOnHover verticalSpacing={6} fz="sm" stickyHeader={maxHeight !== undefined}>
          <Table.Thead>
            <Table.Tr>
              {head.map((h, i) => (
                <Table.Th key={i} ta={ta(i)}>
                  {h}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, r) => (
              <Table.Tr key={r}>
                {row.map((cell, i) => (
                  <Table.Td key={i} ta={ta(i)} style={{ whiteSpace: 'nowrap', fontWeight: i === 0 ? 500 : undefined }}>
                    {cell}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
    </Table.ScrollContainer>
  );
}

/** A report's query: loading, failed (a 404 says the report is not available yet), or its body. */
export function QueryBody<T>({ query, label, children }: { query: { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown }; label: string; children: (data: T) => ReactNode }) {
  if (query.isPending && query.data === undefined)
    return (
      <Card>
        <LoadingBlock label={label} />
      </Card>
    );
  if (query.data === undefined) {
    if (isApiError(query.error, 404))
      return (
        <Card py={40}>
          <EmptyState variant="light" color="gray" title="This report is not available on this server yet" description="Update Rapport to see it." mx="auto" maw={520} />
        </Card>
      );
    return <ErrorBlock error={query.error} onRetry={() => void query.refetch()} />;
  }
  return <>{children(query.data)}</>;
}

/** What to do when there are no orders: "Import your order history to see cohorts". */
export function NoOrders({ what, extra, description }: { what: string; extra?: ReactNode; description?: string }) {
  return (
    <Card py={{ base: 28, sm: 44 }} data-testid="no-orders">
      <EmptyState
        variant="light"
        color="cyan"
        icon={<IconFileImport size={28} stroke={1.6} />}
        title={`Import your order history to see ${what}`}
        description={description ?? 'Reports are computed from your customers’ orders. Import them from a spreadsheet (one row per order or order line), or send them from your shop with the tracking API.'}
        maw={620}
        mx="auto"
      >
        <EmptyState.Actions>
          <Button component={Link} to="/contacts/import" leftSection={<IconFileImport size={16} />}>
            Import order history
          </Button>
        </EmptyState.Actions>
        {extra}
      </EmptyState>
    </Card>
  );
}

/** A link inside a sentence to another page of the app. */
export function AppLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Anchor component={Link} to={to} fz="inherit">
      {children}
    </Anchor>
  );
}

/** Cohorts by month or by week (the cohort and revenue reports). */
export function GrainPicker({ value, onChange }: { value: string; onChange: (grain: string) => void }) {
  return (
    <Input.Wrapper label="Cohorts by" labelElement="div">
      <SegmentedControl
        style={{ display: 'flex' }}
        size="sm"
        aria-label="Cohorts by"
        data={[
          { value: 'month', label: 'Month' },
          { value: 'week', label: 'Week' },
        ]}
        value={value}
        onChange={onChange}
      />
    </Input.Wrapper>
  );
}

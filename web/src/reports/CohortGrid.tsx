// The cohort triangle as a heat grid: a row per cohort (its start and size), a column per
// period after it, each cell the share of the cohort who ordered then (or then or later), its
// colour by that share; the count and cohort size on hover. The weighted mean on top.
import { Table, Text } from '@mantine/core';
import { periodStart } from '../../../src/shared/days.ts';
import { count, pct, periodLabel, periodName, share } from './format.ts';
import type { CohortResult } from './model.ts';
import { heat } from './palette.ts';
import { underWay } from './periods.ts';

export type CohortView = 'exact' | 'orLater';

/** Whether the report's last period is not over yet (its counts are so far). */
export const lastPeriodOpen = (r: CohortResult) => underWay(periodStart(r.asOf, r.grain), r.grain, r.asOf);

/** Whether a cohort's period k is the one under way (the last it has reached, not over yet). */
export const isOpen = (r: CohortResult, row: CohortResult['rows'][number], k: number) => lastPeriodOpen(r) && k === row.exact.length - 1;

const cellStyle = { padding: '5px 8px', whiteSpace: 'nowrap' as const, textAlign: 'right' as const, fontSize: 'var(--mantine-font-size-xs)', fontVariantNumeric: 'tabular-nums' };
const sticky = { position: 'sticky' as const, left: 0, zIndex: 1, background: 'var(--mantine-color-body)' };

export function CohortGrid({ r, group, view, who = 'customers' }: { r: CohortResult; group: string; view: CohortView; who?: 'customers' | 'contacts' }) {
  const rows = r.rows.filter((row) => row.group === group);
  const mean = r.mean.find((m) => m.group === group);
  const columns = Array.from({ length: r.periods + 1 }, (_, k) => k);
  // The colour scale tops out at the largest share after period 0 (which is often everyone).
  const later = rows.flatMap((row) => row[view].slice(1).map((c) => share(c, row.size) ?? 0));
  const max = Math.max(0.0001, ...later);
  const what = view === 'exact' ? 'ordered in' : 'ordered in or after';
  const unit = r.grain === 'week' ? 'week' : 'month';
  return (
    <Table.ScrollContainer minWidth={Math.max(420, 150 + 64 * columns.length)} type="native" maxHeight={560}>
      <Table aria-label="Cohort retention" withRowBorders={false} stickyHeader data-testid="cohort-grid" style={{ borderCollapse: 'separate', borderSpacing: 2 }}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th style={{ ...sticky, zIndex: 3 }}>Cohort</Table.Th>
            <Table.Th ta="right">{who === 'customers' ? 'Customers' : 'Contacts'}</Table.Th>
            {columns.map((k) => (
              <Table.Th key={k} ta="right">
                {periodName(r.grain, k)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {mean && (
            <Table.Tr data-testid="cohort-mean">
              <Table.Td style={{ ...sticky, ...cellStyle, textAlign: 'left' }}>
                <Text fz="xs" fw={700}>
                  All cohorts
                </Text>
              </Table.Td>
              <Table.Td style={cellStyle}>
                <Text fz="xs" fw={700}>
                  {count(rows.reduce((s, row) => s + row.size, 0))}
                </Text>
              </Table.Td>
              {columns.map((k) => {
                const v = mean[view][k] ?? null;
                return (
                  <Table.Td key={k} style={{ ...cellStyle, fontWeight: 700 }} title={v === null ? undefined : `Mean of the ${mean.reached[k]} cohorts that reached ${unit} ${k}, weighted by size: ${pct(v)}`}>
                    {pct(v)}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          )}
          {rows.map((row) => {
            const label = periodLabel(row.start, r.grain);
            return (
              <Table.Tr key={row.start}>
                <Table.Td style={{ ...sticky, ...cellStyle, textAlign: 'left', fontWeight: 500 }}>{label}</Table.Td>
                <Table.Td style={cellStyle}>{count(row.size)}</Table.Td>
                {columns.map((k) => {
                  const c = row[view][k];
                  if (c === undefined) return <Table.Td key={k} style={cellStyle} />;
                  const s = share(c, row.size) ?? 0;
                  const open = isOpen(r, row, k);
                  return (
                    <Table.Td
                      key={k}
                      style={{ ...cellStyle, ...heat(s, max), borderRadius: 4, ...(open ? { outline: '1px dashed var(--mantine-color-gray-5)', outlineOffset: -1, fontStyle: 'italic' } : {}) }}
                      title={`${label} cohort, ${unit} ${k}: ${count(c)} of ${count(row.size)} ${who} ${what} ${unit} ${k} (${pct(s)})${open ? `, so far: this ${unit} is not over` : ''}`}
                      data-count={c}
                    >
                      {pct(s)}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

// The cohort report's two charts: the retention curves (the weighted mean per group, and each
// cohort if asked), and the share at period N across cohorts (is retention getting better?).
// Each with its table.
import { LineChart } from '@mantine/charts';
import { Checkbox, Group, Select, Text } from '@mantine/core';
import { type CohortView, isOpen, lastPeriodOpen } from './CohortGrid.tsx';
import { count, pct, periodLabel, periodName, share } from './format.ts';
import type { CohortResult } from './model.ts';
import { seriesColor, seriesKey } from './palette.ts';
import { DataTable, ReportCard } from './parts.tsx';

export const groupName = (g: string) => (g === '' ? 'All customers' : g);
const percent = (v: number) => `${v.toLocaleString('en', { maximumFractionDigits: 1 })}%`;
const toPercent = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);

interface CurvesProps {
  r: CohortResult;
  view: CohortView;
  each: boolean;
  onEach: (each: boolean) => void;
  /** The group whose cohorts are drawn one by one. */
  group: string;
}

export function RetentionCurves({ r, view, each, onEach, group }: CurvesProps) {
  // Period 0 is everyone when cohorts start with a first order: drawn from period 1 then.
  const start = r.mean.every((m) => (m[view][0] ?? 1) >= 0.9999) ? 1 : 0;
  const periods = Array.from({ length: Math.max(0, r.periods + 1 - start) }, (_, i) => i + start);
  const cohorts = each ? r.rows.filter((row) => row.group === group) : [];
  // The last period is only the oldest cohort's current one: not drawn while it is under way.
  const open = lastPeriodOpen(r);
  const drawn = open && periods.length > 1 ? periods.slice(0, -1) : periods;
  const data = drawn.map((k) => {
    const point: Record<string, string | number | null> = { period: periodName(r.grain, k) };
    r.mean.forEach((m, i) => (point[seriesKey('g', i)] = toPercent(m[view][k])));
    cohorts.forEach((row, i) => (point[seriesKey('c', i)] = row[view][k] === undefined || isOpen(r, row, k) ? null : toPercent(share(row[view][k]!, row.size))));
    return point;
  });
  const series = [
    ...cohorts.map((row, i) => ({ name: seriesKey('c', i), label: periodLabel(row.start, r.grain), color: 'gray.4' })),
    ...r.mean.map((m, i) => ({ name: seriesKey('g', i), label: r.mean.length > 1 ? `${groupName(m.group)} (mean)` : 'All cohorts (mean)', color: seriesColor(i) })),
  ];
  return (
    <ReportCard
      testId="cohort-curves"
      title="Retention curves"
      description={`The share of each cohort who ordered ${view === 'exact' ? 'in' : 'in or after'} each ${r.grain} since their first${start === 1 ? ` (${r.grain} 0 is everyone, so it is left out)` : ''}. The mean of each ${r.grain} is weighted by cohort size.${open ? ` ${periodName(r.grain, r.periods)} is only under way, so it is not drawn.` : ''}`}
      actions={<Checkbox label="Show each cohort" checked={each} onChange={(e) => onEach(e.currentTarget.checked)} size="xs" />}
    >
      <LineChart
        h={280}
        data={data}
        dataKey="period"
        series={series}
        curveType="monotone"
        withDots={!each}
        connectNulls={false}
        valueFormatter={percent}
        withLegend={r.mean.length > 1}
        legendProps={{ verticalAlign: 'bottom', height: 40 }}
        lineProps={(s) => (s.name.startsWith('c') ? { strokeWidth: 1, strokeOpacity: 0.7 } : { strokeWidth: 2.5 })}
        withTooltip={!each}
        yAxisProps={{ width: 48 }}
        gridAxis="y"
      />
      <DataTable
        label="Retention curves"
        head={[r.grain === 'week' ? 'Week' : 'Month', ...r.mean.flatMap((m) => [r.mean.length > 1 ? groupName(m.group) : 'All cohorts (mean)', 'Cohorts'])]}
        rows={Array.from({ length: r.periods + 1 }, (_, k) => [
          `${periodName(r.grain, k)}${open && k === r.periods ? ' (so far)' : ''}`,
          ...r.mean.flatMap((m) => [pct(m[view][k]), count(m.reached[k])]),
        ])}
        maxHeight={320}
      />
    </ReportCard>
  );
}

export function PeriodTrend({ r, view, n, onN }: { r: CohortResult; view: CohortView; n: number; onN: (n: number) => void }) {
  const k = Math.min(Math.max(1, n), Math.max(1, r.periods));
  const unit = r.grain === 'week' ? 'Week' : 'Month';
  // Cohorts whose period k is under way are left out: their share is only so far.
  const starts = [...new Set(r.rows.filter((row) => row[view].length > k && !isOpen(r, row, k)).map((row) => row.start))].sort();
  const cell = (start: string, group: string) => r.rows.find((row) => row.start === start && row.group === group);
  const data = starts.map((start) => {
    const point: Record<string, string | number | null> = { cohort: periodLabel(start, r.grain).replace('Week of ', '') };
    r.groups.forEach((g, i) => {
      const row = cell(start, g);
      point[seriesKey('g', i)] = row ? toPercent(share(row[view][k]!, row.size)) : null;
    });
    return point;
  });
  const options = Array.from({ length: Math.max(1, r.periods) }, (_, i) => ({ value: String(i + 1), label: `${unit} ${i + 1}` }));
  return (
    <ReportCard
      testId="cohort-trend"
      title={`${unit}-${k} retention over cohorts`}
      description={`For each cohort that has reached ${unit.toLowerCase()} ${k}: the share who ordered ${view === 'exact' ? 'in' : 'in or after'} it. Rising means newer customers come back more.${lastPeriodOpen(r) ? ` The cohort whose ${unit.toLowerCase()} ${k} is under way is left out.` : ''}`}
      actions={
        <Group gap="xs">
          <Select aria-label="Period N" size="xs" w={120} data={options} value={String(k)} onChange={(v) => v && onN(Number(v))} data-testid="trend-n" />
        </Group>
      }
    >
      {starts.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No cohort has reached {unit.toLowerCase()} {k} yet: choose a longer period or a smaller N.
        </Text>
      ) : (
        <>
          <LineChart
            h={240}
            data={data}
            dataKey="cohort"
            series={r.groups.map((g, i) => ({ name: seriesKey('g', i), label: groupName(g), color: seriesColor(i) }))}
            curveType="monotone"
            connectNulls={false}
            valueFormatter={percent}
            withLegend={r.groups.length > 1}
            yAxisProps={{ width: 48 }}
            gridAxis="y"
          />
          <DataTable
            label={`${unit}-${k} retention over cohorts`}
            head={['Cohort', ...r.groups.flatMap((g) => [r.groups.length > 1 ? groupName(g) : 'Share', 'Customers'])]}
            rows={starts.map((start) => [
              periodLabel(start, r.grain),
              ...r.groups.flatMap((g) => {
                const row = cell(start, g);
                return row ? [pct(share(row[view][k]!, row.size)), `${count(row[view][k])} of ${count(row.size)}`] : ['–', '–'];
              }),
            ])}
            maxHeight={320}
          />
        </>
      )}
    </ReportCard>
  );
}

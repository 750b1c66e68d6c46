// Segments over time: the size of several segments day by day, one line each. Without a choice
// the server shows the five largest; the choice is kept in the URL.
import { LineChart } from '@mantine/charts';
import { Card, Group, MultiSelect, Stack, Text } from '@mantine/core';
import { count, dayLabel, shortDay } from './format.ts';
import { csvHref, queryString, type SegmentsResult, useSegmentsReportQuery } from './model.ts';
import { seriesColor, seriesKey } from './palette.ts';
import { AppLink, CsvButton, DataTable, QueryBody, ReportCard } from './parts.tsx';
import { SpanPicker } from './SpanPicker.tsx';
import { SPAN_DEFAULTS, spanParams, useUrlState } from './url.ts';

const MAX = 8;

export function SegmentsTab() {
  const [s, set] = useUrlState({ ...SPAN_DEFAULTS, ids: '' });
  const span = spanParams(s);
  const qs = queryString({ ...span, ids: s.ids });
  const query = useSegmentsReportQuery(qs);
  const chosen = query.data?.segments.map((x) => x.id) ?? s.ids.split(',').filter(Boolean);
  return (
    <Stack gap="lg">
      <Card>
        <Group gap="sm" align="flex-start" wrap="wrap">
          <SpanPicker state={s} set={set} />
          <MultiSelect
            label="Segments"
            placeholder={chosen.length === 0 ? 'Choose segments' : undefined}
            data={(query.data?.available ?? []).map((a) => ({ value: a.id, label: `${a.name} (${count(a.size)})` }))}
            value={chosen}
            onChange={(ids) => set({ ids: ids.slice(0, MAX).join(',') })}
            maxValues={MAX}
            searchable
            size="sm"
            w={520}
            maw="100%"
            data-testid="segments-picker"
          />
        </Group>
      </Card>
      {span === null ? (
        <Text c="dimmed" fz="sm">
          Choose the first and last day of the period.
        </Text>
      ) : (
        <QueryBody query={query} label="Loading segments over time">
          {(r) => (r.available.length === 0 ? <NoSegments /> : <Sizes r={r} csv={csvHref('segments', qs)} />)}
        </QueryBody>
      )}
    </Stack>
  );
}

function NoSegments() {
  return (
    <Card py={40}>
      <Text ta="center" c="dimmed">
        There are no segments yet. <AppLink to="/segments">Create a segment</AppLink> to follow its size over time.
      </Text>
    </Card>
  );
}

function Sizes({ r, csv }: { r: SegmentsResult; csv: string }) {
  const days = [...new Set(r.segments.flatMap((x) => x.sizes.map((p) => p.day)))].sort();
  const bySegment = r.segments.map((x) => new Map(x.sizes.map((p) => [p.day, p.size])));
  const data = days.map((day) => {
    const point: Record<string, string | number | null> = { day: shortDay(day) };
    bySegment.forEach((sizes, i) => (point[seriesKey('s', i)] = sizes.get(day) ?? null));
    return point;
  });
  // The table: the first of each month and the last day (a row a day would be too long to read).
  const sampled = days.filter((d, i) => d.endsWith('-01') || i === 0 || i === days.length - 1);
  return (
    <ReportCard
      testId="segments-sizes"
      title="Segment sizes over time"
      description={`Members of each segment day by day, from ${dayLabel(r.from)} to ${dayLabel(r.to)}.`}
      actions={<CsvButton href={csv} />}
    >
      {r.segments.length === 0 ? (
        <Text c="dimmed" fz="sm">
          Choose one or more segments.
        </Text>
      ) : (
        <>
          {days.length < 2 && (
            <Text c="dimmed" fz="sm" mb="sm">
              Sizes are recorded once a day from the day a segment is created: the line grows from here.
            </Text>
          )}
          <LineChart
            h={300}
            data={data}
            dataKey="day"
            series={r.segments.map((x, i) => ({ name: seriesKey('s', i), label: x.name, color: seriesColor(i) }))}
            curveType="monotone"
            withDots={days.length < 2}
            connectNulls
            valueFormatter={(v) => count(v)}
            withLegend
            legendProps={{ verticalAlign: 'bottom', height: 50 }}
            yAxisProps={{ width: 56 }}
            gridAxis="y"
          />
          <DataTable
            label="Segment sizes over time"
            minWidth={160 + 130 * r.segments.length}
            maxHeight={360}
            head={['Day', ...r.segments.map((x) => x.name)]}
            rows={sampled.map((day) => [dayLabel(day), ...bySegment.map((sizes) => count(sizes.get(day) ?? null))])}
          />
        </>
      )}
    </ReportCard>
  );
}

// Cohort retention: customers grouped by the week or month of their first order (or of a first
// event, or of becoming a contact), optionally split by a segment or a contact property; the
// triangle as a heat grid, the retention curves and the period-N trend. Everything in the URL.
import { Card, Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { eventLabel } from '../../../src/events/catalogue.ts';
import { DEFINITIONS } from '../../../src/reports/definitions.ts';
import { usePropertiesQuery } from '../contacts/model.ts';
import { useCatalogQuery, useSegmentsQuery } from '../segments/model.ts';
import { groupName, PeriodTrend, RetentionCurves } from './CohortCharts.tsx';
import { CohortGrid, type CohortView, lastPeriodOpen } from './CohortGrid.tsx';
import { plural, spanLabel } from './format.ts';
import { csvHref, queryString, useCohortsQuery } from './model.ts';
import { CsvButton, Formula, GrainPicker, NoOrders, QueryBody, ReportCard } from './parts.tsx';
import { SpanPicker } from './SpanPicker.tsx';
import { SPAN_DEFAULTS, spanParams, useUrlState } from './url.ts';

const DEFAULTS = { ...SPAN_DEFAULTS, view: 'exact', grain: 'month', by: 'first_order', event: '', breakdown: 'none', segmentId: '', property: '', n: '1', each: '', group: '' };

const BY = [
  { value: 'first_order', label: 'First order' },
  { value: 'first_event', label: 'First time of an event' },
  { value: 'contact_created', label: 'Became a contact' },
];
const BREAKDOWN = [
  { value: 'none', label: 'Nothing' },
  { value: 'segment', label: 'A segment' },
  { value: 'property', label: 'A contact property' },
];

/** What starts a cohort, after "their": "first order", "first “Email opened”", "becoming a contact". */
const startOf = (by: string, event: string) => (by === 'first_event' ? `first “${eventLabel(event)}”` : by === 'contact_created' ? 'becoming a contact' : 'first order');

export function CohortsTab() {
  const [s, set] = useUrlState(DEFAULTS);
  const span = spanParams(s);
  const missing =
    s.by === 'first_event' && !s.event
      ? 'Choose the event whose first time starts a cohort.'
      : s.breakdown === 'segment' && !s.segmentId
        ? 'Choose the segment to split the cohorts by.'
        : s.breakdown === 'property' && !s.property
          ? 'Choose the contact property to split the cohorts by.'
          : null;
  const qs = queryString({
    ...span,
    grain: s.grain,
    by: s.by,
    event: s.by === 'first_event' ? s.event : undefined,
    breakdown: s.breakdown,
    segmentId: s.breakdown === 'segment' ? s.segmentId : undefined,
    property: s.breakdown === 'property' ? s.property : undefined,
  });
  const ready = span !== null && missing === null;
  const query = useCohortsQuery(qs, ready);
  const view = (s.view === 'orLater' ? 'orLater' : 'exact') as CohortView;
  const unit = s.grain === 'week' ? 'week' : 'month';

  return (
    <Stack gap="lg">
      <Card>
        <CohortFilters s={s} set={set} />
      </Card>
      {!ready ? (
        <Text c="dimmed" fz="sm">
          {missing ?? 'Choose the first and last day of the period.'}
        </Text>
      ) : (
        <QueryBody query={query} label="Loading the cohorts">
          {(r) =>
            !r.hasOrders ? (
              <NoOrders what="cohorts" />
            ) : r.rows.length === 0 ? (
              <Card>
                <Text c="dimmed">No cohort starts in this period: nobody’s {startOf(s.by, s.event)} falls in it.</Text>
              </Card>
            ) : (
              <>
                <ReportCard
                  testId="cohorts"
                  title="Cohort retention"
                  description={`${s.by === 'first_order' ? 'Customers' : 'Contacts'} by the ${unit} of their ${startOf(s.by, s.event)}, ${spanLabel(r.from, r.asOf)}: ${plural(r.rows.reduce((n, row) => n + row.size, 0), s.by === 'first_order' ? 'customer' : 'contact')} in ${plural(new Set(r.rows.map((row) => row.start)).size, 'cohort')}. Hover a cell for its count${lastPeriodOpen(r) ? `; dashed cells are this ${unit}, not over yet` : ''}.`}
                  actions={
                    <Group gap="xs">
                      <SegmentedControl
                        size="xs"
                        aria-label="Count"
                        data={[
                          { value: 'exact', label: `In ${unit} N` },
                          { value: 'orLater', label: `In ${unit} N or later` },
                        ]}
                        value={view}
                        onChange={(v) => set({ view: v })}
                      />
                      <CsvButton href={csvHref('cohorts', qs)} />
                    </Group>
                  }
                >
                  {r.groups.length > 1 && (
                    <SegmentedControl
                      mb="sm"
                      size="xs"
                      aria-label="Group shown"
                      data={r.groups.map((g) => ({ value: g, label: groupName(g) }))}
                      value={r.groups.includes(s.group) ? s.group : r.groups[0]!}
                      onChange={(group) => set({ group })}
                      style={{ maxWidth: '100%', overflowX: 'auto' }}
                    />
                  )}
                  <CohortGrid r={r} group={r.groups.includes(s.group) ? s.group : r.groups[0]!} view={view} who={s.by === 'first_order' ? 'customers' : 'contacts'} />
                  <Formula label={DEFINITIONS.cohortRetention.label}>{DEFINITIONS.cohortRetention.formula}</Formula>
                </ReportCard>
                <RetentionCurves r={r} view={view} each={s.each === '1'} onEach={(each) => set({ each: each ? '1' : null })} group={r.groups.includes(s.group) ? s.group : r.groups[0]!} />
                <PeriodTrend r={r} view={view} n={Number(s.n) || 1} onN={(n) => set({ n: String(n) })} />
              </>
            )
          }
        </QueryBody>
      )}
    </Stack>
  );
}

function CohortFilters({ s, set }: { s: typeof DEFAULTS; set: (patch: Partial<Record<keyof typeof DEFAULTS, string | null>>) => void }) {
  const catalog = useCatalogQuery();
  const segments = useSegmentsQuery();
  const properties = usePropertiesQuery();
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="cohort-filters">
      <SpanPicker state={s} set={set} />
      <GrainPicker value={s.grain} onChange={(grain) => set({ grain, n: null })} />
      <Select label="Cohort starts with" size="sm" w={210} data={BY} value={s.by} onChange={(by) => by && set({ by })} />
      {s.by === 'first_event' && (
        <Select
          label="Event"
          size="sm"
          w={210}
          placeholder="Choose an event"
          searchable
          data={(catalog.data?.events ?? []).map((e) => ({ value: e.name, label: eventLabel(e.name) }))}
          value={s.event || null}
          onChange={(event) => set({ event })}
          nothingFoundMessage="No such event received"
        />
      )}
      <Select label="Split by" size="sm" w={180} data={BREAKDOWN} value={s.breakdown} onChange={(breakdown) => breakdown && set({ breakdown, group: null })} />
      {s.breakdown === 'segment' && (
        <Select
          label="Segment"
          size="sm"
          w={210}
          placeholder="Choose a segment"
          searchable
          data={(segments.data?.items ?? []).map((seg) => ({ value: seg.id, label: seg.name }))}
          value={s.segmentId || null}
          onChange={(segmentId) => set({ segmentId, group: null })}
        />
      )}
      {s.breakdown === 'property' && (
        <Select
          label="Property"
          size="sm"
          w={210}
          placeholder="Choose a property"
          searchable
          data={(properties.data ?? []).map((p) => ({ value: p.key, label: p.label }))}
          value={s.property || null}
          onChange={(property) => set({ property, group: null })}
          nothingFoundMessage="No contact properties"
        />
      )}
    </Group>
  );
}

// Subscriptions (when a renewal event is set): for each cohort of subscribers, the share still
// renewing period after period, and the curve the shifted-beta-geometric model (sBG) projects
// from it, a few periods ahead; with its two parameters for the curious.
import { LineChart } from '@mantine/charts';
import { Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { count, DASH, monthLabel, pct, plural } from '../reports/format.ts';
import { DataTable, Formula, ReportCard } from '../reports/parts.tsx';
import type { SubscriptionCohort, Subscriptions } from './model.ts';
import { useRetention } from './RetentionPage.tsx';

const percent = (v: number) => `${v.toLocaleString('en', { maximumFractionDigits: 1 })}%`;
const toPercent = (x: number | null | undefined) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);
const sig = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? DASH : Number(x.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 6 }));

export function SubscriptionsTab() {
  const { current } = useRetention();
  const subs = current.result.subscriptions;
  if (!subs) {
    return (
      <Text c="dimmed" fz="sm">
        Set the event that marks a renewal in the retention settings to see how long subscribers stay.
      </Text>
    );
  }
  return (
    <Stack gap="lg">
      <CohortChart subs={subs} />
      <ReportCard title="The model of each cohort" description="Each cohort’s own fit of the shifted-beta-geometric model.">
        <DataTable
          label="Subscription cohorts"
          minWidth={640}
          head={['Cohort', 'Subscribers', `${subs.period === 'year' ? 'Years' : 'Months'} seen`, 'α (± s.e.)', 'β (± s.e.)', 'Log-likelihood']}
          rows={subs.cohorts.map((c) => [
            cohortName(c, subs),
            count(c.subscribers),
            count(c.periods),
            c.params ? `${sig(c.params.alpha)} ± ${sig(c.se?.alpha)}` : DASH,
            c.params ? `${sig(c.params.beta)} ± ${sig(c.se?.beta)}` : DASH,
            sig(c.loglik),
          ])}
        />
        <Formula label="Shifted-beta-geometric (sBG)">
          Each subscriber has a chance of leaving at every renewal; those chances differ from one subscriber to another along a beta distribution with parameters α and β. The
          subscribers most likely to leave go first, so a cohort’s later renewals hold up better than its first. Projection: the share still renewing after k periods = B(α, β + k) ÷
          B(α, β). A cohort with too few renewals to fit has no projection.
        </Formula>
      </ReportCard>
    </Stack>
  );
}

const cohortName = (c: SubscriptionCohort, subs: Subscriptions) => (subs.period === 'year' ? c.cohort.slice(0, 4) : monthLabel(c.cohort));

/** One cohort at a time (the largest one fitted first): still renewing, and the projection. */
function CohortChart({ subs }: { subs: Subscriptions }) {
  const fitted = subs.cohorts.filter((c) => c.params);
  const largest = [...(fitted.length > 0 ? fitted : subs.cohorts)].sort((a, b) => b.subscribers - a.subscribers)[0];
  const [chosen, setChosen] = useState<string | null>(null);
  const c = subs.cohorts.find((x) => x.cohort === chosen) ?? largest;
  if (!c) return <Text c="dimmed">No subscriber has renewed yet.</Text>;
  const unit = subs.period === 'year' ? 'Year' : 'Month';
  const length = Math.max(c.actual.length, c.projected.length);
  const data = Array.from({ length }, (_, k) => ({ period: `${unit} ${k}`, actual: toPercent(c.actual[k]), projected: toPercent(c.projected[k]) }));
  const seen = c.actual.filter((x): x is number => x !== null && x !== undefined);
  const last = seen[seen.length - 1];
  return (
    <ReportCard
      testId="subscription-cohort"
      title="Subscribers still renewing"
      description={`Subscribers by the ${subs.period} of their first payment (the event “${subs.event}”): the share still renewing ${subs.period} after ${subs.period}, and where the model expects the cohort to go over the next 12.`}
      actions={
        <Select
          aria-label="Cohort"
          size="xs"
          w={170}
          data={subs.cohorts.map((x) => ({ value: x.cohort, label: `${cohortName(x, subs)} (${count(x.subscribers)})` }))}
          value={c.cohort}
          onChange={setChosen}
          allowDeselect={false}
        />
      }
    >
      <Text fz="sm" mb="sm">
        {cohortName(c, subs)}: {count(c.subscribers)} subscribers
        {last !== undefined ? `; ${pct(last)} still renewing after ${plural(seen.length - 1, subs.period)}` : ''}.{c.params ? '' : ' Too few renewals yet for a projection.'}
      </Text>
      <LineChart
        h={260}
        data={data}
        dataKey="period"
        series={[
          { name: 'actual', label: 'Still renewing', color: 'cyan.6' },
          ...(c.params ? [{ name: 'projected', label: 'Projected', color: 'violet.6', strokeDasharray: '6 4' }] : []),
        ]}
        curveType="monotone"
        connectNulls={false}
        valueFormatter={percent}
        withLegend
        legendProps={{ verticalAlign: 'bottom', height: 40 }}
        xAxisProps={{ minTickGap: 16 }}
        yAxisProps={{ width: 48, domain: [0, 100] }}
        gridAxis="y"
      />
      {c.params && (
        <Text fz="xs" c="dimmed" mt="xs">
          The model of this cohort: α = {sig(c.params.alpha)}, β = {sig(c.params.beta)}.
        </Text>
      )}
    </ReportCard>
  );
}

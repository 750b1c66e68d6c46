// How far the models can be trusted, checked on the shop's own orders: fitted on a first
// period only, they predicted the repeat orders of the period after (the holdout), which they
// had not seen. The verdict in words; the classic tracking plot (cumulative repeat orders week
// by week, made and predicted, with the holdout marked); made against predicted per group of
// customers by their repeat orders before; and, folded away, the parameters of each model.
import { BarChart, LineChart } from '@mantine/charts';
import { Accordion, Badge, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconMathFunction } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { MIN_CUSTOMERS, MIN_HISTORY_DAYS, MIN_REPEAT_BUYERS, VERDICT_LIMITS } from '../../../src/retention/definitions.ts';
import { count, dayLabel, DASH, pct, plural } from '../reports/format.ts';
import { DataTable, Formula, ReportCard } from '../reports/parts.tsx';
import type { FitResult, HoldoutCheck, ModelFit } from './model.ts';
import { useRetention } from './RetentionPage.tsx';
import { VERDICT_COLORS, VERDICT_LABELS } from './words.ts';

/** A figure of a model to 4 significant digits ("0.2425", "4.414", "12.08"). */
const sig = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? DASH : Number(x.toPrecision(4)).toLocaleString('en', { maximumFractionDigits: 6 }));
const perCustomer = (total: number, customers: number) => (customers > 0 ? total / customers : 0);
const two = (x: number) => x.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function QualityTab() {
  const { current } = useRetention();
  const r = current.result;
  const check = r.check;
  return (
    <Stack gap="lg">
      <VerdictCard r={r} />
      {r.verdict !== 'too_little_data' && check && (
        <>
          <Tracking check={check} />
          <Groups check={check} />
        </>
      )}
      {r.verdict !== 'too_little_data' && <Parameters r={r} />}
    </Stack>
  );
}

function VerdictCard({ r }: { r: FitResult }) {
  const check = r.check;
  const thin = r.verdict === 'too_little_data';
  const error = check?.total.error ?? null;
  return (
    <Card data-testid="verdict">
      <Group gap="sm" mb="xs" wrap="nowrap" align="flex-start">
        <Badge size="lg" color={VERDICT_COLORS[r.verdict]} variant={thin ? 'light' : 'filled'} style={{ flexShrink: 0 }} data-testid="verdict-badge">
          {VERDICT_LABELS[r.verdict]}
        </Badge>
        <Title order={2} fz="lg" lh={1.35} data-testid="verdict-text">
          {r.verdictText}
        </Title>
      </Group>
      {thin ? (
        <Stack gap={6} mt="sm">
          <Text fz="sm" c="dimmed">
            Until there is enough, Rapport shows no chances, expected orders or lifetime values: only the RFM scores and health, which need no model. The models are fitted again
            every night as orders come in.
          </Text>
          <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="xs" mt="xs">
            <Need label="Customers" have={r.customers} need={MIN_CUSTOMERS} />
            <Need label="With a second order" have={r.repeatBuyers} need={MIN_REPEAT_BUYERS} />
            <Need label="Days of history" have={r.historyDays} need={MIN_HISTORY_DAYS} />
          </SimpleGrid>
        </Stack>
      ) : check ? (
        <Text fz="sm" c="dimmed" lh={1.6}>
          Rapport checked the model on your own orders: it learnt from the orders up to {dayLabel(check.calibrationEnd)} only, then predicted how many repeat orders those{' '}
          {count(check.customers)} customers would place in the {plural(check.holdoutDays, 'day')} after, which it had not seen. It predicted{' '}
          <Text span fw={600} c="dark">
            {count(check.total.predicted)}
          </Text>
          ; they placed{' '}
          <Text span fw={600} c="dark">
            {count(check.total.actual)}
          </Text>
          {error !== null && (error === 0 ? ', exactly as predicted' : `: the prediction was ${pct(Math.abs(error))} too ${error > 0 ? 'high' : 'low'}`)}. Within {pct(VERDICT_LIMITS.good, 0)} is good,
          within {pct(VERDICT_LIMITS.fair, 0)} fair.
        </Text>
      ) : (
        <Text fz="sm" c="dimmed">
          The check could not be run: too few customers ordered twice before the holdout period.
        </Text>
      )}
    </Card>
  );
}

function Need({ label, have, need }: { label: string; have: number; need: number }) {
  const ok = have >= need;
  return (
    <Group gap={8} wrap="nowrap" p="xs" style={{ border: '1px solid var(--mantine-color-gray-2)', borderRadius: 'var(--mantine-radius-md)' }}>
      <Badge size="sm" color={ok ? 'teal' : 'orange'} variant="light" style={{ flexShrink: 0 }}>
        {ok ? 'Enough' : 'Not yet'}
      </Badge>
      <Text fz="sm">
        {label}: {count(have)} (needs {count(need)})
      </Text>
    </Group>
  );
}

function Tracking({ check }: { check: HoldoutCheck }) {
  const data = check.tracking.map((p) => ({ day: dayLabel(p.day), actual: p.actual, predicted: Math.round(p.predicted) }));
  // The first point in the holdout period carries the marker (points are weeks).
  const marker = check.tracking.find((p) => p.day > check.calibrationEnd);
  return (
    <ReportCard
      testId="tracking"
      title="Repeat orders week by week, made and predicted"
      description={`The repeat orders of the customers who had ordered by ${dayLabel(check.calibrationEnd)}, added up week by week. The model learnt from the orders left of the line; right of it, it predicted orders it had not seen. The closer the two lines, the better.`}
    >
      <LineChart
        h={300}
        data={data}
        dataKey="day"
        series={[
          { name: 'actual', label: 'Made', color: 'cyan.6' },
          { name: 'predicted', label: 'Predicted', color: 'violet.6', strokeDasharray: '6 4' },
        ]}
        curveType="monotone"
        withDots={false}
        valueFormatter={(v) => count(v)}
        withLegend
        legendProps={{ verticalAlign: 'bottom', height: 40 }}
        referenceLines={marker ? [{ x: dayLabel(marker.day), color: 'gray.6', label: 'Holdout', labelPosition: 'insideTopRight' }] : []}
        xAxisProps={{ minTickGap: 24 }}
        yAxisProps={{ width: 56 }}
        gridAxis="y"
        lineProps={{ strokeWidth: 2.25 }}
      />
      <DataTable
        label="Repeat orders week by week"
        head={['Week ending', 'Made (cumulative)', 'Predicted (cumulative)', 'Period']}
        rows={check.tracking.map((p) => [dayLabel(p.day), count(p.actual), count(p.predicted), p.day > check.calibrationEnd ? 'Holdout' : 'Learnt from'])}
        maxHeight={300}
      />
    </ReportCard>
  );
}

function Groups({ check }: { check: HoldoutCheck }) {
  const label = (x: number) => (x >= 7 ? '7+' : String(x));
  const data = check.groups.map((g) => ({ x: label(g.x), actual: Math.round(perCustomer(g.actual, g.customers) * 100) / 100, predicted: Math.round(perCustomer(g.predicted, g.customers) * 100) / 100 }));
  return (
    <ReportCard
      testId="groups"
      title="Repeat orders per customer in the holdout, by orders before"
      description={`Customers grouped by how many repeat orders they had placed by ${dayLabel(check.calibrationEnd)}; for each group, the repeat orders per customer in the ${plural(check.holdoutDays, 'day')} after, made and predicted. A good model is close in every group, not just in total.`}
    >
      <BarChart
        h={260}
        data={data}
        dataKey="x"
        series={[
          { name: 'actual', label: 'Made', color: 'cyan.6' },
          { name: 'predicted', label: 'Predicted', color: 'violet.4' },
        ]}
        valueFormatter={two}
        withLegend
        legendProps={{ verticalAlign: 'bottom', height: 40 }}
        xAxisLabel="Repeat orders before"
        yAxisProps={{ width: 48 }}
        gridAxis="y"
      />
      <DataTable
        label="Repeat orders per customer, by orders before"
        minWidth={640}
        head={['Repeat orders before', 'Customers', 'Made, per customer', 'Predicted, per customer', 'Made in all', 'Predicted in all']}
        rows={check.groups.map((g) => [label(g.x), count(g.customers), two(perCustomer(g.actual, g.customers)), two(perCustomer(g.predicted, g.customers)), count(g.actual), count(g.predicted)])}
      />
    </ReportCard>
  );
}

const NAMES: Record<string, string> = { alpha: 'α', beta: 'β' };
/** The published order of the parameters (the stored JSON keeps its own). */
const ORDER = ['r', 'alpha', 'a', 'b', 's', 'beta', 'p', 'q', 'v'];

function Parameters({ r }: { r: FitResult }) {
  const [open, setOpen] = useState<string | null>(null);
  const rows: ReactNode[][] = [];
  const add = (model: string, fit: ModelFit | null | undefined) => {
    if (!fit) return;
    const keys = Object.keys(fit.params).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    keys.forEach((k, i) => rows.push([i === 0 ? model : '', NAMES[k] ?? k, sig(fit.params[k]), sig(fit.se[k])]));
    rows.push(['', 'Log-likelihood', sig(fit.loglik), fit.converged ? 'converged' : 'did not converge']);
  };
  add('BG/NBD (how often, and when they stop)', r.bgnbd);
  add('Pareto/NBD (the same, another way)', r.paretonbd);
  const spend = r.spend.length > 0 ? r.spend : r.gammagamma ? [r.gammagamma] : [];
  for (const s of spend) add(`Gamma-Gamma spend, ${s.currency} (${count(s.customers)} customers)`, s);
  if (r.check) {
    for (const [key, name] of [
      ['paretonbd', 'Pareto/NBD'],
      ['bgnbd', 'BG/NBD'],
    ] as const) {
      const m = r.check.models[key];
      if (!m) continue;
      const model = `${name} of the check (orders up to ${dayLabel(r.check.calibrationEnd)}; predicted ${count(m.predicted)} orders after)`;
      Object.entries(m.params)
        .sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b))
        .forEach(([k, v], i) => rows.push([i === 0 ? model : '', NAMES[k] ?? k, sig(v), DASH]));
    }
  }
  return (
    <Card p={0} data-testid="parameters">
      <Accordion variant="default" chevronPosition="right" value={open} onChange={setOpen}>
        <Accordion.Item value="parameters" style={{ borderBottom: 0 }}>
          <Accordion.Control icon={<IconMathFunction size={18} stroke={1.6} />}>
            <Text fw={600}>Model parameters, for the curious</Text>
            <Text fz="xs" c="dimmed">
              Estimates, standard errors and log-likelihoods
            </Text>
          </Accordion.Control>
          <Accordion.Panel>
            {/* Drawn when opened: folded, it is nobody's business (and no table hides in a closed panel). */}
            {open === 'parameters' && (
              <>
                <DataTable label="Model parameters" minWidth={560} align={['left', 'left', 'right', 'right']} head={['Model', 'Parameter', 'Estimate', 'Standard error']} rows={rows} />
                <Formula>
                  Time is counted in weeks, as in the published models (Fader, Hardie &amp; Lee). BG/NBD and Pareto/NBD describe how often each customer buys and when they stop;
                  P(alive), the chance a customer has not stopped, comes from {r.scoringModel === 'bgnbd' ? 'BG/NBD' : 'Pareto/NBD'}, the model that predicted the
                  holdout period better (Pareto/NBD unless BG/NBD is clearly closer: under BG/NBD a customer who bought once keeps a 100% chance however long ago they bought). Gamma-Gamma describes how much they spend per order. A standard error left blank could not be
                  computed.
                </Formula>
              </>
            )}
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Card>
  );
}

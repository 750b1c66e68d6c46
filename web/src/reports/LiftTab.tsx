// Lift: for each workflow and broadcast with a holdout, did the contacts who got it convert more
// than those held out? Conversion, revenue per contact, the lift with its 95% interval, and a
// verdict in words. A small bar draws the interval against zero.
import { Badge, Box, Card, Group, Stack, Text, Tooltip } from '@mantine/core';
import { DEFINITIONS } from '../../../src/reports/definitions.ts';
import { count, money, pct } from './format.ts';
import { csvHref, type LiftResult, type LiftRow, useLiftQuery } from './model.ts';
import { AppLink, CsvButton, DataTable, Formula, QueryBody, ReportCard } from './parts.tsx';

/** A difference of two proportions in percentage points: "+2.4 pts". */
const points = (x: number | null) => (x === null ? '–' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} pts`);

export function LiftTab() {
  const query = useLiftQuery();
  return (
    <Stack gap="lg">
      <QueryBody query={query} label="Loading lift">
        {(r) => (r.items.length === 0 ? <NoHoldouts /> : <LiftTable r={r} />)}
      </QueryBody>
    </Stack>
  );
}

function NoHoldouts() {
  return (
    <Card py={40} data-testid="no-lift">
      <Text ta="center" c="dimmed" maw={620} mx="auto">
        Lift compares contacts who got a workflow or broadcast with contacts held out of it. None has a holdout yet: give a workflow a holdout in its settings, or set a control
        group in <AppLink to="/settings/email">Settings › Email</AppLink>.
      </Text>
    </Card>
  );
}

function LiftTable({ r }: { r: LiftResult }) {
  const scale = Math.max(0.001, ...r.items.flatMap((i) => (i.interval ? [Math.abs(i.interval.low), Math.abs(i.interval.high)] : [])));
  const currencies = [...new Set(r.items.flatMap((i) => i.revenue.map((x) => x.currency)))];
  return (
    <ReportCard
      testId="lift"
      title="Lift of workflows and broadcasts"
      description={`Contacts who got each one against contacts held out, converting within ${r.attributionDays} days unless the goal says otherwise. “Not yet” means the difference could still be chance: wait for more contacts.`}
      actions={<CsvButton href={csvHref('lift', '')} />}
    >
      <DataTable
        label="Lift"
        minWidth={960 + 170 * currencies.length}
        align={['left', 'right', 'right', 'right', 'left']}
        head={['Workflow or broadcast', 'Got it', 'Held out', 'Lift (95% interval)', 'Verdict', ...currencies.map((c) => `Revenue per contact, ${c}`)]}
        rows={r.items.map((i) => [
          <Stack gap={2} maw={280} style={{ whiteSpace: 'normal' }}>
            <Text fz="sm" fw={500} lineClamp={2}>
              {i.name}
            </Text>
            <Group gap={6} wrap="nowrap" align="flex-start">
              <Badge size="xs" color={i.kind === 'workflow' ? 'teal' : 'blue'} style={{ flexShrink: 0 }}>
                {i.kind === 'workflow' ? 'Workflow' : 'Broadcast'}
              </Badge>
              <Text fz="xs" c="dimmed" lh={1.3}>
                Goal: {i.goal}
              </Text>
            </Group>
          </Stack>,
          group(i.treated),
          group(i.holdout),
          <Stack gap={2} align="flex-end">
            <Text fz="sm" fw={600}>
              {points(i.absoluteLift)}
              {i.relativeLift !== null && (
                <Text span fz="xs" c="dimmed" fw={400}>
                  {' '}
                  ({i.relativeLift > 0 ? '+' : ''}
                  {pct(i.relativeLift)})
                </Text>
              )}
            </Text>
            <Text fz="xs" c="dimmed">
              {i.interval ? `${points(i.interval.low)} to ${points(i.interval.high)}` : 'no interval yet'}
            </Text>
            {i.interval && <IntervalBar low={i.interval.low} high={i.interval.high} lift={i.absoluteLift} scale={scale} />}
          </Stack>,
          <Stack gap={4} align="flex-start" maw={300} style={{ whiteSpace: 'normal' }}>
            <Tooltip label={i.pValue === null ? 'Not enough conversions to tell' : `p = ${i.pValue < 0.001 ? '< 0.001' : i.pValue.toFixed(3)}`}>
              <Badge color={i.significant ? 'teal' : 'gray'} variant={i.significant ? 'filled' : 'light'} data-testid="lift-badge" style={{ flexShrink: 0, overflow: 'visible' }}>
                {i.significant ? 'Significant' : 'Not yet'}
              </Badge>
            </Tooltip>
            <Text fz="sm" ta="left" lh={1.4}>
              {i.verdict}
            </Text>
          </Stack>,
          ...currencies.map((c) => revenue(i, c)),
        ])}
      />
      <Formula label={DEFINITIONS.lift.label}>{DEFINITIONS.lift.formula}</Formula>
    </ReportCard>
  );
}

const group = (g: LiftRow['treated']) => (
  <Stack gap={0} align="flex-end">
    <Text fz="sm" fw={500}>
      {pct(g.rate)}
    </Text>
    <Text fz="xs" c="dimmed">
      {count(g.converted)} of {count(g.contacts)}
    </Text>
  </Stack>
);

function revenue(i: LiftRow, currency: string) {
  const r = i.revenue.find((x) => x.currency === currency);
  if (!r) return '–';
  return `${money(r.treated, currency)} vs ${money(r.holdout, currency)}`;
}

/** The interval as a bar on a scale centred on zero, the lift as a dot. */
function IntervalBar({ low, high, lift, scale }: { low: number; high: number; lift: number | null; scale: number }) {
  const x = (v: number) => 50 + (v / scale) * 48;
  const color = low > 0 ? 'var(--mantine-color-teal-6)' : high < 0 ? 'var(--mantine-color-red-6)' : 'var(--mantine-color-gray-5)';
  return (
    <Box component="svg" viewBox="0 0 100 12" w={120} h={12} aria-hidden style={{ display: 'block' }}>
      <line x1={50} x2={50} y1={0} y2={12} stroke="var(--mantine-color-gray-4)" strokeWidth={1} />
      <rect x={x(low)} y={4} width={Math.max(1, x(high) - x(low))} height={4} rx={2} fill={color} />
      {lift !== null && <circle cx={x(lift)} cy={6} r={2.5} fill="var(--mantine-color-dark-6)" />}
    </Box>
  );
}

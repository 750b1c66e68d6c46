// The lift report: contacts who got the workflow against those held out of it, how many of each
// reached the goal, the difference with its 95% interval and p-value, the verdict in words,
// revenue per contact in each currency after entering, and how every number is computed.
import { Accordion, Alert, Box, Card, Group, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, LabelList, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { formatMoney } from '../../../src/shared/money.ts';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { type Report, type ReportPart, useReportQuery, type WorkflowDetail } from './model.ts';
import { eventWords } from './steps.ts';
import classes from './workflows.module.css';
import { Kpi } from '../components/Kpi.tsx';

const TREATED = 'Got the workflow';
const HELD = 'Held out (no emails)';
const HELD_HINT = 'Contacts held out at random: they went through the same waits but got no emails or other actions. They show what would have happened anyway.';

const n = (x: number) => x.toLocaleString('en');
const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toLocaleString('en', { maximumFractionDigits: 1 })}%`);
const points = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toLocaleString('en', { maximumFractionDigits: 1 })}`;

/** 95% Wilson interval of x of n, for each group's bar (the same interval the report's formulas state). */
function wilson(x: number, total: number): [number, number] {
  if (total === 0) return [0, 0];
  const z = 1.959964;
  const z2 = z * z;
  const centre = (x + z2 / 2) / (total + z2);
  const half = (z * Math.sqrt((x * (total - x)) / total + z2 / 4)) / (total + z2);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function pValueText(p: number | null): string {
  if (p === null) return '–';
  if (p < 0.001) return '< 0.001';
  return p.toLocaleString('en', { maximumSignificantDigits: 2 });
}

function goalText(goal: Report['goal']): string {
  if (!goal) return 'This workflow has no goal, so no one counts as converted. Give it one (Journey → Goal, exits, holdout) to measure it.';
  if (goal.kind === 'event_since_entry') return `Goal: ${eventWords(goal.event)} after entering${goal.where && goal.where.length > 0 ? ' (with its filters)' : ''}.`;
  return 'Goal: coming to match the goal’s conditions while in the workflow.';
}

export function ReportTab({ workflow }: { workflow: WorkflowDetail }) {
  const report = useReportQuery(workflow.id);
  const [version, setVersion] = useState<string>('all');
  if (report.isPending) {
    return (
      <Card>
        <LoadingBlock label="Loading the report" />
      </Card>
    );
  }
  if (report.isError) return <ErrorBlock error={report.error} onRetry={() => void report.refetch()} />;
  const r = report.data;
  if (r.versions.length === 0) {
    return (
      <Card>
        <Text fz="sm" c="dimmed">
          The report starts when the workflow is published and contacts enter it.
        </Text>
      </Card>
    );
  }
  const chosen = version === 'all' ? undefined : r.versions.find((v) => String(v.version) === version);
  const part: ReportPart = chosen ?? r.overall;
  return (
    <Stack gap="lg" data-testid="report">
      <Group justify="space-between" align="flex-end" gap="sm">
        <Stack gap={2}>
          <Text fz="sm">{goalText(chosen ? chosen.goal : r.goal)}</Text>
          <Text fz="xs" c="dimmed">
            {r.holdoutPercent > 0 ? `${r.holdoutPercent}% of contacts are held out.` : 'No one is held out, so there is nothing to compare with.'} Computed {formatDateTime(r.computedAt)}.
          </Text>
        </Stack>
        {r.versions.length > 1 && (
          <Select
            size="xs"
            w={220}
            aria-label="Which version"
            allowDeselect={false}
            value={version}
            onChange={(v) => v && setVersion(v)}
            data={[{ value: 'all', label: 'All versions' }, ...r.versions.map((v) => ({ value: String(v.version), label: `Version ${v.version} (from ${formatDate(v.publishedAt)})` }))]}
          />
        )}
      </Group>
      <LiftCard part={part} />
      <RevenueCard part={part} />
      <Accordion variant="contained" radius="md">
        <Accordion.Item value="formulas">
          <Accordion.Control icon={<IconInfoCircle size={18} />}>How these numbers are computed</Accordion.Control>
          <Accordion.Panel>
            <pre className={classes.formulas} data-testid="formulas">
              {r.formulas}
            </pre>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}

function LiftCard({ part }: { part: ReportPart }) {
  const { lift } = part;
  const bars = [
    { name: TREATED, side: lift.treated, color: 'var(--mantine-color-brand-5)' },
    { name: HELD, side: lift.holdout, color: 'var(--mantine-color-gray-5)' },
  ].map((b) => {
    const rate = b.side.rate ?? 0;
    const [low, high] = wilson(b.side.converted, b.side.contacts);
    return { name: b.name, color: b.color, rate: rate * 100, error: [(rate - low) * 100, (high - rate) * 100], label: b.side.rate === null ? 'no one yet' : pct(b.side.rate) };
  });
  const top = Math.max(5, ...bars.map((b) => b.rate + b.error[1]!));
  const tick = top <= 20 ? 5 : top <= 50 ? 10 : 20;
  const ceiling = Math.min(100, Math.ceil(top / tick) * tick);
  const ticks = Array.from({ length: Math.floor(ceiling / tick) + 1 }, (_, i) => i * tick);
  return (
    <Card>
      <Title order={2} fz="lg" mb={4}>
        Did it bring more contacts to the goal?
      </Title>
      <Box className={classes.verdict} my="md" data-testid="verdict">
        <Text fz="sm" lh={1.55}>
          {lift.verdict}
        </Text>
      </Box>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Box>
          <Text fz="sm" fw={600} mb={4}>
            Reached the goal, with the 95% range of each rate
          </Text>
          <Box h={240} data-testid="lift-chart" aria-label={`Reached the goal: ${TREATED} ${bars[0]!.label}, ${HELD} ${bars[1]!.label}`} role="img">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={bars} margin={{ top: 24, right: 8, bottom: 0, left: -12 }}>
                <CartesianGrid vertical={false} stroke="var(--mantine-color-gray-2)" />
                <XAxis dataKey="name" tick={{ fontSize: 12, fill: 'var(--mantine-color-gray-7)' }} tickLine={false} axisLine={{ stroke: 'var(--mantine-color-gray-3)' }} interval={0} />
                <YAxis domain={[0, ceiling]} ticks={ticks} tickFormatter={(v: number) => `${v}%`} tick={{ fontSize: 11, fill: 'var(--mantine-color-gray-6)' }} tickLine={false} axisLine={false} />
                <Bar dataKey="rate" radius={[4, 4, 0, 0]} maxBarSize={90} isAnimationActive={false}>
                  {bars.map((b) => (
                    <Cell key={b.name} fill={b.color} />
                  ))}
                  <ErrorBar dataKey="error" width={10} strokeWidth={1.5} stroke="var(--mantine-color-dark-4)" direction="y" isAnimationActive={false} />
                  <LabelList
                    dataKey="label"
                    content={(p) => (
                      // Beside the range's line, not across it.
                      <text x={Number(p.x) + Number(p.width) / 2 + 8} y={Number(p.y) - 6} fontSize={12} fontWeight={600} fill="var(--mantine-color-dark-6)">
                        {p.value}
                      </text>
                    )}
                  />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </Box>
          <Text fz="xs" c="dimmed">
            The thin lines show where each rate probably lies (95%): with few contacts they are wide.
          </Text>
        </Box>
        <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm" style={{ alignContent: 'start' }}>
          <Kpi captionBelow testId="treated" label={TREATED} value={pct(lift.treated.rate)} caption={`${n(lift.treated.converted)} of ${n(lift.treated.contacts)} contacts`} />
          <Kpi captionBelow testId="holdout" label={HELD} value={pct(lift.holdout.rate)} caption={`${n(lift.holdout.converted)} of ${n(lift.holdout.contacts)} contacts`} hint={HELD_HINT} />
          <Kpi
            testId="absolute"
            label="Difference"
            value={lift.absoluteLift === null ? '–' : `${points(lift.absoluteLift)} points`}
            caption={lift.interval ? `95% range: ${points(lift.interval.low)} to ${points(lift.interval.high)} points` : 'Needs contacts in both groups'}
            hint="Percentage points: the share that reached the goal among those who got the workflow, minus the share among those held out."
          />
          <Kpi
            testId="relative"
            label="Relative lift"
            value={lift.relativeLift === null ? '–' : `${lift.relativeLift > 0 ? '+' : lift.relativeLift < 0 ? '−' : ''}${Math.abs(lift.relativeLift * 100).toLocaleString('en', { maximumFractionDigits: 0 })}%`}
            caption={
              lift.relativeLift === null
                ? 'Needs conversions among those held out'
                : lift.relativeLift >= 0
                  ? 'more reached the goal than without it'
                  : 'fewer reached the goal than without it'
            }
          />
          <Kpi
            testId="pvalue"
            label="p-value"
            value={pValueText(lift.pValue)}
            caption={lift.significant ? 'A real difference (below 0.05)' : 'Not enough to be sure yet'}
            hint="How likely a difference at least this big would be if the workflow changed nothing. Below 0.05, with enough contacts, the difference is taken as real."
          />
        </SimpleGrid>
      </SimpleGrid>
    </Card>
  );
}

function RevenueCard({ part }: { part: ReportPart }) {
  return (
    <Card>
      <Title order={2} fz="lg" mb={4}>
        Revenue per contact after entering
      </Title>
      <Text fz="sm" c="dimmed" mb="md">
        Orders placed after each contact first entered, divided by all the contacts of the group (buyers or not). Each currency on its own.
      </Text>
      {part.revenue.length === 0 ? (
        <Alert variant="light" color="gray">
          No orders since entering, in either group.
        </Alert>
      ) : (
        <Stack gap="md" data-testid="revenue">
          {part.revenue.map((row) => {
            const money = (minor: number | null) => (minor === null ? '–' : formatMoney(minor, row.currency, 'en-GB'));
            const side = (label: string, x: typeof row.treated) => (
              <Box className={classes.kpi}>
                <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
                  {label}
                </Text>
                <Text fz={20} fw={650} lh={1.3} mt={2}>
                  {money(x.perContact)}{' '}
                  <Text span fz="xs" c="dimmed" fw={400}>
                    per contact
                  </Text>
                </Text>
                <Text fz="xs" c="dimmed">
                  {money(x.revenue)} from {n(x.orders)} {x.orders === 1 ? 'order' : 'orders'} by {n(x.buyers)} of {n(x.contacts)} contacts
                </Text>
              </Box>
            );
            const d = row.perContactDifference;
            return (
              <Box key={row.currency}>
                <Text fz="sm" fw={650} mb={6}>
                  In {row.currency}
                </Text>
                <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
                  {side(TREATED, row.treated)}
                  {side(HELD, row.holdout)}
                  <Box className={classes.kpi}>
                    <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em">
                      Difference
                    </Text>
                    <Text fz={20} fw={650} lh={1.3} mt={2} c={d === null ? 'dimmed' : d > 0 ? 'teal.8' : d < 0 ? 'red.8' : undefined}>
                      {d === null ? '–' : `${d > 0 ? '+' : d < 0 ? '−' : ''}${money(Math.abs(d))}`}{' '}
                      <Text span fz="xs" c="dimmed" fw={400}>
                        per contact
                      </Text>
                    </Text>
                    <Text fz="xs" c="dimmed">
                      {d === null ? 'Needs contacts in both groups' : d >= 0 ? 'more with the workflow than without' : 'less with the workflow than without'}
                    </Text>
                  </Box>
                </SimpleGrid>
              </Box>
            );
          })}
        </Stack>
      )}
    </Card>
  );
}

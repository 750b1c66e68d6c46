// A survey's results: the score (NPS with its 95% range, CSAT or CES), responses, the response
// rate from sent to opened to answered, partial answers; how the answers split into promoters,
// passives and detractors (or satisfied… / easy…); every score's count; the score over time by
// week or month with its range; the results of the other questions; and what the open answers
// say (sentiment and the most frequent words, per group). Among everyone or the members of a
// segment, over a period.
import { Anchor, Badge, Box, Card, Group, Progress, SegmentedControl, Select, SimpleGrid, Stack, Text, Title, Tooltip as MantineTooltip } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Area, Bar, BarChart, CartesianGrid, Cell, ComposedChart, ErrorBar, LabelList, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { bandOf, scaleOf } from '../../../src/surveys/scores.ts';
import { Kpi } from '../components/Kpi.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { useSegmentsQuery } from '../segments/model.ts';
import { mainOf } from './editor.ts';
import {
  bandColor,
  bandFill,
  bandLabel,
  bandsOfKind,
  bandShort,
  formatCount as n,
  type QuestionResult,
  type Results,
  type ResultsFilter,
  type SurveyDetail,
  type SurveyKind,
  signed,
  useResultsQuery,
} from './model.ts';

const pct = (x: number | null, digits = 0) => (x === null ? '–' : `${(x * 100).toLocaleString('en', { maximumFractionDigits: digits })}%`);
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

const PERIODS = [
  { value: 'all', label: 'All time' },
  { value: '365', label: 'Last 12 months' },
  { value: '90', label: 'Last 90 days' },
  { value: '30', label: 'Last 30 days' },
];

export function ResultsTab({ survey }: { survey: SurveyDetail }) {
  const [filter, setFilter] = useState<ResultsFilter>({ interval: 'month', segmentId: null, days: null });
  const results = useResultsQuery(survey.id, filter);
  const segments = useSegmentsQuery();
  const kind = results.data?.kind ?? survey.kind;
  const segmentOptions = [
    { group: 'Segments', items: (segments.data?.items ?? []).filter((s) => s.kind === 'segment').map((s) => ({ value: s.id, label: s.name })) },
    { group: 'Lists', items: (segments.data?.items ?? []).filter((s) => s.kind === 'list').map((s) => ({ value: s.id, label: s.name })) },
  ].filter((g) => g.items.length > 0);

  return (
    <Stack gap="lg" data-testid="results">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          label={kind === 'nps' ? 'NPS among' : 'Results among'}
          placeholder="Everyone who answered"
          data={segmentOptions}
          value={filter.segmentId}
          onChange={(v) => setFilter((f) => ({ ...f, segmentId: v }))}
          clearable
          searchable
          w={260}
          maw="100%"
          data-testid="segment-filter"
        />
        <Select
          label="Answers from"
          data={PERIODS}
          value={filter.days === null ? 'all' : String(filter.days)}
          onChange={(v) => setFilter((f) => ({ ...f, days: !v || v === 'all' ? null : Number(v) }))}
          allowDeselect={false}
          w={180}
        />
      </Group>
      {survey.state === 'draft' && (
        <Text fz="sm" c="dimmed">
          This survey is a draft: it takes no answers yet. Activate it on the Send tab.
        </Text>
      )}
      {results.isPending ? (
        <Card>
          <LoadingBlock label="Loading the results" />
        </Card>
      ) : results.isError ? (
        <ErrorBlock error={results.error} onRetry={() => void results.refetch()} />
      ) : (
        <ResultsBody survey={survey} r={results.data} filter={filter} onInterval={(interval) => setFilter((f) => ({ ...f, interval }))} />
      )}
    </Stack>
  );
}

function ResultsBody({ survey, r, filter, onInterval }: { survey: SurveyDetail; r: Results; filter: ResultsFilter; onInterval: (i: 'week' | 'month') => void }) {
  const main = mainOf(survey.content.questions);
  const mainResult = (main && r.questions.find((q) => q.key === main.key)) ?? r.questions.find((q) => q.type === r.kind);
  const others = r.questions.filter((q) => q !== mainResult && q.type !== 'text');
  return (
    <>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" verticalSpacing="sm">
        <HeadlineKpi r={r} />
        <Kpi testId="responses" label="Responses" value={n(r.responses.total)} captionBelow caption={`${n(r.responses.complete)} complete`} hint="Everyone who gave at least one answer, whether they finished or not." />
        <Kpi
          testId="rate"
          label="Response rate"
          value={pct(r.funnel.responseRate === null ? null : r.funnel.responseRate / 100, 1)}
          captionBelow
          caption={`${n(r.funnel.sent)} sent → ${n(r.funnel.opened)} opened → ${n(r.funnel.answered)} answered`}
          hint="Of the invitations sent by email, how many were answered. Opened counts people, not mail scanners or privacy proxies."
        />
        <Kpi testId="partial" label="Partial answers" value={n(r.responses.partial)} captionBelow caption="stopped before the end" hint="Responses with some answers but not all: their answers count in the results." />
      </SimpleGrid>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <SplitCard kind={r.kind} r={r} mainResult={mainResult} />
        <FunnelCard r={r} />
      </SimpleGrid>

      {mainResult && main && (main.type === 'nps' || main.type === 'csat' || main.type === 'ces') && <DistributionCard q={mainResult} type={main.type} />}

      {r.kind !== 'custom' && <TrendCard r={r} interval={filter.interval} onInterval={onInterval} />}

      {others.length > 0 && (
        <Card>
          <Title order={2} fz="lg" mb="md">
            The other questions
          </Title>
          <Stack gap="xl">
            {others.map((q) => (
              <QuestionBars key={q.key} q={q} />
            ))}
          </Stack>
        </Card>
      )}

      <TextCard survey={survey} r={r} />
    </>
  );
}

function HeadlineKpi({ r }: { r: Results }) {
  if (r.kind === 'nps') {
    const f = r.nps;
    const ci = f?.ci95;
    const half = ci && f?.nps !== null && f?.nps !== undefined ? Math.round((ci[1] - ci[0]) / 2) : null;
    return (
      <Kpi
        testId="headline"
        label="Net Promoter Score"
        value={f?.nps === null || f?.nps === undefined ? '–' : signed(f.nps)}
        captionBelow
        caption={ci && half !== null ? `± ${half} (95% range ${signed(ci[0])} to ${signed(ci[1])})` : f && f.n > 0 ? `from ${n(f.n)} answer` : 'no answers yet'}
        hint="% promoters (9–10) minus % detractors (0–6), from −100 to +100. The range says where the score probably lies; with few answers it is wide."
      />
    );
  }
  if (r.kind === 'csat') {
    return (
      <Kpi
        testId="headline"
        label="Satisfied (CSAT)"
        value={r.csat?.percent == null ? '–' : `${Math.round(r.csat.percent)}%`}
        captionBelow
        caption={r.csat && r.csat.n > 0 ? `${n(r.csat.satisfied)} of ${n(r.csat.n)} answered 4 or 5` : 'no answers yet'}
        hint="The share of answers of 4 or 5 out of 5."
      />
    );
  }
  if (r.kind === 'ces') {
    return (
      <Kpi
        testId="headline"
        label="Ease (CES)"
        value={r.ces?.mean == null ? '–' : r.ces.mean.toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}
        captionBelow
        caption={r.ces && r.ces.n > 0 ? `average of ${n(r.ces.n)} answers, out of 7` : 'no answers yet'}
        hint="The average answer from 1 (strongly disagree that it was easy) to 7 (strongly agree)."
      />
    );
  }
  return <Kpi testId="headline" label="Completed" value={n(r.responses.complete)} captionBelow caption="answered to the end" />;
}

/** Answers per group of the main question: from the server's NPS counts, or its scores' counts. */
function splitOf(kind: SurveyKind, r: Results, q: QuestionResult | undefined): { band: string; count: number }[] {
  if (kind === 'nps' && r.nps) return [
    { band: 'promoter', count: r.nps.promoters },
    { band: 'passive', count: r.nps.passives },
    { band: 'detractor', count: r.nps.detractors },
  ];
  const bands = bandsOfKind(kind);
  if (bands.length === 0 || !q || (kind !== 'csat' && kind !== 'ces')) return [];
  return bands.map((band) => ({
    band,
    count: q.counts.filter((c) => typeof c.value === 'number' && bandOf(kind, c.value) === band).reduce((s, c) => s + c.count, 0),
  }));
}

function SplitCard({ kind, r, mainResult }: { kind: SurveyKind; r: Results; mainResult: QuestionResult | undefined }) {
  const split = splitOf(kind, r, mainResult);
  const total = split.reduce((s, x) => s + x.count, 0);
  if (split.length === 0) return <Card>{<Text fz="sm" c="dimmed">A custom survey has no score to split its answers by.</Text>}</Card>;
  return (
    <Card data-testid="split">
      <Title order={2} fz="lg" mb={4}>
        {kind === 'nps' ? 'Promoters, passives and detractors' : kind === 'csat' ? 'How satisfied they are' : 'How easy they found it'}
      </Title>
      <Text fz="sm" c="dimmed" mb="md">
        {total === 0 ? 'No answers yet.' : `${n(total)} ${total === 1 ? 'answer' : 'answers'} to the score question.`}
      </Text>
      <Progress.Root size={28} radius="md" aria-label="How the answers split">
        {total === 0 ? (
          <Progress.Section value={100} color="gray.2" />
        ) : (
          split.map((x) =>
            x.count > 0 ? (
              <MantineTooltip key={x.band} label={`${bandLabel(x.band, kind)}: ${n(x.count)} (${pct(share(x.count, total))})`}>
                <Progress.Section value={(x.count / total) * 100} color={bandColor(x.band) === 'yellow' ? 'yellow.5' : `${bandColor(x.band)}.6`}>
                  <Progress.Label>{pct(share(x.count, total))}</Progress.Label>
                </Progress.Section>
              </MantineTooltip>
            ) : null,
          )
        )}
      </Progress.Root>
      <Stack gap={6} mt="md">
        {split.map((x) => (
          <Group key={x.band} justify="space-between" gap="xs" wrap="nowrap">
            <Group gap={8} wrap="nowrap">
              <Box w={12} h={12} style={{ borderRadius: 3, background: bandFill(x.band), flexShrink: 0 }} />
              <Text fz="sm">{bandLabel(x.band, kind)}</Text>
            </Group>
            <Text fz="sm" fw={600} style={{ whiteSpace: 'nowrap' }}>
              {n(x.count)}{' '}
              <Text span fz="xs" c="dimmed" fw={400}>
                {pct(share(x.count, total))}
              </Text>
            </Text>
          </Group>
        ))}
      </Stack>
    </Card>
  );
}

function FunnelCard({ r }: { r: Results }) {
  const { sent, opened, answered } = r.funnel;
  const rows = [
    { label: 'Sent', count: sent, of: null as number | null, color: 'gray.5' },
    { label: 'Opened', count: opened, of: share(opened, sent), color: 'blue.5' },
    { label: 'Answered', count: answered, of: share(answered, sent), color: 'orange.6' },
  ];
  return (
    <Card data-testid="funnel">
      <Title order={2} fz="lg" mb={4}>
        From invitation to answer
      </Title>
      <Text fz="sm" c="dimmed" mb="md">
        {sent === 0 ? 'No invitations sent by email yet. Answers through the open link or the API are not part of this.' : 'Invitations sent by email, opened by a person, and answered.'}
      </Text>
      <Stack gap="sm">
        {rows.map((x) => (
          <Box key={x.label}>
            <Group justify="space-between" gap="xs" mb={4}>
              <Text fz="sm">{x.label}</Text>
              <Text fz="sm" fw={600}>
                {n(x.count)}{' '}
                {x.of !== null && (
                  <Text span fz="xs" c="dimmed" fw={400}>
                    {pct(x.of, 1)} of sent
                  </Text>
                )}
              </Text>
            </Group>
            <Progress value={sent > 0 ? (x.count / sent) * 100 : 0} color={x.color} size="md" aria-label={x.label} />
          </Box>
        ))}
      </Stack>
    </Card>
  );
}

function DistributionCard({ q, type }: { q: QuestionResult; type: 'nps' | 'csat' | 'ces' }) {
  const { min, max } = scaleOf(type);
  const data = Array.from({ length: max - min + 1 }, (_, i) => {
    const value = min + i;
    const count = q.counts.find((c) => c.value === value || c.value === String(value))?.count ?? 0;
    return { value: String(value), count, band: bandOf(type, value) };
  });
  const total = data.reduce((s, d) => s + d.count, 0);
  return (
    <Card data-testid="distribution">
      <Title order={2} fz="lg" mb={4}>
        Every score
      </Title>
      <Text fz="sm" c="dimmed" mb="md">
        How many answered each score{type === 'nps' ? ', from 0 (not at all likely) to 10 (extremely likely)' : type === 'csat' ? ', from 1 (very dissatisfied) to 5 (very satisfied)' : ', from 1 (strongly disagree it was easy) to 7 (strongly agree)'}.
      </Text>
      {total === 0 ? (
        <Text fz="sm" c="dimmed">
          No answers yet.
        </Text>
      ) : (
        <Box h={220} role="img" aria-label={`Answers per score: ${data.map((d) => `${d.value}: ${d.count}`).join(', ')}`}>
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 20, right: 8, bottom: 0, left: -20 }}>
              <CartesianGrid vertical={false} stroke="var(--mantine-color-gray-2)" />
              <XAxis dataKey="value" tick={{ fontSize: 12, fill: 'var(--mantine-color-gray-7)' }} tickLine={false} axisLine={{ stroke: 'var(--mantine-color-gray-3)' }} interval={0} />
              <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--mantine-color-gray-6)' }} tickLine={false} axisLine={false} />
              <Bar dataKey="count" radius={[3, 3, 0, 0]} maxBarSize={48} isAnimationActive={false}>
                {data.map((d) => (
                  <Cell key={d.value} fill={bandFill(d.band)} />
                ))}
                <LabelList dataKey="count" position="top" fontSize={11} fill="var(--mantine-color-gray-7)" formatter={(v: unknown) => (Number(v) > 0 ? n(Number(v)) : '')} />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </Box>
      )}
    </Card>
  );
}

const monthFormat = new Intl.DateTimeFormat('en', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const dayFormat = new Intl.DateTimeFormat('en', { day: 'numeric', month: 'short', timeZone: 'UTC' });
/** "Nov 2026" for a month, "30 Nov" for the week starting then. */
function periodLabel(period: string, interval: 'week' | 'month'): string {
  const d = new Date(`${period.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return period;
  return interval === 'month' ? monthFormat.format(d) : dayFormat.format(d);
}

function TrendCard({ r, interval, onInterval }: { r: Results; interval: 'week' | 'month'; onInterval: (i: 'week' | 'month') => void }) {
  const kind = r.kind;
  const data = r.trend.map((t) => ({
    period: periodLabel(t.period, interval),
    n: t.n,
    value: t.value,
    range: t.ci95 ?? undefined,
    // The interval as whiskers too: a band needs two points to show.
    error: t.ci95 && t.value !== null ? [t.value - t.ci95[0], t.ci95[1] - t.value] : undefined,
  }));
  const withValues = data.filter((d) => d.value !== null);
  const domain: [number, number] = kind === 'nps' ? [-100, 100] : kind === 'csat' ? [0, 100] : [1, 7];
  const title = kind === 'nps' ? 'NPS over time' : kind === 'csat' ? 'Satisfaction over time' : 'Ease over time';
  const format = (v: number) => (kind === 'nps' ? signed(v) : kind === 'csat' ? `${Math.round(v)}%` : v.toLocaleString('en', { maximumFractionDigits: 1 }));
  return (
    <Card data-testid="trend">
      <Group justify="space-between" align="flex-start" gap="sm" mb="md">
        <Stack gap={2} style={{ flex: '1 1 260px' }}>
          <Title order={2} fz="lg">
            {title}
          </Title>
          <Text fz="sm" c="dimmed">
            {kind === 'nps' ? 'By the day each answer came. The whiskers (and the shaded band) show the 95% range: wide when a period has few answers.' : 'By the day each answer came.'}
          </Text>
        </Stack>
        <SegmentedControl
          size="xs"
          value={interval}
          onChange={(v) => onInterval(v as 'week' | 'month')}
          data={[
            { value: 'week', label: 'By week' },
            { value: 'month', label: 'By month' },
          ]}
          aria-label="Period of each point"
        />
      </Group>
      {withValues.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No answers in this period yet.
        </Text>
      ) : (
        <Box h={260} role="img" aria-label={`${title}: ${withValues.map((d) => `${d.period} ${format(d.value!)}`).join(', ')}`}>
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -16 }}>
              <CartesianGrid vertical={false} stroke="var(--mantine-color-gray-2)" />
              <XAxis dataKey="period" tick={{ fontSize: 11, fill: 'var(--mantine-color-gray-7)' }} tickLine={false} axisLine={{ stroke: 'var(--mantine-color-gray-3)' }} minTickGap={16} />
              <YAxis domain={domain} tickFormatter={format} tick={{ fontSize: 11, fill: 'var(--mantine-color-gray-6)' }} tickLine={false} axisLine={false} />
              {kind === 'nps' && <ReferenceLine y={0} stroke="var(--mantine-color-gray-4)" />}
              <Tooltip
                formatter={(value: unknown, name: unknown) => {
                  if (name === 'range' && Array.isArray(value)) return [`${format(Number(value[0]))} to ${format(Number(value[1]))}`, '95% range'];
                  if (name === 'error') return null;
                  return [value === null || value === undefined ? '–' : format(Number(value)), kind === 'nps' ? 'NPS' : kind === 'csat' ? 'Satisfied' : 'Ease'];
                }}
                labelFormatter={(label: unknown, payload: readonly { payload?: { n?: number } }[]) => `${String(label)} · ${n(payload?.[0]?.payload?.n ?? 0)} answers`}
              />
              {withValues.length > 1 && <Area dataKey="range" stroke="none" fill="var(--mantine-color-orange-1)" fillOpacity={0.8} isAnimationActive={false} connectNulls />}
              <Line dataKey="value" stroke="var(--mantine-color-orange-7)" strokeWidth={2} dot={{ r: 3.5, fill: 'var(--mantine-color-orange-7)' }} isAnimationActive={false} connectNulls>
                <ErrorBar dataKey="error" width={8} strokeWidth={1.5} stroke="var(--mantine-color-orange-4)" direction="y" isAnimationActive={false} />
              </Line>
            </ComposedChart>
          </ResponsiveContainer>
        </Box>
      )}
    </Card>
  );
}

function QuestionBars({ q }: { q: QuestionResult }) {
  const max = Math.max(1, ...q.counts.map((c) => c.count));
  return (
    <Box data-testid="question-result">
      <Group justify="space-between" gap="xs" align="flex-start" mb={6}>
        <Text fz="sm" fw={600} style={{ flex: '1 1 240px' }}>
          {q.title}
        </Text>
        <Text fz="xs" c="dimmed">
          {n(q.answered)} answered{q.mean !== null ? ` · average ${q.mean.toLocaleString('en', { maximumFractionDigits: 2 })}` : ''}
        </Text>
      </Group>
      {q.answered === 0 ? (
        <Text fz="sm" c="dimmed">
          No answers yet.
        </Text>
      ) : (
        <Stack gap={4}>
          {q.counts.map((c) => (
            <Group key={String(c.value)} gap="sm" wrap="nowrap">
              <Text fz="sm" w={160} lineClamp={1} style={{ flexShrink: 0 }} title={c.label}>
                {c.label}
              </Text>
              <Progress value={(c.count / max) * 100} color="orange.5" size="lg" style={{ flex: 1 }} aria-label={c.label} />
              <Text fz="sm" w={80} ta="right" style={{ flexShrink: 0 }}>
                {n(c.count)}{' '}
                <Text span fz="xs" c="dimmed">
                  {pct(share(c.count, q.answered))}
                </Text>
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Box>
  );
}

function TextCard({ survey, r }: { survey: SurveyDetail; r: Results }) {
  const groups = r.text.filter((g) => g.answers > 0);
  return (
    <Card data-testid="open-answers">
      <Group justify="space-between" gap="sm" align="flex-start" mb={4}>
        <Title order={2} fz="lg">
          What they wrote
        </Title>
        <Anchor component={Link} to={`/surveys/${survey.id}/responses?withText=1`} fz="sm" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
          Read the answers <IconArrowRight size={14} />
        </Anchor>
      </Group>
      <Text fz="sm" c="dimmed" mb="md">
        The tone of each open answer (English answers only: others are marked, not scored) and the words that come up most.
      </Text>
      {groups.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No written answers yet.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, sm: Math.min(3, groups.length) }} spacing="md">
          {groups.map((g) => (
            <Box key={g.band} p="sm" style={{ border: '1px solid var(--mantine-color-gray-2)', borderRadius: 'var(--mantine-radius-md)' }} data-testid="text-group">
              <Group justify="space-between" gap="xs" mb={6}>
                <Text fz="sm" fw={650} c={g.band === 'all' ? undefined : `${bandColor(g.band)}.8`}>
                  {bandShort(g.band)}
                </Text>
                <Text fz="xs" c="dimmed">
                  {n(g.answers)} {g.answers === 1 ? 'answer' : 'answers'}
                </Text>
              </Group>
              <Group gap={6} mb="xs">
                {g.positive > 0 && <Badge color="teal">{n(g.positive)} positive</Badge>}
                {g.neutral > 0 && <Badge color="gray">{n(g.neutral)} neutral</Badge>}
                {g.negative > 0 && <Badge color="red">{n(g.negative)} negative</Badge>}
                {g.unscored > 0 && (
                  <Badge color="gray" variant="outline">
                    {n(g.unscored)} not scored (other languages)
                  </Badge>
                )}
              </Group>
              {g.terms.length > 0 && (
                <>
                  <Text fz="xs" c="dimmed" mb={4}>
                    Words that come up most
                  </Text>
                  <Group gap={4}>
                    {g.terms.slice(0, 12).map((t) => (
                      <Badge key={t.term} variant="default" fw={500}>
                        {t.term} <Text span fz={10} c="dimmed">×{n(t.count)}</Text>
                      </Badge>
                    ))}
                  </Group>
                </>
              )}
              {g.band !== 'all' && (
                <Anchor component={Link} to={`/surveys/${survey.id}/responses?withText=1&band=${encodeURIComponent(g.band)}`} fz="xs" mt="xs" display="block">
                  Read what {bandShort(g.band).toLowerCase()} wrote
                </Anchor>
              )}
            </Box>
          ))}
        </SimpleGrid>
      )}
    </Card>
  );
}

// The program at a glance: members, the points they hold (and what those are worth when a point
// has a value), whether every balance checks out against the ledger; points issued, spent,
// expired, taken back and adjusted month by month; members per tier over time; rewards
// redeemed; and what coupons did, by campaign and channel, each currency on its own.
import { BarChart, LineChart } from '@mantine/charts';
import { Alert, Anchor, Card, List, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconCircleDashed } from '@tabler/icons-react';
import { Link } from 'react-router-dom';
import { Kpi } from '../components/Kpi.tsx';
import { channelText } from '../coupons/words.ts';
import { count, DASH, money, monthLabel, plural, shortDay } from '../reports/format.ts';
import { DataTable, Formula, QueryBody, ReportCard } from '../reports/parts.tsx';
import { useLoyalty } from './LoyaltyPage.tsx';
import { type LoyaltyReport, useLoyaltyReportQuery } from './model.ts';
import { signed } from './words.ts';

const TIER_COLORS = ['gray.5', 'grape.4', 'yellow.6', 'cyan.6', 'teal.6', 'violet.6', 'orange.6', 'pink.6'];

export function OverviewTab() {
  const report = useLoyaltyReportQuery();
  return (
    <Stack gap="lg">
      <NextSteps />
      <QueryBody query={report} label="Loading the report">
        {(r) => (
          <>
            <Figures r={r} />
            <Months r={r} />
            <Coupons r={r} />
            <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
              <Rewards r={r} />
              <TierSizes r={r} />
            </SimpleGrid>
          </>
        )}
      </QueryBody>
    </Stack>
  );
}

/** What is still missing for points to be earned and spent. */
function NextSteps() {
  const { overview } = useLoyalty();
  const steps = [
    { done: overview.rules.some((r) => r.active), text: 'Add an earning rule: how many points an order or an action gives', to: '/loyalty/rules' },
    { done: overview.tiers.length > 0, text: 'Add tiers, such as Silver and Gold (optional)', to: '/loyalty/tiers' },
    { done: overview.rewards.some((r) => r.active), text: 'Add a reward customers spend their points on', to: '/loyalty/rewards' },
  ];
  if (steps.every((s) => s.done)) return null;
  return (
    <Card data-testid="next-steps">
      <Text fw={650} mb="sm">
        To finish setting up the program
      </Text>
      <List spacing="xs" center>
        {steps.map((s) => (
          <List.Item
            key={s.to}
            icon={
              <ThemeIcon color={s.done ? 'teal' : 'gray'} variant="light" size={22} radius="xl">
                {s.done ? <IconCircleCheck size={15} /> : <IconCircleDashed size={15} />}
              </ThemeIcon>
            }
          >
            {s.done ? (
              <Text fz="sm" c="dimmed" td="line-through">
                {s.text}
              </Text>
            ) : (
              <Anchor component={Link} to={s.to} fz="sm">
                {s.text}
              </Anchor>
            )}
          </List.Item>
        ))}
      </List>
    </Card>
  );
}

function Figures({ r }: { r: LoyaltyReport }) {
  const problems = r.check.problems;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        <Kpi testId="members" label="Members" value={count(r.members)} hint="Customers who have earned points." />
        <Kpi testId="outstanding" label="Points held" value={count(r.outstanding)} caption={r.pending > 0 ? `${count(r.pending)} pending` : undefined} captionBelow hint="Points members hold and may still spend, pending points included." />
        <Kpi
          testId="liability"
          label="Worth"
          value={r.liability ? money(r.liability.minor, r.liability.currency) : DASH}
          caption={r.liability ? 'what the points held would cost you' : 'set a value per point in Settings'}
          captionBelow
        />
        <Kpi testId="check" label="Balances check" value={problems === 0 ? 'OK' : count(problems)} caption={problems === 0 ? 'every balance adds up' : problems === 1 ? 'problem' : 'problems'} captionBelow />
      </SimpleGrid>
      {problems === 0 ? (
        <Text fz="sm" c="teal.8" data-testid="ledger-check">
          <IconCircleCheck size={15} style={{ verticalAlign: -2 }} /> All balances check out: every member’s points were recomputed from each point earned, spent, expired and taken back.
        </Text>
      ) : (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={`${plural(problems, 'balance')} ${problems === 1 ? 'does' : 'do'} not add up`} data-testid="ledger-check">
          Recomputed from the record of every point earned and spent, {problems === 1 ? 'a balance differs' : 'some balances differ'} from what is stored. That record is kept whole, so no
          point is lost; please tell whoever runs Rapport for you.
        </Alert>
      )}
    </Stack>
  );
}

const SERIES = [
  { name: 'issued', label: 'Earned', color: 'grape.5' },
  { name: 'spent', label: 'Spent', color: 'teal.5' },
  { name: 'expired', label: 'Expired', color: 'gray.5' },
  { name: 'reversed', label: 'Taken back', color: 'red.4' },
  { name: 'adjusted', label: 'By hand', color: 'yellow.6' },
] as const;

function Months({ r }: { r: LoyaltyReport }) {
  // Only what happened: a program without expiry has no "Expired" bars.
  const series = SERIES.filter((x) => r.months.some((m) => m[x.name] !== 0));
  const data = r.months.map((m) => ({ month: monthLabel(`${m.month}-01`), issued: m.issued, spent: m.spent, expired: m.expired, reversed: m.reversed, adjusted: m.adjusted }));
  return (
    <ReportCard testId="months" title="Points month by month" description="Points earned by members, spent on rewards, expired, taken back for refunds, and added or removed by hand.">
      {data.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No points yet: they show here once members earn them.
        </Text>
      ) : (
        <>
          <BarChart
            h={260}
            data={data}
            dataKey="month"
            series={series}
            valueFormatter={(v) => count(v)}
            maxBarWidth={44}
            withLegend
            // In the order of the series (recharts sorts by name otherwise).
            legendProps={{ verticalAlign: 'bottom', height: series.length > 3 ? 64 : 44, itemSorter: null }}
            yAxisProps={{ width: 56 }}
            gridAxis="y"
          />
          <DataTable
            label="Points month by month"
            minWidth={600}
            head={['Month', 'Earned', 'Spent', 'Expired', 'Taken back', 'By hand']}
            rows={[...r.months].reverse().map((m) => [monthLabel(`${m.month}-01`), count(m.issued), count(m.spent), count(m.expired), count(m.reversed), signed(m.adjusted)])}
          />
        </>
      )}
    </ReportCard>
  );
}

function TierSizes({ r }: { r: LoyaltyReport }) {
  const { overview } = useLoyalty();
  if (overview.tiers.length === 0) return null;
  // The tiers from the lowest up, then any counted under a name since changed.
  const names = [...new Set([...[...overview.tiers].sort((a, b) => a.threshold - b.threshold).map((t) => t.name), ...r.tiers.map((t) => t.tier)])];
  const days = [...new Set(r.tiers.map((t) => t.day))];
  const data = days.map((day) => ({ day: shortDay(day), ...Object.fromEntries(names.map((n) => [n, r.tiers.find((t) => t.day === day && t.tier === n)?.members ?? 0])) }));
  const last = days[days.length - 1];
  return (
    <ReportCard testId="tier-sizes" title="Members per tier" description="Counted once a day.">
      {days.length === 0 ? (
        <Text fz="sm" c="dimmed">
          The first count is taken within the hour; the chart grows day by day from then on.
        </Text>
      ) : (
        <>
          {days.length > 1 && (
            <LineChart
              h={240}
              data={data}
              dataKey="day"
              series={names.map((n, i) => ({ name: n, color: TIER_COLORS[i % TIER_COLORS.length]! }))}
              withLegend
              legendProps={{ verticalAlign: 'bottom', height: 40 }}
              withDots={false}
              valueFormatter={(v) => count(v)}
              yAxisProps={{ width: 48 }}
              gridAxis="y"
            />
          )}
          <DataTable label="Members per tier" head={['Tier', `Members on ${shortDay(last!)}`]} rows={names.map((n) => [n, count(r.tiers.find((t) => t.day === last && t.tier === n)?.members ?? 0)])} />
        </>
      )}
    </ReportCard>
  );
}

function Rewards({ r }: { r: LoyaltyReport }) {
  return (
    <ReportCard testId="rewards-report" title="Rewards redeemed">
      {r.rewards.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No rewards yet.
        </Text>
      ) : (
        <DataTable label="Rewards redeemed" minWidth={300} head={['Reward', 'Redeemed', 'Points spent']} rows={r.rewards.map((x) => [x.name, count(x.redeemed), count(x.points)])} />
      )}
    </ReportCard>
  );
}

function Coupons({ r }: { r: LoyaltyReport }) {
  return (
    <ReportCard testId="coupons-report" title="Coupons used" description="By campaign and the channel each code was shared through; amounts in each currency on their own.">
      {r.coupons.length === 0 ? (
        <Text fz="sm" c="dimmed">
          No coupon used yet.
        </Text>
      ) : (
        <>
          <DataTable
            label="Coupons used"
            minWidth={640}
            head={['Campaign', 'Channel', 'Used', 'Orders', 'Discounts', 'Codes given']}
            rows={r.coupons.map((c) => [
              <Anchor key="c" component={Link} to={`/coupons/${c.campaignId}`} fz="sm" fw={500}>
                {c.campaignName}
              </Anchor>,
              channelText(c.channel, c.channelDetail),
              count(c.redemptions),
              money(c.orders, c.currency),
              money(c.discount, c.currency),
              count(c.issued),
            ])}
          />
          <Formula>Orders: what the orders that used a code came to before the discount. A campaign used in several currencies has a row for each.</Formula>
        </>
      )}
    </ReportCard>
  );
}

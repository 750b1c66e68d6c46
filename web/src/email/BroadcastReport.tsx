// A broadcast's report: who got it, who opened and clicked (machine prefetches left out), who
// left, opens and clicks over time, and the links people clicked.
import '@mantine/charts/styles.css';
import { AreaChart } from '@mantine/charts';
import { Anchor, Box, Card, SimpleGrid, Table, Text } from '@mantine/core';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { FollowUpMenu } from './FollowUpMenu.tsx';
import { type BroadcastReport, useReportQuery } from './model.ts';
import { Kpi } from '../components/Kpi.tsx';

const n = (x: number) => x.toLocaleString('en');
const pct = (x: number) => `${(x * 100).toLocaleString('en', { maximumFractionDigits: 1 })}%`;
const hourFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });

export function BroadcastReportView({ id, live }: { id: string; live: boolean }) {
  const report = useReportQuery(id, true, live);
  if (report.isPending) {
    return (
      <Card>
        <LoadingBlock label="Loading the report" />
      </Card>
    );
  }
  if (report.isError) return <ErrorBlock error={report.error} onRetry={() => void report.refetch()} />;
  return <Report id={id} r={report.data} />;
}

const MAX_BUCKETS = 400;
const HOUR = 3_600_000;

/**
 * The timeline with its empty minutes (or hours) filled in, and one on either side, so that the
 * chart shows the shape of the engagement rather than a few dots. The server counts per hour
 * once opens and clicks span more than three hours, per minute before.
 */
export function filledTimeline(points: BroadcastReport['timeline']): { at: string; opens: number; clicks: number }[] {
  const label = (t: number) => hourFormat.format(new Date(t));
  const times = points.map((p) => Date.parse(p.at));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const step = last - first > 3 * HOUR ? HOUR : 60_000;
  if (points.length === 0 || (last - first) / step + 3 > MAX_BUCKETS) return points.map((p, i) => ({ at: label(times[i]!), opens: p.opens, clicks: p.clicks }));
  const byTime = new Map(points.map((p, i) => [times[i]!, p]));
  const out: { at: string; opens: number; clicks: number }[] = [];
  for (let t = first - step; t <= last + step; t += step) {
    const p = byTime.get(t);
    out.push({ at: label(t), opens: p?.opens ?? 0, clicks: p?.clicks ?? 0 });
  }
  return out;
}

function Report({ id, r }: { id: string; r: BroadcastReport }) {
  const timeline = filledTimeline(r.timeline);
  return (
    <>
      <Card>
        <SectionHeader
          title="Report"
          description="Unique opens and clicks count each contact once. Opens by mail-privacy proxies and link scanners are left out."
          actions={r.delivered > 0 ? <FollowUpMenu broadcastId={id} /> : undefined}
        />
        <SimpleGrid type="container" cols={{ base: 2, '520px': 3, '820px': 5 }} spacing="sm" data-testid="report-kpis">
          <Kpi testId="recipients" label="Recipients" value={n(r.recipients)} hint="Contacts in the audience when the send started." />
          <Kpi testId="delivered" label="Delivered" value={n(r.delivered)} hint="Sent and not bounced since." />
          <Kpi testId="bounced" label="Bounced" value={n(r.bounced)} />
          <Kpi testId="unique-opens" label="Unique opens" value={n(r.uniqueOpens)} />
          <Kpi testId="open-rate" label="Open rate" value={pct(r.openRate)} hint="Unique opens out of delivered messages." />
          <Kpi testId="unique-clicks" label="Unique clicks" value={n(r.uniqueClicks)} />
          <Kpi testId="ctr" label="CTR" value={pct(r.clickThroughRate)} hint="Click-through rate: unique clicks out of delivered messages." />
          <Kpi testId="unsubscribes" label="Unsubscribes" value={n(r.unsubscribes)} />
          <Kpi testId="complaints" label="Complaints" value={n(r.complaints)} hint="Marked as spam by the recipient." />
          <Kpi testId="prefetch" label="Prefetch opens" value={n(r.prefetchOpens)} caption="left out" hint="Opens by Apple Mail Privacy Protection and link scanners: machines, not people. Left out of opens and rates." />
        </SimpleGrid>
        {(r.failed > 0 || r.suppressed > 0) && (
          <Text fz="xs" c="dimmed" mt="sm">
            Not sent: {n(r.failed)} failed, {n(r.suppressed)} left out (unsubscribed, bounced or complained before).
          </Text>
        )}
      </Card>
      <Card>
        <SectionHeader title="Opens and clicks over time" description="Per minute while they span three hours or less, per hour after that." />
        {timeline.length === 0 ? (
          <Text fz="sm" c="dimmed" py="xl" ta="center">
            No opens or clicks yet.
          </Text>
        ) : (
          <AreaChart
            h={260}
            data={timeline}
            dataKey="at"
            series={[
              { name: 'opens', label: 'Opens', color: 'blue.6' },
              { name: 'clicks', label: 'Clicks', color: 'teal.6' },
            ]}
            curveType="monotone"
            withLegend
            legendProps={{ verticalAlign: 'top', height: 40 }}
            gridAxis="y"
            tickLine="none"
            withDots={timeline.length < 40}
            fillOpacity={0.25}
            data-testid="engagement-chart"
          />
        )}
      </Card>
      <Card p={0}>
        <Box p="lg" pb={0}>
          <SectionHeader title="Links" description="What people clicked, most clicked first." />
        </Box>
        {r.links.length === 0 ? (
          <Text fz="sm" c="dimmed" p="lg" pt={0}>
            No clicks yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={520} type="native">
            <Table verticalSpacing={10} horizontalSpacing="lg" aria-label="Links">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Link</Table.Th>
                  <Table.Th w={130} ta="right">
                    Clicks
                  </Table.Th>
                  <Table.Th w={150} ta="right">
                    Unique clicks
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {[...r.links]
                  .sort((a, b) => b.clicks - a.clicks)
                  .map((l) => (
                    <Table.Tr key={l.url}>
                      <Table.Td maw={560}>
                        {/^https?:\/\//i.test(l.url) ? (
                          <Anchor href={l.url} target="_blank" rel="noopener noreferrer nofollow" fz="sm" style={{ wordBreak: 'break-all' }} lineClamp={1}>
                            {l.url}
                          </Anchor>
                        ) : (
                          // Only web addresses become links (never javascript: and the like).
                          <Text fz="sm" lineClamp={1} style={{ wordBreak: 'break-all' }}>
                            {l.url}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">{n(l.clicks)}</Table.Td>
                      <Table.Td ta="right">{n(l.uniqueClicks)}</Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </>
  );
}

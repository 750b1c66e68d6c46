// Email performance over a period: the totals, sends, opens and clicks over time, each
// campaign and template (opens by people and by machines side by side; revenue attributed to
// the emails in each currency, with the attribution window stated), and the links clicked most.
import { LineChart } from '@mantine/charts';
import { Anchor, Badge, Card, SimpleGrid, Stack, Text } from '@mantine/core';
import { DEFINITIONS } from '../../../src/reports/definitions.ts';
import { Kpi } from '../components/Kpi.tsx';
import { count, fillWindow, money, pct, periodLabel, spanLabel } from './format.ts';
import { csvHref, type EmailResult, type EmailRow, useEmailReportQuery } from './model.ts';
import { AppLink, CsvButton, DataTable, Formula, QueryBody, ReportCard } from './parts.tsx';
import { PeriodPicker } from './PeriodPicker.tsx';
import { PERIOD_DEFAULTS, periodQueryString, useUrlState } from './url.ts';

const KIND_LABELS: Record<EmailRow['kind'], string> = { total: 'Total', broadcast: 'Broadcast', workflow: 'Workflow', template: 'Template', other: 'Other' };

const revenueText = (row: EmailRow) => (row.revenue.length === 0 ? '–' : row.revenue.map((x) => money(x.amount, x.currency)).join(' · '));

export function EmailTab() {
  const [s, set] = useUrlState(PERIOD_DEFAULTS);
  const qs = periodQueryString(s);
  const query = useEmailReportQuery(qs ?? 'range=90d');
  return (
    <Stack gap="lg">
      <PeriodPicker state={s} set={set} shown={query.data?.period} />
      <QueryBody query={query} label="Loading email performance">
        {(r) => (r.total.sent === 0 ? <NoEmail r={r} /> : <EmailReport r={r} csv={qs ? csvHref('email', qs) : undefined} />)}
      </QueryBody>
    </Stack>
  );
}

function NoEmail({ r }: { r: EmailResult }) {
  return (
    <Card py={40} data-testid="no-email">
      <Text ta="center" c="dimmed">
        No email was sent from {spanLabel(r.period.from, r.period.to)}. <AppLink to="/email/broadcasts">Send a broadcast</AppLink> or start a workflow to see how your emails do.
      </Text>
    </Card>
  );
}

function EmailReport({ r, csv }: { r: EmailResult; csv?: string }) {
  const t = r.total;
  const grain = r.bucketDays === 1 ? 'day' : r.bucketDays === 7 ? 'week' : 'month';
  const series = r.series.map((p) => ({ ...p, label: periodLabel(p.start, 'day') }));
  return (
    <>
      <ReportCard
        testId="email-totals"
        title="All email"
        description={`Messages sent from ${spanLabel(r.period.from, r.period.to)}. Opens and clicks count people: opens by mail scanners and privacy proxies are shown apart and left out of the rates.`}
        actions={csv && <CsvButton href={csv} />}
      >
        <SimpleGrid type="container" cols={{ base: 2, '520px': 3, '820px': 5 }} spacing="sm">
          <Kpi testId="sent" label="Sent" value={count(t.sent)} caption={`${count(t.delivered)} delivered`} captionBelow />
          <Kpi testId="open-rate" label="Open rate" value={pct(t.openRate)} caption={`${count(t.humanOpens)} opened by people`} captionBelow hint={DEFINITIONS.openRate.formula} />
          <Kpi testId="click-rate" label="Click rate" value={pct(t.clickRate)} caption={`${count(t.clicks)} clicked`} captionBelow hint={DEFINITIONS.clickRate.formula} />
          <Kpi testId="ctor" label="Click-to-open" value={pct(t.clickToOpenRate)} caption="of those who opened" captionBelow hint="Messages clicked ÷ messages opened by a person." />
          <Kpi testId="revenue" label="Revenue attributed" value={t.revenue.length === 0 ? '–' : money(t.revenue[0]!.amount, t.revenue[0]!.currency)} caption={t.revenue.length > 1 ? t.revenue.slice(1).map((x) => money(x.amount, x.currency)).join(' · ') : `${r.attributionDays}-day window`} captionBelow hint={fillWindow(DEFINITIONS.attributedRevenue.formula, 'A', r.attributionDays)} />
          <Kpi testId="bounced" label="Bounced" value={count(t.bounced)} caption={pct(t.sent > 0 ? t.bounced / t.sent : null)} captionBelow />
          <Kpi testId="machine-opens" label="Machine opens" value={count(t.machineOpens)} caption="left out of opens" captionBelow hint="Messages opened only by mail scanners or privacy proxies (such as Apple Mail Privacy Protection), not by a person." />
          <Kpi testId="unsubscribes" label="Unsubscribes" value={count(t.unsubscribes)} caption={pct(t.delivered > 0 ? t.unsubscribes / t.delivered : null)} captionBelow />
          <Kpi testId="complaints" label="Complaints" value={count(t.complaints)} caption="marked as spam" captionBelow />
        </SimpleGrid>
      </ReportCard>

      <ReportCard testId="email-series" title="Over time" description={`Per ${grain}: messages sent and delivered, opened by people and by machines, and clicked.`}>
        <LineChart
          h={260}
          data={series}
          dataKey="label"
          series={[
            { name: 'sent', label: 'Sent', color: 'gray.6' },
            { name: 'delivered', label: 'Delivered', color: 'blue.6' },
            { name: 'humanOpens', label: 'Opened by people', color: 'cyan.6' },
            { name: 'machineOpens', label: 'Opened by machines', color: 'gray.4', strokeDasharray: '4 4' },
            { name: 'clicks', label: 'Clicked', color: 'violet.6' },
          ]}
          curveType="monotone"
          withDots={false}
          valueFormatter={(v) => count(v)}
          withLegend
          legendProps={{ verticalAlign: 'bottom', height: 50 }}
          yAxisProps={{ width: 48 }}
          gridAxis="y"
        />
        <DataTable
          label="Email over time"
          minWidth={620}
          maxHeight={320}
          head={[grain === 'day' ? 'Day' : 'From', 'Sent', 'Delivered', 'Opened by people', 'Opened by machines', 'Clicked']}
          rows={r.series.map((p) => [periodLabel(p.start, 'day'), count(p.sent), count(p.delivered), count(p.humanOpens), count(p.machineOpens), count(p.clicks)])}
        />
      </ReportCard>

      <RowsCard testId="email-campaigns" title="Campaigns" description="Each broadcast and workflow." rows={r.campaigns} attributionDays={r.attributionDays} />
      <RowsCard testId="email-templates" title="Templates" description="The same figures per template, whatever sent it." rows={r.templates} attributionDays={r.attributionDays} />

      <ReportCard testId="email-links" title="Links clicked most" description="Clicks by people; unique clicks count each message once. Unsubscribe and preference links are left out.">
        {r.links.length === 0 ? (
          <Text c="dimmed" fz="sm">
            No link was clicked in this period.
          </Text>
        ) : (
          <DataTable
            label="Links clicked most"
            minWidth={420}
            head={['Link', 'Clicks', 'Unique clicks']}
            rows={r.links.map((l) => [
              <Anchor key={l.url} href={l.url} target="_blank" rel="noopener noreferrer" fz="sm" style={{ display: 'inline-block', maxWidth: 420, overflow: 'hidden', textOverflow: 'ellipsis', verticalAlign: 'bottom' }}>
                {l.url}
              </Anchor>,
              count(l.clicks),
              count(l.uniqueClicks),
            ])}
          />
        )}
      </ReportCard>
    </>
  );
}

function RowsCard({ testId, title, description, rows, attributionDays }: { testId: string; title: string; description: string; rows: EmailRow[]; attributionDays: number }) {
  return (
    <ReportCard testId={testId} title={title} description={description}>
      {rows.length === 0 ? (
        <Text c="dimmed" fz="sm">
          Nothing sent in this period.
        </Text>
      ) : (
        <DataTable
          label={title}
          minWidth={1180}
          maxHeight={480}
          head={['Name', 'Sent', 'Delivered', 'Bounced', 'Opened by people', 'Opened by machines', 'Clicked', 'Open rate', 'Click rate', 'Click-to-open', 'Unsubscribed', 'Complaints', `Revenue (${attributionDays} days)`]}
          rows={rows.map((row) => [
            <Stack key={row.id ?? row.name} gap={0}>
              <Text fz="sm" fw={500} lineClamp={1} maw={260}>
                {row.name}
              </Text>
              <Badge size="xs" color="gray" w="fit-content">
                {KIND_LABELS[row.kind]}
              </Badge>
            </Stack>,
            count(row.sent),
            count(row.delivered),
            count(row.bounced),
            count(row.humanOpens),
            count(row.machineOpens),
            count(row.clicks),
            pct(row.openRate),
            pct(row.clickRate),
            pct(row.clickToOpenRate),
            count(row.unsubscribes),
            count(row.complaints),
            revenueText(row),
          ])}
        />
      )}
      <Formula label={DEFINITIONS.attributedRevenue.label}>{fillWindow(DEFINITIONS.attributedRevenue.formula, 'A', attributionDays)} Change the window in Report settings.</Formula>
    </ReportCard>
  );
}

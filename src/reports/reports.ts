// The reports as the API serves them: the workspace's settings, time zone and today, the
// period or span asked for (defaults: the last 90 days, the last 12 months), the currency.
import type { z } from 'zod';
import type { SqlSession } from '../db/client.ts';
import { conflict, invalid } from '../errors.ts';
import { linkOrderDays, pendingOrderLinks } from '../purchases/order-days.ts';
import type { AppContext } from '../server/context.ts';
import { churnReportOf } from './churn.ts';
import { cohortsOf, type Breakdown, type CohortBy } from './cohorts.ts';
import type { ChurnResult, CohortResult, DashboardResult, EmailResult, LiftResult, RevenueResult, SegmentsResult, cohortQuery, periodQuery, revenueQuery, segmentsQuery, spanQuery } from './contract.ts';
import { dashboardOf } from './dashboard.ts';
import { addDays, addPeriods, dayIn, periodOf, periodStart } from '../shared/days.ts';
import { emailReportOf } from './email.ts';
import { liftTableOf } from './lift.ts';
import { revenueCohortsOf, revenueRetentionOf } from './revenue.ts';
import { segmentSizesOf } from './segments.ts';
import { reportSettingsOf } from './settings.ts';

/**
 * Above this many customers to link (an order history just imported), a report does not wait
 * for the links: it says they are being prepared, and the every-minute job links them.
 */
export const LINK_IN_REQUEST_MAX = 20_000;

/** The workspace's settings, time zone and today; the links of its order days brought up to date first. */
export async function reportScope(ctx: AppContext, workspaceId: string) {
  const pending = await pendingOrderLinks(ctx.db, workspaceId, LINK_IN_REQUEST_MAX + 1);
  if (pending > LINK_IN_REQUEST_MAX)
    throw conflict(
      'Your order history is being prepared for reports (more than 20,000 customers changed at once, usually an import). This takes about a minute per 500,000 customers; try again shortly.',
      undefined,
      'reports_preparing',
    );
  if (pending > 0) await linkOrderDays(ctx.db, workspaceId);
  const s = await reportSettingsOf(ctx.db, workspaceId);
  return { ...s, workspaceId, today: dayIn(ctx.clock.now(), s.timezone) };
}

/** The last 12 months up to today unless a span is given. */
function spanOf(today: string, q: z.output<typeof spanQuery>): { from: string; to: string } {
  const to = q.to ?? today;
  const from = q.from ?? addPeriods(periodStart(to, 'month'), -11, 'month');
  if (from > to) throw invalid('bad_span', 'The first day must be on or before the last day.', [{ path: 'from', message: 'must be on or before to' }]);
  return { from, to };
}

export async function dashboardReport(ctx: AppContext, workspaceId: string, q: z.output<typeof periodQuery>): Promise<DashboardResult> {
  const s = await reportScope(ctx, workspaceId);
  return dashboardOf(ctx.db, s, periodOf(q.range, s.today, q.from, q.to));
}

export async function cohortReport(ctx: AppContext, workspaceId: string, q: z.output<typeof cohortQuery>): Promise<CohortResult> {
  const s = await reportScope(ctx, workspaceId);
  const { from, to } = spanOf(s.today, q);
  let by: CohortBy = { kind: 'first_order' };
  if (q.by === 'first_event') {
    if (!q.event) throw invalid('event_required', 'Choose the event whose first time starts a cohort.', [{ path: 'event', message: 'required when by is first_event' }]);
    by = { kind: 'first_event', event: q.event };
  } else if (q.by === 'contact_created') by = { kind: 'contact_created' };
  let breakdown: Breakdown = { kind: 'none' };
  if (q.breakdown === 'segment') {
    if (!q.segmentId) throw invalid('segment_required', 'Choose the segment to split cohorts by.', [{ path: 'segmentId', message: 'required when breakdown is segment' }]);
    await segmentExists(ctx.db, workspaceId, q.segmentId);
    breakdown = { kind: 'segment', segmentId: q.segmentId };
  } else if (q.breakdown === 'property') {
    if (!q.property) throw invalid('property_required', 'Choose the contact property to split cohorts by.', [{ path: 'property', message: 'required when breakdown is property' }]);
    breakdown = { kind: 'property', key: q.property };
  }
  const [cohorts, has] = await Promise.all([
    cohortsOf(ctx.db, { workspaceId, timezone: s.timezone, grain: q.grain, from, to, by, breakdown }),
    hasOrders(ctx.db, workspaceId),
  ]);
  return { ...cohorts, from: periodStart(from, q.grain), hasOrders: has };
}

export async function revenueReport(ctx: AppContext, workspaceId: string, q: z.output<typeof revenueQuery>): Promise<RevenueResult> {
  const s = await reportScope(ctx, workspaceId);
  const { from, to } = spanOf(s.today, q);
  const currencies = await currenciesOf(ctx.db, workspaceId);
  const currency = q.currency ?? currencies[0] ?? null;
  const base = { from, to, currencies, currency, grain: q.grain, retentionGrain: q.retention };
  if (currency === null) return { ...base, cohorts: [], retention: [] };
  const scope = { workspaceId, currency, from, to };
  const [cohorts, retention] = await Promise.all([revenueCohortsOf(ctx.db, scope, q.grain), revenueRetentionOf(ctx.db, scope, q.retention)]);
  return { ...base, cohorts, retention };
}

export async function churnReport(ctx: AppContext, workspaceId: string, q: z.output<typeof spanQuery>): Promise<ChurnResult> {
  const s = await reportScope(ctx, workspaceId);
  const { from, to } = spanOf(s.today, q);
  const r = await churnReportOf(ctx.db, { workspaceId, timezone: s.timezone, activeDays: s.activeDays, from, to });
  return { from, to, activeDays: s.activeDays, ...r };
}

export async function emailReport(ctx: AppContext, workspaceId: string, q: z.output<typeof periodQuery>): Promise<EmailResult> {
  const s = await reportScope(ctx, workspaceId);
  return emailReportOf(ctx.db, s, periodOf(q.range, s.today, q.from, q.to));
}

export async function liftTable(ctx: AppContext, workspaceId: string): Promise<LiftResult> {
  const s = await reportScope(ctx, workspaceId);
  return liftTableOf(ctx, workspaceId, s.attributionDays);
}

/** Segment sizes per day over the last 90 days unless a span is given. */
export async function segmentsReport(ctx: AppContext, workspaceId: string, q: z.output<typeof segmentsQuery>): Promise<SegmentsResult> {
  const s = await reportScope(ctx, workspaceId);
  const to = q.to ?? s.today;
  const from = q.from ?? addDays(to, -89);
  if (from > to) throw invalid('bad_span', 'The first day must be on or before the last day.', [{ path: 'from', message: 'must be on or before to' }]);
  const ids = q.ids?.split(',').map((x) => x.trim()).filter(Boolean);
  if (ids && ids.length > 8) throw invalid('too_many_segments', 'Compare at most 8 segments at once.', [{ path: 'ids', message: 'at most 8' }]);
  if (ids?.some((id) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)))
    throw invalid('bad_segment_id', 'Segment ids are UUIDs separated by commas.', [{ path: 'ids', message: 'must be segment ids separated by commas' }]);
  return segmentSizesOf(ctx.db, workspaceId, from, to, ids);
}

/** The workspace's order currencies, most orders first. */
export async function currenciesOf(db: SqlSession, workspaceId: string): Promise<string[]> {
  const rows = await db.query<{ currency: string }>(
    'select currency from contact_purchases where workspace_id = $1 group by currency order by sum(orders) desc, currency',
    [workspaceId],
  );
  return rows.map((r) => r.currency);
}

async function hasOrders(db: SqlSession, workspaceId: string): Promise<boolean> {
  const [r] = await db.query<{ has: boolean }>('select exists (select 1 from contact_purchases where workspace_id = $1 and orders > 0) as has', [workspaceId]);
  return r?.has ?? false;
}

async function segmentExists(db: SqlSession, workspaceId: string, id: string): Promise<void> {
  const [r] = await db.query('select 1 from segments where workspace_id = $1 and id = $2', [workspaceId, id]);
  if (!r) throw invalid('unknown_segment', 'There is no such segment in this workspace.', [{ path: 'segmentId', message: 'not a segment of this workspace' }]);
}


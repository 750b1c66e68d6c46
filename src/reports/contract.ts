// Requests and responses of the reports API (/api/v1/reports…). The web app imports the types.
import { z } from 'zod';
import { lift } from '../workflows/contract.ts';
import { DASHBOARD_TILES } from './definitions.ts';
import { parseDay, RANGES } from '../shared/days.ts';

const day = z.string().refine((s) => parseDay(s) !== undefined, 'must be a day written YYYY-MM-DD');

/** The period of a report: a named range ending today, or from and to (both included). */
export const periodQuery = z
  .object({
    range: z.enum(RANGES as ['30d', '90d', '365d', 'custom']).default('90d'),
    from: day.optional(),
    to: day.optional(),
  })
  .superRefine((q, c) => {
    if (q.range !== 'custom') return;
    if (!q.from) c.addIssue({ code: 'custom', path: ['from'], message: 'a custom period needs its first day (from)' });
    if (!q.to) c.addIssue({ code: 'custom', path: ['to'], message: 'a custom period needs its last day (to)' });
    if (q.from && q.to && q.from > q.to) c.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
    if (q.from && q.to && Date.parse(q.to) - Date.parse(q.from) > 3660 * 86_400_000) c.addIssue({ code: 'custom', path: ['to'], message: 'a period may cover at most 10 years' });
  });

/** A span of days for the cohort, revenue and churn reports (default: the last 12 months). */
export const spanQuery = z
  .object({ from: day.optional(), to: day.optional() })
  .superRefine((q, c) => {
    if (q.from && q.to && q.from > q.to) c.addIssue({ code: 'custom', path: ['to'], message: 'must be on or after from' });
    if (q.from && q.to && Date.parse(q.to) - Date.parse(q.from) > 3660 * 86_400_000) c.addIssue({ code: 'custom', path: ['to'], message: 'a report may cover at most 10 years' });
  });

export const cohortQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  grain: z.enum(['week', 'month']).default('month'),
  by: z.enum(['first_order', 'first_event', 'contact_created']).default('first_order'),
  /** The event whose first occurrence starts a contact's cohort (by=first_event). */
  event: z.string().min(1).max(200).optional(),
  breakdown: z.enum(['none', 'segment', 'property']).default('none'),
  segmentId: z.uuid().optional(),
  /** A contact property key (breakdown=property). */
  property: z.string().min(1).max(100).optional(),
});

export const revenueQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter currency code such as GBP').optional(),
  grain: z.enum(['week', 'month']).default('month'),
  retention: z.enum(['month', 'quarter', 'year']).default('month'),
});

const ratio = z.object({ of: z.number(), count: z.number() });
const tile = z.object({
  key: z.enum(DASHBOARD_TILES),
  value: z.number().nullable(),
  previous: z.number().nullable(),
  count: z.object({ current: ratio, previous: ratio }).optional(),
  series: z.array(z.number().nullable()),
});
const period = z.object({ from: z.string(), to: z.string(), days: z.number(), previousFrom: z.string(), previousTo: z.string() });

export const dashboardResult = z.object({
  period,
  bucketDays: z.number(),
  buckets: z.array(z.string()),
  activeDays: z.number(),
  tiles: z.array(tile),
  currencies: z.array(z.object({ currency: z.string(), tiles: z.array(tile) })),
  has: z.object({ orders: z.boolean(), nps: z.boolean(), email: z.boolean() }),
});

export const cohortResult = z.object({
  grain: z.enum(['week', 'month']),
  periods: z.number(),
  asOf: z.string(),
  from: z.string(),
  groups: z.array(z.string()),
  rows: z.array(z.object({ start: z.string(), group: z.string(), size: z.number(), exact: z.array(z.number()), orLater: z.array(z.number()) })),
  mean: z.array(z.object({ group: z.string(), exact: z.array(z.number().nullable()), orLater: z.array(z.number().nullable()), reached: z.array(z.number()) })),
  hasOrders: z.boolean(),
});

export const revenueResult = z.object({
  from: z.string(),
  to: z.string(),
  currency: z.string().nullable(),
  currencies: z.array(z.string()),
  grain: z.enum(['week', 'month']),
  retentionGrain: z.enum(['month', 'quarter', 'year']),
  cohorts: z.array(z.object({ start: z.string(), size: z.number(), revenue: z.array(z.number()), perCustomer: z.array(z.number()) })),
  retention: z.array(
    z.object({
      start: z.string(),
      customers: z.number(),
      previousRevenue: z.number(),
      revenue: z.number(),
      keptRevenue: z.number(),
      nrr: z.number().nullable(),
      grr: z.number().nullable(),
    }),
  ),
});

const buyerGroup = z.object({ customers: z.number(), revenue: z.array(z.object({ currency: z.string(), amount: z.number() })) });
export const churnResult = z.object({
  from: z.string(),
  to: z.string(),
  activeDays: z.number(),
  months: z.array(z.object({ start: z.string(), active: z.number(), newCustomers: z.number(), churn: ratio, repeat: ratio })),
  secondOrder: z.object({ counts: z.array(z.number()), median: z.number().nullable(), customers: z.number() }),
  ordersPerCustomer: z.array(z.number()),
  oneTime: buyerGroup,
  repeat: buyerGroup,
});

export const settingsBody = z.object({
  activeDays: z.number().int('must be a whole number of days').min(7, 'must be at least 7 days').max(730, 'must be at most 730 days'),
  attributionDays: z.number().int('must be a whole number of days').min(1, 'must be at least 1 day').max(90, 'must be at most 90 days'),
  digestUserIds: z.array(z.uuid()).max(100),
});
export const settingsResult = settingsBody.extend({ timezone: z.string() });

export type DashboardResult = z.output<typeof dashboardResult>;
export type CohortResult = z.output<typeof cohortResult>;
export type RevenueResult = z.output<typeof revenueResult>;
export type ChurnResult = z.output<typeof churnResult>;
export type ReportSettingsResult = z.output<typeof settingsResult>;

// Email performance, lift and segments over time.

const moneyAmount = z.object({ currency: z.string(), amount: z.number(), orders: z.number() });
export const emailRow = z.object({
  kind: z.enum(['total', 'broadcast', 'workflow', 'template', 'other']),
  /** The broadcast's, workflow's or template's id; null for the total and for messages of no campaign. */
  id: z.string().nullable(),
  name: z.string(),
  sent: z.number(),
  delivered: z.number(),
  bounced: z.number(),
  /** Messages opened (or clicked) by a person; machine opens are those only scanners and privacy proxies opened. */
  humanOpens: z.number(),
  machineOpens: z.number(),
  clicks: z.number(),
  unsubscribes: z.number(),
  complaints: z.number(),
  openRate: z.number().nullable(),
  clickRate: z.number().nullable(),
  clickToOpenRate: z.number().nullable(),
  /** Orders attributed to these messages, per currency (never summed across currencies). */
  revenue: z.array(moneyAmount),
});
export const emailResult = z.object({
  period,
  attributionDays: z.number(),
  bucketDays: z.number(),
  total: emailRow,
  campaigns: z.array(emailRow),
  templates: z.array(emailRow),
  series: z.array(z.object({ start: z.string(), sent: z.number(), delivered: z.number(), humanOpens: z.number(), machineOpens: z.number(), clicks: z.number() })),
  links: z.array(z.object({ url: z.string(), clicks: z.number(), uniqueClicks: z.number() })),
});

/** A workflow's or broadcast's lift: the workflows' statistics (workflows/contract.ts), with what it is and its revenue. */
export const liftRow = lift.extend({
  kind: z.enum(['workflow', 'broadcast']),
  id: z.string(),
  name: z.string(),
  /** What counts as converting, in words. */
  goal: z.string(),
  /** Revenue per contact of each group, per currency (minor units). */
  revenue: z.array(z.object({ currency: z.string(), treated: z.number().nullable(), holdout: z.number().nullable() })),
});
export const liftResult = z.object({ attributionDays: z.number(), items: z.array(liftRow) });

export const segmentsQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  /** Comma-separated segment ids (at most 8); none: the 5 largest. */
  ids: z.string().max(400).optional(),
});
export const segmentsResult = z.object({
  from: z.string(),
  to: z.string(),
  segments: z.array(z.object({ id: z.string(), name: z.string(), sizes: z.array(z.object({ day: z.string(), size: z.number() })) })),
  available: z.array(z.object({ id: z.string(), name: z.string(), size: z.number() })),
});

export type EmailResult = z.output<typeof emailResult>;
export type LiftResult = z.output<typeof liftResult>;
export type SegmentsResult = z.output<typeof segmentsResult>;

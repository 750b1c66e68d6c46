// What each report counts, written once: the SQL in this folder computes these definitions, the
// in-memory reference (reference.ts) computes them again for the property test, and the web app
// shows these formulas under each chart. Zod-free: the web app imports this file as it is.
//
// Days are the workspace's calendar days (its time zone). A period is from its first day to its
// last day, both included; "before day t" means on a day earlier than t. N is the workspace's
// "active" window (report settings, 90 days unless changed); A its attribution window.

export interface Definition {
  label: string;
  /** What the number is, for a shop owner, with the formula in words. */
  formula: string;
}

export const DEFINITIONS = {
  customers: {
    label: 'Customers',
    formula: 'Contacts with at least one order (in any currency) up to the last day of the period.',
  },
  newCustomers: {
    label: 'New customers',
    formula: 'Contacts whose first order (in any currency) was in the period.',
  },
  activeCustomers: {
    label: 'Active customers',
    formula: 'Customers with an order in the N days up to the end of the period (N = the active window in report settings).',
  },
  revenue: {
    label: 'Revenue',
    formula: 'Order totals in the period minus refunds in the period (each on the day it happened), in one currency; other currencies are shown separately, never added.',
  },
  orders: {
    label: 'Orders',
    formula: 'Orders placed in the period, in the chosen currency.',
  },
  averageOrder: {
    label: 'Average order value',
    formula: 'Order totals in the period ÷ orders in the period, in one currency (before refunds).',
  },
  repeatRate: {
    label: 'Repeat purchase rate',
    formula: 'Of the customers who ordered in the period, the share who had ordered at least twice in all (orders before the period count).',
  },
  churnRate: {
    label: 'Churn rate',
    formula: 'Of the customers active at the start of the period (an order in the N days before it), the share with no order in the N days up to its end.',
  },
  nps: {
    label: 'NPS',
    formula: '% promoters (9–10) − % detractors (0–6) among the answers to NPS surveys in the period.',
  },
  openRate: {
    label: 'Open rate',
    formula: 'Messages sent in the period opened by a person (opens by mail scanners and privacy proxies left out; a click counts as an open) ÷ messages delivered.',
  },
  clickRate: {
    label: 'Click rate',
    formula: 'Messages sent in the period with a click by a person (scanner clicks, unsubscribe and preference links left out) ÷ messages delivered.',
  },
  cohortRetention: {
    label: 'Cohort retention',
    formula:
      'Customers are grouped by the week or month of their first order (or of a chosen first event, or of becoming a contact). For period k after that, "in period k" is the share of the cohort with an order in period k; "in period k or later" the share with an order in period k or any later one. The mean is weighted by cohort size over the cohorts that have reached period k.',
  },
  revenuePerCustomer: {
    label: 'Revenue per customer (cumulative)',
    formula: 'For a cohort (customers by the month of their first order in this currency): orders minus refunds in this currency from their first period through period k, ÷ the customers in the cohort.',
  },
  netRevenueRetention: {
    label: 'Net revenue retention (NRR)',
    formula: 'Starting customers are those with revenue in the previous period (new customers are left out). NRR = their revenue in this period ÷ their revenue in the previous period.',
  },
  grossRevenueRetention: {
    label: 'Gross revenue retention (GRR)',
    formula: 'The same starting customers; each customer counts at most the revenue they had in the previous period (no expansion), so GRR is never above 100%. GRR = Σ min(this period, previous period) ÷ Σ previous period.',
  },
  timeToSecondOrder: {
    label: 'Time to second order',
    formula: 'Days between a customer\'s first and second order, for customers whose second order was up to the end of the period.',
  },
  ordersPerCustomer: {
    label: 'Orders per customer',
    formula: 'Customers by the number of orders they had placed up to the end of the period.',
  },
  oneTimeVsRepeat: {
    label: 'One-time and repeat buyers',
    formula: 'One-time buyers had exactly one order up to the end of the period, repeat buyers two or more; their share of revenue is each group\'s orders minus refunds in the period, in one currency.',
  },
  attributedRevenue: {
    label: 'Revenue attributed',
    formula: 'Orders placed within A days after a person opened or clicked the email (A = the attribution window in report settings); each order is counted once, for the latest email opened or clicked before it.',
  },
  lift: {
    label: 'Lift',
    formula: 'Conversion of the contacts treated minus conversion of the contacts held out, with a 95% confidence interval (Newcombe\'s score interval); significant when the interval excludes 0 and p < 0.05.',
  },
} as const satisfies Record<string, Definition>;

export type DefinitionKey = keyof typeof DEFINITIONS;

/** The dashboard's tiles, in the order they are shown. */
export const DASHBOARD_TILES = ['revenue', 'orders', 'averageOrder', 'customers', 'newCustomers', 'activeCustomers', 'repeatRate', 'churnRate', 'nps', 'openRate', 'clickRate'] as const;
export type DashboardTile = (typeof DASHBOARD_TILES)[number];

/** Which tiles are amounts of money (shown in the chosen currency). */
export const MONEY_TILES: ReadonlySet<DashboardTile> = new Set(['revenue', 'averageOrder']);
/** Which tiles are proportions (0 to 1). */
export const RATE_TILES: ReadonlySet<DashboardTile> = new Set(['repeatRate', 'churnRate', 'openRate', 'clickRate']);
/** Tiles where a fall is good news. */
export const LOWER_IS_BETTER: ReadonlySet<DashboardTile> = new Set(['churnRate']);

/** The buckets of the small charts: days for a month or less, weeks up to about four months, months (30 days) beyond. */
export function bucketDays(periodDays: number): number {
  if (periodDays <= 31) return 1;
  if (periodDays <= 124) return 7;
  return 30;
}

/** Distribution buckets of the days between first and second order (lower bounds, inclusive). */
export const SECOND_ORDER_BUCKETS = [0, 8, 15, 31, 61, 91, 181, 366] as const;
/** Distribution buckets of orders per customer (lower bounds; the last is "and more"). */
export const ORDER_COUNT_BUCKETS = [1, 2, 3, 4, 5, 6, 11] as const;

/** The index of the bucket a value falls in (buckets given by ascending lower bounds). */
export function bucketOf(bounds: readonly number[], value: number): number {
  let i = 0;
  while (i + 1 < bounds.length && value >= bounds[i + 1]!) i++;
  return i;
}

/** A bucket's label: "0–7 days", "366+ days". */
export function bucketLabel(bounds: readonly number[], i: number, unit: string): string {
  const lo = bounds[i]!;
  const next = bounds[i + 1];
  if (next === undefined) return `${lo}+ ${unit}`;
  return next - 1 === lo ? `${lo} ${unit}` : `${lo}–${next - 1} ${unit}`;
}

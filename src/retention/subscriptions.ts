// Subscriptions: the shifted-beta-geometric model (Fader & Hardie 2007) per cohort of
// subscribers. A renewal event (the workspace's setting, "subscription.renewed" or an invoice
// paid) marks each paid period; a subscriber's cohort is the period of their first one. One
// who paid periods cohort..last and is in the current or the previous period is still
// subscribed after `last − cohort` renewals (S(k)); one whose last paid period is older left at
// renewal `last − cohort + 1` (P(T = t)). Each cohort with enough subscribers and periods is
// fitted, and its survival projected.
import type { SqlSession } from '../db/client.ts';
import { sbg } from './models/index.ts';
import type { RetentionSettings } from './settings.ts';
import type { SummaryScope } from './summaries.ts';

export interface SubscriptionCohort {
  /** The first day of the cohort's period. */
  cohort: string;
  subscribers: number;
  /** Renewals the cohort has had the chance to make. */
  periods: number;
  params: { alpha: number; beta: number } | null;
  loglik: number | null;
  se: { alpha: number | null; beta: number | null } | null;
  /** Share still subscribed after k renewals (k = 0..periods), as observed; null where not everyone could have renewed yet. */
  actual: (number | null)[];
  /** The model's survival after k renewals, k = 0..periods + 12. */
  projected: number[];
}

export interface SubscriptionResult {
  event: string;
  period: 'month' | 'year';
  cohorts: SubscriptionCohort[];
}

const MIN_SUBSCRIBERS = 20;
const AHEAD = 12;
const MAX_COHORTS = 36;

export async function subscriptionCohorts(db: SqlSession, s: SummaryScope, settings: RetentionSettings & { timezone: string }): Promise<SubscriptionResult> {
  const event = settings.renewalEvent!;
  const period = settings.renewalPeriod;
  const per = period === 'year' ? 1 : 12;
  const rows = await db.query<{ cohort: string; k: number; active: boolean; n: number; periods: number }>(
    `with paid as (
       select e.contact_id, date_trunc($4, e.occurred_at at time zone $5)::date as p
       from events e where e.workspace_id = $1 and e.name = $2 and e.contact_id is not null and (e.occurred_at at time zone $5)::date <= $3::date),
     subs as (select contact_id, min(p) as cohort, max(p) as last from paid group by 1),
     cur as (select date_trunc($4, $3::date::timestamp)::date as p),
     idx as (
       select s.cohort,
              ((extract(year from s.last) - extract(year from s.cohort)) * $6 + case when $6 = 12 then extract(month from s.last) - extract(month from s.cohort) else 0 end)::int as k,
              ((extract(year from cur.p) - extract(year from s.cohort)) * $6 + case when $6 = 12 then extract(month from cur.p) - extract(month from s.cohort) else 0 end)::int as periods
       from subs s cross join cur where s.cohort < cur.p)
     select to_char(cohort, 'YYYY-MM-DD') as cohort, k, (k >= periods - 1) as active, count(*)::int as n, min(periods) as periods
     from idx group by cohort, k, active order by cohort, k`,
    [s.workspaceId, event, s.until, period, settings.timezone, per],
  );
  const byCohort = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byCohort.get(r.cohort);
    if (list) list.push(r);
    else byCohort.set(r.cohort, [r]);
  }
  const cohorts: SubscriptionCohort[] = [];
  for (const [cohort, rs] of [...byCohort].slice(-MAX_COHORTS)) {
    const subscribers = rs.reduce((n, r) => n + r.n, 0);
    const periods = rs[0]!.periods;
    // Observed: after k renewals, the share still subscribed, while every subscriber could have made k renewals.
    const actual: (number | null)[] = [];
    for (let k = 0; k <= periods; k++) {
      const known = k <= periods - 1;
      actual.push(known ? rs.filter((r) => r.k >= k).reduce((n, r) => n + r.n, 0) / subscribers : null);
    }
    const churned = rs.some((r) => !r.active);
    if (subscribers < MIN_SUBSCRIBERS || periods < 2 || !churned) {
      cohorts.push({ cohort, subscribers, periods, params: null, loglik: null, se: null, actual, projected: [] });
      continue;
    }
    const fit = sbg.fit(rs.map((r) => ({ t: r.active ? r.k : r.k + 1, churned: !r.active, weight: r.n })));
    const projected = Array.from({ length: periods + AHEAD + 1 }, (_, k) => sbg.survival(fit.params, k));
    cohorts.push({
      cohort,
      subscribers,
      periods,
      params: fit.params,
      loglik: fit.loglik,
      se: { alpha: finite(fit.se.alpha), beta: finite(fit.se.beta) },
      actual,
      projected,
    });
  }
  return { event, period, cohorts };
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);

// A workspace's retention settings: which customers the models learn from (a window of
// first orders), the holdout period of the quality check, the CLV horizon and discount rate,
// nightly refits, and the renewal event of subscriptions.
import type { SqlSession } from '../db/client.ts';
import { invalid } from '../errors.ts';

export interface RetentionSettings {
  /** Only customers whose first order is in the last this many days (null: all). */
  windowDays: number | null;
  /** The holdout period of the quality check (null: a third of the history, 4 to 52 weeks). */
  holdoutDays: number | null;
  horizonMonths: number;
  /** Yearly, 0.1 = 10 %. */
  discountRate: number;
  refit: 'nightly' | 'manual';
  renewalEvent: string | null;
  renewalPeriod: 'month' | 'year';
}

export const DEFAULT_RETENTION_SETTINGS: RetentionSettings = {
  windowDays: null,
  holdoutDays: null,
  horizonMonths: 12,
  discountRate: 0.1,
  refit: 'nightly',
  renewalEvent: null,
  renewalPeriod: 'month',
};

export async function retentionSettingsOf(db: SqlSession, workspaceId: string): Promise<RetentionSettings & { timezone: string }> {
  const [r] = await db.query<{
    window_days: number | null;
    holdout_days: number | null;
    horizon_months: number | null;
    discount_rate: number | null;
    refit: 'nightly' | 'manual' | null;
    renewal_event: string | null;
    renewal_period: 'month' | 'year' | null;
    timezone: string;
  }>(
    `select s.window_days, s.holdout_days, s.horizon_months, s.discount_rate, s.refit, s.renewal_event, s.renewal_period, w.timezone
     from workspaces w left join retention_settings s on s.workspace_id = w.id where w.id = $1`,
    [workspaceId],
  );
  const d = DEFAULT_RETENTION_SETTINGS;
  return {
    windowDays: r?.window_days ?? d.windowDays,
    holdoutDays: r?.holdout_days ?? d.holdoutDays,
    horizonMonths: r?.horizon_months ?? d.horizonMonths,
    discountRate: r?.discount_rate ?? d.discountRate,
    refit: r?.refit ?? d.refit,
    renewalEvent: r?.renewal_event ?? d.renewalEvent,
    renewalPeriod: r?.renewal_period ?? d.renewalPeriod,
    timezone: r?.timezone ?? 'UTC',
  };
}

export async function saveRetentionSettings(db: SqlSession, workspaceId: string, s: RetentionSettings): Promise<void> {
  if (s.windowDays !== null && s.holdoutDays !== null && s.holdoutDays * 2 > s.windowDays)
    throw invalid('holdout_too_long', 'The holdout period must be at most half of the window of customers the models learn from.', [
      { path: 'holdoutDays', message: `must be at most ${Math.floor(s.windowDays / 2)} days with a window of ${s.windowDays} days` },
    ]);
  await db.query(
    `insert into retention_settings (workspace_id, window_days, holdout_days, horizon_months, discount_rate, refit, renewal_event, renewal_period)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (workspace_id) do update set window_days = excluded.window_days, holdout_days = excluded.holdout_days, horizon_months = excluded.horizon_months,
       discount_rate = excluded.discount_rate, refit = excluded.refit, renewal_event = excluded.renewal_event, renewal_period = excluded.renewal_period`,
    [workspaceId, s.windowDays, s.holdoutDays, s.horizonMonths, s.discountRate, s.refit, s.renewalEvent, s.renewalPeriod],
  );
}

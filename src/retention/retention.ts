// The retention operations: fit the models (recorded in retention_fits, one at a time per
// workspace), the latest fit, and the fits of the last weeks.
import { conflict, invalid } from '../errors.ts';
import { addDays, dayIn, parseDay } from '../shared/days.ts';
import type { AppContext } from '../server/context.ts';
import { computeFit, type FitResult } from './fit.ts';
import { retentionSettingsOf } from './settings.ts';

export type FitCause = 'schedule' | 'request' | 'cli';

export interface FitRecord {
  id: string;
  workspaceId: string;
  cause: FitCause;
  state: 'running' | 'done' | 'failed';
  until: string;
  since: string | null;
  scored: boolean;
  customers: number | null;
  result: FitResult | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** A fit still "running" after this long was cut short (the process stopped): it no longer blocks the next. */
const STALE_MS = 2 * 60 * 60 * 1000;

interface FitRow {
  id: string;
  workspace_id: string;
  cause: FitCause;
  state: FitRecord['state'];
  until: string;
  since: string | null;
  scored: boolean;
  customers: number | null;
  result: FitResult | null;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `id, workspace_id, cause, state, to_char(until, 'YYYY-MM-DD') as until, to_char(since, 'YYYY-MM-DD') as since, scored, customers, result, error, started_at, finished_at`;

const toRecord = (r: FitRow): FitRecord => ({
  id: r.id,
  workspaceId: r.workspace_id,
  cause: r.cause,
  state: r.state,
  until: r.until,
  since: r.since,
  scored: r.scored,
  customers: r.customers,
  result: r.result,
  error: r.error,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/**
 * Fits the models on the workspace's purchases up to `until` (default: today in the
 * workspace's time zone), and waits for it. Only a fit up to today writes the customers'
 * scores; one up to an earlier day reports its parameters and check (what
 * `rapport retention fit --until` is for).
 */
export async function fitRetention(ctx: AppContext, workspaceId: string, options: { until?: string; cause: FitCause }): Promise<FitRecord> {
  return runFit(ctx, await startFit(ctx, workspaceId, options));
}

/** Records a fit as running (one at a time per workspace); runFit does it. */
export async function startFit(ctx: AppContext, workspaceId: string, options: { until?: string; cause: FitCause }): Promise<FitRecord> {
  const settings = await retentionSettingsOf(ctx.db, workspaceId);
  const now = ctx.clock.now();
  const today = dayIn(now, settings.timezone);
  let until = today;
  if (options.until !== undefined) {
    const day = parseDay(options.until);
    if (!day) throw invalid('bad_until', `"${options.until.slice(0, 40)}" is not a day: write it as YYYY-MM-DD.`, [{ path: 'until', message: 'must be a day (YYYY-MM-DD)' }]);
    if (day > today) throw invalid('bad_until', `${day} has not come yet: fit up to today (${today}) or an earlier day.`, [{ path: 'until', message: `must be ${today} or earlier` }]);
    until = day;
  }
  const since = settings.windowDays ? addDays(until, -settings.windowDays) : null;
  await ctx.db.query("update retention_fits set state = 'failed', error = 'interrupted', finished_at = $2 where workspace_id = $1 and state = 'running' and started_at < $3", [
    workspaceId,
    now,
    new Date(now.getTime() - STALE_MS),
  ]);
  const [started] = await ctx.db.query<FitRow>(
    `insert into retention_fits (workspace_id, cause, state, until, since, scored, started_at) values ($1, $2, 'running', $3, $4, $5, $6)
     on conflict (workspace_id) where state = 'running' do nothing returning ${COLUMNS}`,
    [workspaceId, options.cause, until, since, until === today, now],
  );
  if (!started) throw conflict('The models are being fitted for this workspace already; the new figures will be there in a moment.', undefined, 'fit_running');
  return toRecord(started);
}

/** Runs a started fit (again, after a crash: the scores are written by an upsert) and records its outcome. */
export async function runFit(ctx: AppContext, fit: FitRecord): Promise<FitRecord> {
  const workspaceId = fit.workspaceId;
  const settings = await retentionSettingsOf(ctx.db, workspaceId);
  try {
    const result = await computeFit(ctx.db, { workspaceId, until: fit.until, since: fit.since }, settings, { score: fit.scored, now: fit.startedAt });
    const [row] = await ctx.db.query<FitRow>(
      `update retention_fits set state = 'done', customers = $3, result = $4, finished_at = $5 where id = $1 and workspace_id = $2 returning ${COLUMNS}`,
      [fit.id, workspaceId, result.customers, JSON.stringify(result), ctx.clock.now()],
    );
    return toRecord(row!);
  } catch (e) {
    await ctx.db.query("update retention_fits set state = 'failed', error = $3, finished_at = $4 where id = $1 and workspace_id = $2", [
      fit.id,
      workspaceId,
      e instanceof Error ? e.message.slice(0, 2000) : String(e),
      ctx.clock.now(),
    ]);
    throw e;
  }
}

/** A fit of a workspace, by id. */
export async function fitById(ctx: AppContext, workspaceId: string, id: string): Promise<FitRecord | undefined> {
  const [r] = await ctx.db.query<FitRow>(`select ${COLUMNS} from retention_fits where workspace_id = $1 and id = $2`, [workspaceId, id]);
  return r ? toRecord(r) : undefined;
}

/** The latest finished fit that wrote scores (what the app shows), and the latest fit of any kind. */
export async function latestFits(ctx: AppContext, workspaceId: string): Promise<{ current: FitRecord | null; latest: FitRecord | null }> {
  const [current] = await ctx.db.query<FitRow>(
    `select ${COLUMNS} from retention_fits where workspace_id = $1 and state = 'done' and scored order by started_at desc, id desc limit 1`,
    [workspaceId],
  );
  const [latest] = await ctx.db.query<FitRow>(`select ${COLUMNS} from retention_fits where workspace_id = $1 order by started_at desc, id desc limit 1`, [workspaceId]);
  return { current: current ? toRecord(current) : null, latest: latest ? toRecord(latest) : null };
}

/** Workspaces whose nightly refit is due: refit on, orders, and no fit started today (their time) yet. */
export async function dueWorkspaces(ctx: AppContext): Promise<string[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db.query<{ id: string }>(
    `select w.id from workspaces w left join retention_settings s on s.workspace_id = w.id
     where coalesce(s.refit, 'nightly') = 'nightly'
       and extract(hour from $1::timestamptz at time zone w.timezone) >= 2
       and exists (select 1 from order_days o where o.workspace_id = w.id)
       and not exists (select 1 from retention_fits f where f.workspace_id = w.id and f.cause = 'schedule'
                       and (f.started_at at time zone w.timezone)::date = ($1::timestamptz at time zone w.timezone)::date)`,
    [now],
  );
  return rows.map((r) => r.id);
}

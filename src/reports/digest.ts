// The weekly digest: last week's dashboard (Monday to Sunday in the workspace's time zone,
// against the week before) by email to the members chosen in the report settings, each Monday
// from 08:00 their workspace's time. Members are not contacts (they must not count as
// customers or enter segments), so the digest is queued as a message of the workspace's one
// delivery path (messaging/delivery/send.ts: a row under an idempotency key per member and
// week, the email.send job, the workspace's SMTP settings or its outbox), not rendered from a
// contact template.
import { escapeHtml } from '../messaging/consent/public-page.ts';
import { baseUrl } from '../messaging/consent/unsubscribe.ts';
import { enqueueMessage } from '../messaging/delivery/send.ts';
import type { AppContext } from '../server/context.ts';
import { formatMoney } from '../shared/money.ts';
import { type Dashboard, dashboardOf, type Tile } from './dashboard.ts';
import { addDays, dayIn, periodOf } from '../shared/days.ts';
import { DEFINITIONS, LOWER_IS_BETTER, MONEY_TILES, RATE_TILES } from './definitions.ts';
import { reportScope } from './reports.ts';

/** The hour (workspace time) on Mondays from which the week's digest goes. */
export const DIGEST_HOUR = 8;

/** Queues this week's digest for every member who should get it and has not; returns how many were queued. */
export async function sendDueDigests(ctx: AppContext): Promise<number> {
  const now = ctx.clock.now();
  const due = await ctx.db.query<{ workspace_id: string; timezone: string }>(
    `select s.workspace_id, w.timezone from report_settings s join workspaces w on w.id = s.workspace_id where cardinality(s.digest_user_ids) > 0`,
  );
  let queued = 0;
  for (const w of due) {
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: w.timezone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' }).formatToParts(now);
    const weekday = local.find((p) => p.type === 'weekday')?.value;
    const hour = Number(local.find((p) => p.type === 'hour')?.value);
    if (weekday !== 'Mon' || hour < DIGEST_HOUR) continue;
    queued += await sendDigest(ctx, w.workspace_id, dayIn(now, w.timezone));
  }
  return queued;
}

/** The digest of the week before `monday` to the chosen members (or to one member, for "send me one now"). */
export async function sendDigest(ctx: AppContext, workspaceId: string, monday: string, only?: { userId: string; key: string }): Promise<number> {
  const s = await reportScope(ctx, workspaceId);
  const members = await ctx.db.query<{ user_id: string; email: string; workspace_name: string }>(
    `select u.id as user_id, u.email, w.name as workspace_name from workspace_members m
     join users u on u.id = m.user_id join workspaces w on w.id = m.workspace_id
     where m.workspace_id = $1 and m.user_id = any($2::uuid[])`,
    [workspaceId, only ? [only.userId] : s.digestUserIds],
  );
  if (members.length === 0) return 0;
  const period = periodOf('custom', monday, addDays(monday, -7), addDays(monday, -1));
  const d = await dashboardOf(ctx.db, s, period);
  const { subject, html, text } = digestMessage(d, members[0]!.workspace_name, `${baseUrl(ctx)}/`);
  let queued = 0;
  for (const m of members) {
    const key = only ? only.key : `report-digest:${m.user_id}:${monday}`;
    const r = await enqueueMessage(ctx, workspaceId, { contactId: null, templateId: null, kind: 'transactional', idempotencyKey: key, to: m.email, subject, html, text });
    if (r.inserted) queued++;
  }
  return queued;
}

function figure(t: Tile, currency: string | null, value: number | null): string {
  if (value === null) return '–';
  if (MONEY_TILES.has(t.key) && currency) return formatMoney(value, currency, 'en-GB');
  if (RATE_TILES.has(t.key)) return `${(value * 100).toFixed(1)}%`;
  return value.toLocaleString('en-GB');
}

function change(t: Tile): string {
  if (t.value === null || t.previous === null) return '';
  if (RATE_TILES.has(t.key) || t.key === 'nps') {
    const points = RATE_TILES.has(t.key) ? (t.value - t.previous) * 100 : t.value - t.previous;
    return `${points >= 0 ? '+' : '−'}${Math.abs(points).toFixed(1)} pts`;
  }
  if (t.previous === 0) return '';
  const pct = ((t.value - t.previous) / Math.abs(t.previous)) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)}%`;
}

function better(t: Tile): boolean | null {
  if (t.value === null || t.previous === null || t.value === t.previous) return null;
  return LOWER_IS_BETTER.has(t.key) ? t.value < t.previous : t.value > t.previous;
}

/** The message: one row per figure, last week against the week before. */
export function digestMessage(d: Dashboard, workspaceName: string, link: string): { subject: string; html: string; text: string } {
  const rows: { label: string; value: string; change: string; better: boolean | null }[] = [];
  for (const c of d.currencies.slice(0, 3))
    for (const t of c.tiles) rows.push({ label: `${DEFINITIONS[t.key].label}${d.currencies.length > 1 ? ` (${c.currency})` : ''}`, value: figure(t, c.currency, t.value), change: change(t), better: better(t) });
  for (const t of d.tiles) rows.push({ label: DEFINITIONS[t.key].label, value: figure(t, null, t.value), change: change(t), better: better(t) });
  const week = `${d.period.from} to ${d.period.to}`;
  const subject = `${workspaceName}: your week in numbers (${week})`;
  const colour = (b: boolean | null) => (b === null ? '#666' : b ? '#2b8a3e' : '#c92a2a');
  const html = `<!doctype html><html><body style="font-family:Arial,sans-serif;color:#222;margin:0;padding:24px">
<h1 style="font-size:20px;margin:0 0 4px">${escapeHtml(workspaceName)}: your week in numbers</h1>
<p style="color:#666;margin:0 0 16px">${escapeHtml(week)}, against the week before.</p>
<table cellpadding="6" style="border-collapse:collapse;font-size:14px">
${rows.map((r) => `<tr><td style="border-bottom:1px solid #eee">${escapeHtml(r.label)}</td><td style="border-bottom:1px solid #eee;text-align:right;font-weight:bold">${escapeHtml(r.value)}</td><td style="border-bottom:1px solid #eee;color:${colour(r.better)}">${escapeHtml(r.change)}</td></tr>`).join('\n')}
</table>
<p style="margin:16px 0 0"><a href="${escapeHtml(link)}">Open the dashboard</a></p>
<p style="color:#999;font-size:12px">You get this because you were chosen in the report settings of ${escapeHtml(workspaceName)}.</p>
</body></html>`;
  const text = [`${workspaceName}: your week in numbers`, `${week}, against the week before.`, '', ...rows.map((r) => `${r.label}: ${r.value}${r.change ? ` (${r.change})` : ''}`), '', `Open the dashboard: ${link}`].join('\n');
  return { subject, html, text };
}

// Broadcasts: a template sent to a segment or list, now or at a set time, at a chosen rate.
// Starting one freezes it in one transaction: the template (and its snippets) is copied,
// every member with an address gets a message row (idempotency key broadcast:<id>:<contact>)
// — already marked suppressed when they unsubscribed, bounced, complained, were never
// subscribed, left the broadcast's topic or are on the suppression list — and the sending
// job is queued. Later changes to the segment or the template change nothing.
import type { z } from 'zod';
import type { SqlSession } from '../../db/client.ts';
import type { AppContext } from '../../server/context.ts';
import { badRequest, conflict, notFound } from '../../errors.ts';
import { audienceSql } from './audience.ts';
import type { broadcast, broadcastBody, broadcastCounts } from '../broadcast-contract.ts';
import { renderTemplate, TemplateError, type TemplateSource } from '../templates/render.ts';
import { snippetMap } from '../templates/snippets.ts';
import { templateProblems } from '../templates/templates.ts';

type Broadcast = z.output<typeof broadcast>;
type Body = z.output<typeof broadcastBody>;
type Counts = z.output<typeof broadcastCounts>;

/** What a started broadcast sends, whatever happens to the template afterwards. */
export interface Snapshot {
  template: TemplateSource & { name: string };
  snippets: Record<string, string>;
}

interface Row {
  id: string;
  name: string;
  template_id: string | null;
  template_name: string | null;
  segment_id: string | null;
  segment_name: string | null;
  segment_kind: 'segment' | 'list' | null;
  topic_id: string | null;
  topic_name: string | null;
  rate_per_minute: number | null;
  state: Broadcast['state'];
  scheduled_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  created_at: Date;
  updated_at: Date;
  recipients: number | null;
  waiting_reason: string | null;
  waiting_since: Date | null;
}

const SELECT = `select b.id, b.name, b.template_id, t.name as template_name, b.segment_id, s.name as segment_name, s.kind as segment_kind,
    b.topic_id, tp.name as topic_name, b.rate_per_minute, b.state, b.scheduled_at, b.started_at, b.finished_at, b.created_at, b.updated_at, b.recipients,
    b.waiting_reason, b.waiting_since
  from broadcasts b
  left join email_templates t on t.id = b.template_id
  left join segments s on s.id = b.segment_id
  left join email_topics tp on tp.id = b.topic_id`;

const date = (d: Date | null) => (d ? new Date(d) : null);

async function countsOf(ctx: AppContext, ids: string[]): Promise<Map<string, Omit<Counts, 'recipients'>>> {
  const rows = ids.length
    ? await ctx.db.query<{ broadcast_id: string; state: string; n: number }>(
        'select broadcast_id, state, count(*)::int as n from email_messages where broadcast_id = any($1::uuid[]) group by broadcast_id, state',
        [ids],
      )
    : [];
  const out = new Map<string, Omit<Counts, 'recipients'>>();
  for (const id of ids) out.set(id, { queued: 0, sent: 0, failed: 0, bounced: 0, suppressed: 0, cancelled: 0 });
  for (const r of rows) {
    const c = out.get(r.broadcast_id)! as Record<string, number>;
    // In flight counts as queued: it has not been sent yet.
    const key = r.state === 'sending' ? 'queued' : r.state;
    c[key] = (c[key] ?? 0) + Number(r.n);
  }
  return out;
}

async function toBroadcasts(ctx: AppContext, rows: Row[]): Promise<Broadcast[]> {
  const counts = await countsOf(ctx, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    templateId: r.template_id,
    templateName: r.template_name,
    segmentId: r.segment_id,
    segmentName: r.segment_name,
    segmentKind: r.segment_kind,
    topicId: r.topic_id,
    topicName: r.topic_name,
    ratePerMinute: r.rate_per_minute,
    state: r.state,
    scheduledAt: date(r.scheduled_at),
    startedAt: date(r.started_at),
    finishedAt: date(r.finished_at),
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    counts: { recipients: r.recipients, ...counts.get(r.id)! },
    waiting: r.state === 'sending' && r.waiting_reason ? { reason: r.waiting_reason, since: new Date(r.waiting_since ?? r.updated_at) } : null,
  }));
}

export async function listBroadcasts(ctx: AppContext, workspaceId: string): Promise<Broadcast[]> {
  return toBroadcasts(ctx, await ctx.db.query<Row>(`${SELECT} where b.workspace_id = $1 order by b.created_at desc limit 200`, [workspaceId]));
}

export async function getBroadcast(ctx: AppContext, workspaceId: string, id: string): Promise<Broadcast> {
  const rows = await ctx.db.query<Row>(`${SELECT} where b.workspace_id = $1 and b.id = $2`, [workspaceId, id]);
  if (rows.length === 0) throw notFound('The broadcast');
  return (await toBroadcasts(ctx, rows))[0]!;
}

/** The template, segment and topic must be the workspace's own. */
async function checkRefs(ctx: AppContext, workspaceId: string, b: Partial<Body>): Promise<void> {
  const missing = async (sql: string, id: string | null | undefined, path: string, what: string) => {
    if (!id) return;
    const rows = await ctx.db.query(sql, [workspaceId, id]);
    if (rows.length === 0) throw badRequest(`${what} does not exist in this workspace.`, [{ path, message: 'is unknown' }]);
  };
  await missing('select 1 from email_templates where workspace_id = $1 and id = $2', b.templateId, 'templateId', 'The template');
  await missing('select 1 from segments where workspace_id = $1 and id = $2', b.segmentId, 'segmentId', 'The segment or list');
  await missing('select 1 from email_topics where workspace_id = $1 and id = $2', b.topicId, 'topicId', 'The topic');
}

export async function createBroadcast(ctx: AppContext, workspaceId: string, userId: string | null, body: Body): Promise<Broadcast> {
  await checkRefs(ctx, workspaceId, body);
  const [row] = await ctx.db.query<{ id: string }>(
    `insert into broadcasts (workspace_id, name, template_id, segment_id, topic_id, rate_per_minute, created_by, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $8) returning id`,
    [workspaceId, body.name, body.templateId, body.segmentId, body.topicId, body.ratePerMinute, userId, ctx.clock.now()],
  );
  return getBroadcast(ctx, workspaceId, row!.id);
}

const notEditable = (b: Broadcast) =>
  conflict(`The broadcast is ${b.state}: only a draft or a scheduled broadcast can be changed.`, [{ path: 'state', message: `is ${b.state}` }]);

export async function updateBroadcast(ctx: AppContext, workspaceId: string, id: string, patch: Partial<Body>): Promise<Broadcast> {
  const current = await getBroadcast(ctx, workspaceId, id);
  if (current.state !== 'draft' && current.state !== 'scheduled') throw notEditable(current);
  await checkRefs(ctx, workspaceId, patch);
  const rows = await ctx.db.query(
    `update broadcasts set name = coalesce($3, name), template_id = coalesce($4, template_id), segment_id = coalesce($5, segment_id),
       topic_id = case when $6 then $7 else topic_id end, rate_per_minute = case when $8 then $9 else rate_per_minute end, updated_at = $10
     where workspace_id = $1 and id = $2 and state in ('draft', 'scheduled') returning id`,
    [workspaceId, id, patch.name ?? null, patch.templateId ?? null, patch.segmentId ?? null, 'topicId' in patch, patch.topicId ?? null, 'ratePerMinute' in patch, patch.ratePerMinute ?? null, ctx.clock.now()],
  );
  if (rows.length === 0) throw notEditable(await getBroadcast(ctx, workspaceId, id));
  return getBroadcast(ctx, workspaceId, id);
}

export async function deleteBroadcast(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  const current = await getBroadcast(ctx, workspaceId, id);
  if (current.state === 'sending' || current.state === 'sent') {
    throw conflict(`The broadcast is ${current.state}: its messages and report are kept. Cancel it instead.`, [{ path: 'state', message: `is ${current.state}` }]);
  }
  await ctx.db.query("delete from broadcasts where workspace_id = $1 and id = $2 and state in ('draft', 'scheduled', 'cancelled')", [workspaceId, id]);
}

/** Sends now, or at `at` (scheduled: the tick job starts it when it is due). */
export async function sendBroadcast(ctx: AppContext, workspaceId: string, id: string, at?: Date): Promise<Broadcast> {
  const current = await getBroadcast(ctx, workspaceId, id);
  if (current.state !== 'draft' && current.state !== 'scheduled') {
    throw conflict(`The broadcast is ${current.state} already.`, [{ path: 'state', message: `is ${current.state}` }]);
  }
  await readiness(ctx, workspaceId, current);
  const now = ctx.clock.now();
  if (at && at.getTime() > now.getTime() + 1000) {
    await ctx.db.query("update broadcasts set state = 'scheduled', scheduled_at = $3, updated_at = $4 where workspace_id = $1 and id = $2", [workspaceId, id, at, now]);
    await ctx.jobs.send('email.broadcasts.tick', {}, { startAfter: at });
    return getBroadcast(ctx, workspaceId, id);
  }
  if (at) throw badRequest('The time to send is in the past: leave it out to send now.', [{ path: 'at', message: 'must be in the future' }]);
  await startBroadcast(ctx, workspaceId, id);
  return getBroadcast(ctx, workspaceId, id);
}

/** What must hold before a broadcast can go out: a template, an audience that is known. */
async function readiness(ctx: AppContext, workspaceId: string, b: Broadcast): Promise<void> {
  if (!b.templateId) throw badRequest('The broadcast has no template (it was deleted): choose one.', [{ path: 'templateId', message: 'is required' }]);
  if (!b.segmentId) throw badRequest('The broadcast has no audience (the segment was deleted): choose a segment or list.', [{ path: 'segmentId', message: 'is required' }]);
  const [s] = await ctx.db.query<{ kind: string; evaluated_at: Date | null }>('select kind, evaluated_at from segments where workspace_id = $1 and id = $2', [workspaceId, b.segmentId]);
  if (s?.kind === 'segment' && !s.evaluated_at) throw conflict('The segment is still being calculated: send when its size shows.', [{ path: 'segmentId', message: 'is being calculated' }]);
  // Every marketing message must let its reader leave: the template has to show the link.
  const [t] = await ctx.db.query<TemplateSource>('select subject, preheader, body, defaults from email_templates where workspace_id = $1 and id = $2', [workspaceId, b.templateId]);
  const probe = 'https://rapport.invalid/unsubscribe-probe';
  const snippets = await snippetMap(ctx, workspaceId);
  const html = await renderTemplate(t!, { contact: { properties: {} }, workspace: { name: '' }, links: { unsubscribe: probe, preferences: probe } }, snippets).then(
    (r) => r.html,
    (err: unknown) => {
      throw err instanceof TemplateError ? templateProblems(err.issues) : err;
    },
  );
  if (!html.includes(probe)) {
    throw badRequest('The template has no unsubscribe link, which every marketing email needs: add <a href="{{ links.unsubscribe }}">Unsubscribe</a> (or {{ links.preferences }}) to it.', [
      { path: 'templateId', message: 'has no {{ links.unsubscribe }} link' },
    ]);
  }
}

/**
 * Freezes the audience and queues the sending, in one transaction; idempotent (a second call
 * on a broadcast that is sending already does nothing).
 */
export async function startBroadcast(ctx: AppContext, workspaceId: string, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    const [b] = await tx.query<{ template_id: string | null; segment_id: string | null; topic_id: string | null }>(
      "select template_id, segment_id, topic_id from broadcasts where workspace_id = $1 and id = $2 and state in ('draft', 'scheduled') for update",
      [workspaceId, id],
    );
    if (!b) return;
    const [t] = await tx.query<TemplateSource & { name: string }>('select name, subject, preheader, body, defaults from email_templates where workspace_id = $1 and id = $2', [
      workspaceId,
      b.template_id,
    ]);
    if (!t || !b.segment_id) {
      await tx.query("update broadcasts set state = 'cancelled', finished_at = $3, updated_at = $3 where id = $1 and workspace_id = $2", [id, workspaceId, now]);
      return;
    }
    const snapshot: Snapshot = { template: { name: t.name, subject: t.subject, preheader: t.preheader, body: t.body, defaults: t.defaults }, snippets: await snippetMap(ctx, workspaceId, tx) };
    const recipients = await freezeAudience(tx, workspaceId, id, b.segment_id, b.template_id!, b.topic_id, now);
    await tx.query(
      "update broadcasts set state = 'sending', snapshot = $3, recipients = $4, started_at = $5, updated_at = $5 where id = $1 and workspace_id = $2",
      [id, workspaceId, JSON.stringify(snapshot), recipients, now],
    );
    await ctx.jobs.send('email.broadcast', { broadcastId: id }, { db: { executeSql: async (text, values) => ({ rows: await tx.query(text, values) }) } });
  });
}

async function freezeAudience(tx: SqlSession, workspaceId: string, id: string, segmentId: string, templateId: string, topicId: string | null, now: Date): Promise<number> {
  const [r] = await tx.query<{ n: number }>(
    `with audience as (${audienceSql('$1', '$3', '$5')}), ins as (
       insert into email_messages (workspace_id, contact_id, template_id, kind, idempotency_key, to_email, broadcast_id, state, last_error, left_out, created_at)
       select $1, a.id, $4, 'broadcast', 'broadcast:' || $2 || ':' || a.id, a.email, $2::uuid,
              case when a.left_out is null then 'queued' else 'suppressed' end,
              case when a.left_out is not null then a.why end,
              a.left_out,
              $6
       from audience a
       on conflict (workspace_id, idempotency_key) do nothing
       returning 1)
     select count(*)::int as n from ins`,
    [workspaceId, id, segmentId, templateId, topicId, now],
  );
  return Number(r!.n);
}

/** Stops a scheduled or sending broadcast: what was not sent yet is not sent. */
export async function cancelBroadcast(ctx: AppContext, workspaceId: string, id: string): Promise<Broadcast> {
  const current = await getBroadcast(ctx, workspaceId, id);
  if (current.state !== 'scheduled' && current.state !== 'sending' && current.state !== 'draft') {
    throw conflict(`The broadcast is ${current.state}: there is nothing to cancel.`, [{ path: 'state', message: `is ${current.state}` }]);
  }
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    await tx.query("update broadcasts set state = 'cancelled', finished_at = $3, updated_at = $3 where workspace_id = $1 and id = $2", [workspaceId, id, now]);
    await tx.query("update email_messages set state = 'cancelled', last_error = 'the broadcast was cancelled' where broadcast_id = $1 and workspace_id = $2 and state = 'queued'", [id, workspaceId]);
  });
  return getBroadcast(ctx, workspaceId, id);
}

/** Starts every scheduled broadcast that is due (the `email.broadcasts.tick` job, every minute). */
export async function startDueBroadcasts(ctx: AppContext): Promise<number> {
  const due = await ctx.db.query<{ id: string; workspace_id: string }>(
    "select id, workspace_id from broadcasts where state = 'scheduled' and scheduled_at <= $1 order by scheduled_at limit 100",
    [ctx.clock.now()],
  );
  for (const b of due) await startBroadcast(ctx, b.workspace_id, b.id);
  return due.length;
}

// Sending a broadcast: one process at a time holds it (a lease renewed after every batch),
// claims queued messages in batches, renders each from the template prepared once, adds
// tracking, and hands it to the pooled SMTP transport (or the outbox). Outcomes are written
// back in small groups with their `email.sent` events. A process that dies leaves its claimed
// messages in `sending`; whoever takes the expired lease over sends those again with the same
// Message-ID, so that the receiving server sees one message, and every recipient gets theirs.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from '../../purchases/summary.ts';
import type { AppContext } from '../../server/context.ts';
import type { Snapshot } from './broadcasts.ts';
import { prepareTemplate, type PreparedTemplate } from '../templates/prepared.ts';
import type { RenderData } from '../templates/render.ts';
import { DestinationError } from '../delivery/destination.ts';
import { type Claimed, deliver, type Outcome, writeOutcomes } from '../delivery/render-send.ts';
import { POOL, senderFor, type Sender } from '../delivery/transport.ts';
import { baseUrl } from '../consent/unsubscribe.ts';
import { contactMergeOfRow, moduleMergeData, workspaceMergeData } from '../templates/merge-data.ts';
import { messageLinks } from '../delivery/links.ts';

/** This process, as a lease holder. */
const PROCESS_ID = randomUUID();
/** Broadcasts this process is sending right now. */
const running = new Set<string>();
/** Contexts shutting down: their runs stop after the current batch. */
const stopping = new WeakSet<AppContext>();

/** Lets every run of this context finish its batch and hand the rest to the next slice (graceful shutdown). */
export function stopSending(ctx: AppContext): void {
  stopping.add(ctx);
}

export interface RunOptions {
  /** Stop after about this long and let the job continue in a new slice. */
  sliceMs?: number;
  batchSize?: number;
}

export type RunResult = 'done' | 'more' | 'busy' | 'paused' | 'stopped' | { later: Date };

export async function runBroadcast(ctx: AppContext, broadcastId: string, options: RunOptions = {}): Promise<RunResult> {
  if (running.has(broadcastId)) return 'busy';
  running.add(broadcastId);
  try {
    return await run(ctx, broadcastId, options);
  } finally {
    running.delete(broadcastId);
  }
}

async function takeLease(ctx: AppContext, broadcastId: string) {
  const now = ctx.clock.now();
  const [b] = await ctx.db.query<{ workspace_id: string; snapshot: Snapshot; rate_per_minute: number | null; template_id: string | null }>(
    `update broadcasts set lease_owner = $2, lease_until = $3
     where id = $1 and state = 'sending' and (lease_owner is null or lease_owner = $2 or lease_until < $4)
     returning workspace_id, snapshot, rate_per_minute, template_id`,
    [broadcastId, PROCESS_ID, new Date(now.getTime() + ctx.config.emailLeaseSeconds * 1000), now],
  );
  return b;
}

async function run(ctx: AppContext, broadcastId: string, options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const sliceMs = options.sliceMs ?? 50_000;
  const b = await takeLease(ctx, broadcastId);
  if (!b) return 'busy';
  const ws = b.workspace_id;
  // Whatever is still in flight was claimed by a run that is gone (this process runs one at
  // a time, and a run writes every outcome before it ends): send it again.
  await ctx.db.query("update email_messages set state = 'queued' where broadcast_id = $1 and state = 'sending'", [broadcastId]);

  let sender: Sender;
  try {
    sender = await senderFor(ctx, ws);
  } catch (err) {
    // The SMTP server may not (or, DNS, cannot) be reached now: wait, as for a server that is
    // down, until the settings are changed.
    if (err instanceof DestinationError) {
      await waitingBecause(ctx, broadcastId, err.message);
      return 'paused';
    }
    throw err;
  }
  const workspace = await workspaceMergeData(ctx, ws);
  const base = baseUrl(ctx);
  const dataOf = (m: Claimed): RenderData => ({
    ...m.extra,
    contact: contactMergeOfRow(m.contact_id, m, summarize(m.purchases ?? [], m.scores)),
    workspace,
    links: messageLinks(ctx, ws, m.contact_id, m.id),
  });

  let prepared: PreparedTemplate | undefined;
  const rate = b.rate_per_minute;
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 200, rate ? Math.ceil(rate / 6) : Infinity));
  const concurrency = sender.kind === 'smtp' ? POOL.inFlight : 1;
  let sentInSlice = 0;
  let paceStart: number | undefined;

  // A continuous pipeline: senders take claimed messages from `ready`; the next batch is
  // claimed while the last messages of the previous one are still on the wire.
  const ready: Claimed[] = [];
  let exhausted = false;
  let stop: 'paused' | 'lost' | 'stopping' | 'slice' | undefined;
  let pausedBy: string | undefined;
  let claiming: Promise<void> | undefined;
  const refill = () =>
    (claiming ??= (async () => {
      const got = await claim(ctx, ws, broadcastId, batchSize);
      const extra = await moduleMergeData(ctx, ws, got.map((m) => m.contact_id));
      for (const m of got) m.extra = extra.get(m.contact_id);
      if (got.length === 0) exhausted = true;
      else {
        if (!prepared) {
          prepared = await prepareTemplate(b.snapshot.template, b.snapshot.snippets, got.slice(0, 3).map(dataOf));
          // Kept for whoever wonders why a broadcast sends slowly (a full MJML render per message).
          await ctx.db.query("update broadcasts set snapshot = jsonb_set(snapshot, '{renderMode}', to_jsonb($2::text)) where id = $1", [broadcastId, prepared.mode]);
        }
        ready.push(...got);
      }
      if (!(await renewLease(ctx, broadcastId))) stop ??= 'lost';
      else if (stopping.has(ctx)) stop ??= 'stopping';
      else if (Date.now() - started > sliceMs) stop ??= 'slice';
    })().finally(() => (claiming = undefined)));
  const take = async (): Promise<Claimed | undefined> => {
    while (ready.length === 0 && !exhausted && !stop) await refill();
    if (ready.length < concurrency && !exhausted && !stop) void refill().catch(() => undefined);
    return stop ? undefined : ready.shift();
  };

  const outcomes: Outcome[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let flushError: unknown;
  // Outcomes are written in order, while the next messages are being sent; a failed write
  // ends the run (the job retries; what was not written is sent again).
  const flush = () => {
    const group = outcomes.splice(0, outcomes.length);
    if (group.length > 0) {
      flushing = flushing
        .then(() => (flushError ? undefined : writeOutcomes(ctx, ws, broadcastId, b.template_id, group)))
        .catch((err: unknown) => void (flushError ??= err));
    }
    return flushing;
  };
  const worker = async () => {
    for (let m = await take(); m; m = await take()) {
      if (rate) {
        // Paced: message n of this slice leaves no earlier than n / rate minutes after the first.
        paceStart ??= Date.now();
        const due = paceStart + (sentInSlice++ * 60_000) / rate;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const outcome = await deliver(ctx, sender, prepared!, m, dataOf(m), base, ws, 'broadcast');
      if (outcome.uncount) {
        stop ??= 'paused';
        pausedBy ??= outcome.error ?? undefined;
      }
      outcomes.push(outcome);
      if (outcomes.length >= 50 || flushError) void flush();
      if (flushError) stop ??= 'lost';
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await claiming?.catch(() => undefined);
    // Claimed but not attempted: back to the queue, uncounted.
    for (const m of ready.splice(0, ready.length)) outcomes.push({ id: m.id, contact_id: m.contact_id, state: 'queued', uncount: true });
    await flush();
  }
  if (flushError) throw flushError;
  if (stop === 'lost') return 'stopped';
  if (stop === 'paused' && pausedBy !== undefined) {
    await waitingBecause(ctx, broadcastId, pausedBy);
    return 'paused';
  }
  if (stop === 'paused') return 'paused';
  await waitingBecause(ctx, broadcastId, null);
  if (stop === 'stopping') {
    // Everything claimed is written: the next process may take over at once.
    await ctx.db.query('update broadcasts set lease_owner = null, lease_until = null where id = $1 and lease_owner = $2', [broadcastId, PROCESS_ID]);
    return 'more';
  }
  if (stop === 'slice') return 'more';
  // Nothing left to claim now: only messages waiting for a retry, or the end.
  const [wait] = await ctx.db.query<{ at: Date | null }>("select min(retry_at) as at from email_messages where broadcast_id = $1 and state = 'queued'", [broadcastId]);
  if (wait?.at) return { later: new Date(wait.at) };
  return finishIfDone(ctx, broadcastId);
}

/**
 * Why the broadcast waits (its mail server cannot be reached now), for the people watching
 * it; null when a slice went through. The reason is in Rapport's words (smtp-errors.ts,
 * destination.ts), never the far server's.
 */
async function waitingBecause(ctx: AppContext, broadcastId: string, reason: string | null): Promise<void> {
  if (reason === null) {
    await ctx.db.query('update broadcasts set waiting_reason = null, waiting_since = null where id = $1 and waiting_reason is not null', [broadcastId]);
    return;
  }
  await ctx.db.query('update broadcasts set waiting_reason = $2, waiting_since = coalesce(waiting_since, $3) where id = $1', [broadcastId, reason.slice(0, 500), ctx.clock.now()]);
}

async function claim(ctx: AppContext, workspaceId: string, broadcastId: string, n: number): Promise<Claimed[]> {
  return ctx.db.query<Claimed>(
    `with q as (
       select id from email_messages where broadcast_id = $2 and state = 'queued' and (retry_at is null or retry_at <= $4)
       order by id limit $3 for update skip locked
     ), claimed as (
       update email_messages m set state = 'sending', attempts = m.attempts + 1 from q where m.id = q.id
       returning m.id, m.contact_id, m.to_email, m.attempts)
     select cl.id, cl.contact_id, cl.to_email, cl.attempts, c.email, c.email_status, c.external_id, c.phone, c.first_name, c.last_name,
            c.lifecycle_stage, c.properties, sp.reason as suppressed,
            (select jsonb_agg(jsonb_build_object('currency', cp.currency, 'orders', cp.orders, 'refunds', cp.refunds, 'items', cp.items,
                      'spent', cp.spent, 'refunded', cp.refunded, 'first_order_at', cp.first_order_at, 'last_order_at', cp.last_order_at)
                    order by cp.orders desc, cp.spent desc, cp.currency)
             from contact_purchases cp where cp.workspace_id = $1 and cp.contact_id = cl.contact_id) as purchases,
            (select to_jsonb(s) from contact_scores s where s.workspace_id = $1 and s.contact_id = cl.contact_id) as scores,
            exists (select 1 from email_topic_optouts o join broadcasts b on b.topic_id = o.topic_id where b.id = $2 and o.contact_id = cl.contact_id) as left_topic
     from claimed cl
     left join contacts c on c.id = cl.contact_id and c.workspace_id = $1
     left join suppressions sp on sp.workspace_id = $1 and sp.email_hash = encode(sha256(convert_to(cl.to_email, 'UTF8')), 'hex')
     order by cl.id`,
    [workspaceId, broadcastId, n, ctx.clock.now()],
  );
}

async function renewLease(ctx: AppContext, broadcastId: string): Promise<boolean> {
  const now = ctx.clock.now();
  const rows = await ctx.db.query(
    "update broadcasts set lease_until = $3 where id = $1 and lease_owner = $2 and state = 'sending' returning id",
    [broadcastId, PROCESS_ID, new Date(now.getTime() + ctx.config.emailLeaseSeconds * 1000)],
  );
  return rows.length > 0;
}

/** Marks the broadcast sent when nothing is queued or in flight any more. */
async function finishIfDone(ctx: AppContext, broadcastId: string): Promise<RunResult> {
  const now = ctx.clock.now();
  const rows = await ctx.db.query(
    `update broadcasts set state = 'sent', finished_at = $2, updated_at = $2, lease_owner = null, lease_until = null
     where id = $1 and state = 'sending' and lease_owner = $3
       and not exists (select 1 from email_messages where broadcast_id = $1 and state in ('queued', 'sending'))
     returning id`,
    [broadcastId, now, PROCESS_ID],
  );
  return rows.length > 0 ? 'done' : 'stopped';
}

// Messages queued without content (a template, a contact and an idempotency key: what a
// workflow's send step writes for thousands of contacts in one statement) are rendered when
// they leave, in batches, each template prepared once, as a broadcast's are. A batch is
// claimed with `for update skip locked` and held under a lease (`retry_at` while `sending`):
// a process that dies leaves it to be taken over when the lease ends, and the message goes
// again with the same Message-ID. Consent, suppressions and the topic are checked once more
// just before each message leaves (render-send.ts `stopReason`).
import { summarize } from '../../purchases/summary.ts';
import type { AppContext } from '../../server/context.ts';
import { baseUrl } from '../consent/unsubscribe.ts';
import { contactMergeOfRow, moduleMergeData, workspaceMergeData } from '../templates/merge-data.ts';
import { prepareTemplate, type PreparedTemplate } from '../templates/prepared.ts';
import type { RenderData, TemplateSource } from '../templates/render.ts';
import { snippetMap } from '../templates/snippets.ts';
import { DestinationError } from './destination.ts';
import { type Claimed, deliver, type Outcome, writeOutcomes } from './render-send.ts';
import { POOL, type Sender, senderFor } from './transport.ts';
import { messageLinks } from './links.ts';

export const TEMPLATED_JOB = 'email.templated';
const BATCH = 200;

/** Contexts shutting down: their deliveries stop after the batch being sent (graceful shutdown). */
const stopping = new WeakSet<AppContext>();

/** Lets a delivery of this context finish its batch, write its outcomes and leave the rest queued (the next worker's start asks for them). */
export function stopTemplated(ctx: AppContext): void {
  stopping.add(ctx);
}

type ClaimedTemplated = Claimed & { template_id: string; kind: 'workflow' | 'transactional' };

async function claim(ctx: AppContext, workspaceId: string, n: number): Promise<ClaimedTemplated[]> {
  const now = ctx.clock.now();
  return ctx.db.query<ClaimedTemplated>(
    `with q as (
       select id from email_messages
       where workspace_id = $1 and broadcast_id is null and html is null and template_id is not null
         and ((state = 'queued' and (retry_at is null or retry_at <= $3)) or (state = 'sending' and retry_at <= $3))
       order by id limit $2 for update skip locked
     ), claimed as (
       update email_messages m set state = 'sending', attempts = m.attempts + 1, retry_at = $4 from q where m.id = q.id
       returning m.id, m.contact_id, m.to_email, m.attempts, m.template_id, m.kind, m.topic_id)
     select cl.id, cl.contact_id, cl.to_email, cl.attempts, cl.template_id, cl.kind, c.email, c.email_status, c.external_id, c.phone, c.first_name, c.last_name,
            c.lifecycle_stage, c.properties, sp.reason as suppressed,
            (select jsonb_agg(jsonb_build_object('currency', cp.currency, 'orders', cp.orders, 'refunds', cp.refunds, 'items', cp.items,
                      'spent', cp.spent, 'refunded', cp.refunded, 'first_order_at', cp.first_order_at, 'last_order_at', cp.last_order_at)
                    order by cp.orders desc, cp.spent desc, cp.currency)
             from contact_purchases cp where cp.workspace_id = $1 and cp.contact_id = cl.contact_id) as purchases,
            (select to_jsonb(s) from contact_scores s where s.workspace_id = $1 and s.contact_id = cl.contact_id) as scores,
            (cl.kind <> 'transactional' and exists (select 1 from email_topic_optouts o where o.topic_id = cl.topic_id and o.contact_id = cl.contact_id)) as left_topic
     from claimed cl
     left join contacts c on c.id = cl.contact_id and c.workspace_id = $1
     left join suppressions sp on sp.workspace_id = $1 and sp.email_hash = encode(sha256(convert_to(cl.to_email, 'UTF8')), 'hex')
     order by cl.id`,
    [workspaceId, n, now, new Date(now.getTime() + ctx.config.emailLeaseSeconds * 1000)],
  );
}

/**
 * Sends the workspace's messages that wait to be rendered, batch after batch, until none is
 * left or the mail server cannot be reached. Returns how many were handled.
 */
export async function deliverTemplated(ctx: AppContext, workspaceId: string): Promise<number> {
  let sender: Sender;
  try {
    sender = await senderFor(ctx, workspaceId);
  } catch (err) {
    // Not reachable now: the messages stay queued for the next run.
    if (err instanceof DestinationError) return 0;
    throw err;
  }
  const workspace = await workspaceMergeData(ctx, workspaceId);
  const snippets = await snippetMap(ctx, workspaceId);
  const base = baseUrl(ctx);
  const prepared = new Map<string, PreparedTemplate | null>();
  const dataOf = (m: Claimed): RenderData => ({
    ...m.extra,
    contact: contactMergeOfRow(m.contact_id, m, summarize(m.purchases ?? [], m.scores)),
    workspace,
    links: messageLinks(ctx, workspaceId, m.contact_id, m.id),
  });
  let handled = 0;
  for (;;) {
    if (stopping.has(ctx)) return handled;
    const batch = await claim(ctx, workspaceId, BATCH);
    if (batch.length === 0) return handled;
    const extra = await moduleMergeData(ctx, workspaceId, batch.map((m) => m.contact_id));
    for (const m of batch) m.extra = extra.get(m.contact_id);
    const byTemplate = new Map<string, ClaimedTemplated[]>();
    for (const m of batch) byTemplate.set(m.template_id, [...(byTemplate.get(m.template_id) ?? []), m]);
    let unreachable = false;
    for (const [templateId, messages] of byTemplate) {
      if (!prepared.has(templateId)) {
        const [src] = await ctx.db.query<TemplateSource>('select subject, preheader, body, defaults from email_templates where workspace_id = $1 and id = $2', [workspaceId, templateId]);
        prepared.set(templateId, src ? await prepareTemplate(src, snippets, messages.slice(0, 3).map(dataOf)) : null);
      }
      const p = prepared.get(templateId);
      const outcomes: Outcome[] = [];
      const queue = [...messages];
      const worker = async () => {
        for (let m = queue.shift(); m; m = queue.shift()) {
          if (!p) {
            outcomes.push({ id: m.id, contact_id: m.contact_id, state: 'failed', error: 'the template was deleted before the message was sent' });
            continue;
          }
          if (unreachable) {
            outcomes.push({ id: m.id, contact_id: m.contact_id, state: 'queued', uncount: true });
            continue;
          }
          const o = await deliver(ctx, sender, p, m, dataOf(m), base, workspaceId, m.kind);
          if (o.uncount) unreachable = true;
          outcomes.push(o);
        }
      };
      await Promise.all(Array.from({ length: sender.kind === 'smtp' ? POOL.inFlight : 1 }, worker));
      await writeOutcomes(ctx, workspaceId, null, templateId, outcomes);
    }
    handled += batch.length;
    // The server went away: what is left waits for the next run.
    if (unreachable) return handled;
  }
}

/** Every workspace with such messages due (the scheduled job). */
export async function deliverAllTemplated(ctx: AppContext): Promise<void> {
  const rows = await ctx.db.query<{ workspace_id: string }>(
    `select distinct workspace_id from email_messages
     where broadcast_id is null and html is null and template_id is not null and state in ('queued', 'sending') and (retry_at is null or retry_at <= $1)`,
    [ctx.clock.now()],
  );
  for (const r of rows) if (!stopping.has(ctx)) await deliverTemplated(ctx, r.workspace_id);
}

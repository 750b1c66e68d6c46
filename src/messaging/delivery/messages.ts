// The workspace's messages as rows: the outbox list (paged, filtered by state and recipient)
// and one message as it was sent.
import type { z } from 'zod';
import type { AppContext } from '../../server/context.ts';
import { badRequest, notFound } from '../../errors.ts';
import type { messageListQuery } from '../contract.ts';

/** The workspace's messages, latest first, a page at a time (keyset on time and id): the outbox when no SMTP server is set. */
export async function listMessages(ctx: AppContext, workspaceId: string, q: z.output<typeof messageListQuery> = {}) {
  const values: unknown[] = [workspaceId, q.limit ?? 50];
  const where = ['workspace_id = $1'];
  if (q.before) {
    // Where the previous page ended, read once: its time as text keeps the microseconds a Date would lose.
    const [b] = await ctx.db.query<{ at: string }>('select created_at::text as at from email_messages where workspace_id = $1 and id = $2', [workspaceId, q.before]);
    if (!b) throw badRequest('`before` names no message of this workspace: pass the id of the last message of the previous page.');
    values.push(b.at, q.before);
    where.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  if (q.state) {
    values.push(q.state);
    where.push(`state = $${values.length}`);
  }
  if (q.to) {
    values.push(`%${q.to.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    where.push(`lower(to_email) like $${values.length}`);
  }
  const rows = await ctx.db.query<{ id: string; kind: string; to_email: string; subject: string | null; state: string; transport: string | null; attempts: number; last_error: string | null; created_at: Date; sent_at: Date | null }>(
    `select id, kind, to_email, subject, state, transport, attempts, last_error, created_at, sent_at from email_messages
     where ${where.join(' and ')} order by created_at desc, id desc limit $2`,
    values,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    to: r.to_email,
    subject: r.subject ?? '',
    state: r.state,
    transport: r.transport,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
  }));
}

export async function getMessage(ctx: AppContext, workspaceId: string, id: string) {
  const [r] = await ctx.db.query<{ id: string; to_email: string; subject: string | null; html: string | null; text: string | null; state: string }>(
    'select id, to_email, subject, html, text, state from email_messages where workspace_id = $1 and id = $2',
    [workspaceId, id],
  );
  if (!r) throw notFound('The message');
  // A broadcast's messages keep their content only in the outbox (a copy of every message sent
  // through a real server would be most of the database); they are rendered when sent.
  const kept = r.html !== null;
  const note = r.state === 'queued' || r.state === 'sending' ? 'Not sent yet: the message is written when it is sent.' : 'The content of broadcast messages sent through SMTP is not kept; preview the broadcast template as this contact instead.';
  return { id: r.id, to: r.to_email, subject: r.subject ?? '', html: kept ? r.html! : '', text: kept ? (r.text ?? '') : note, state: r.state };
}

// Reading the stream: mentions with filters (network, sentiment, words, known customers only),
// newest first by keyset; volume and sentiment per day; the authors who mention the shop most;
// and a mention tied to a contact by hand (their handle is set on the contact, so later
// mentions by it are theirs too).
import { setFieldOf } from '../contacts/set-field.ts';
import { ensureDefinitions } from '../contacts/properties.ts';
import type { SqlSession } from '../db/client.ts';
import { Params } from '../db/params.ts';
import { conflict, notFound } from '../errors.ts';
import type { AppContext } from '../server/context.ts';
import { notifyDataChanged } from '../server/changes.ts';
import { ADAPTERS } from './accounts.ts';
import { HANDLE_PROPERTY } from './handles.ts';
import { type MentionRow, matchUnmatched, recordMentionEvents } from './mentions.ts';
import type { Network } from './networks/types.ts';

export type Sentiment = 'positive' | 'neutral' | 'negative' | 'unscored';

export interface StreamFilter {
  network?: Network;
  sentiment?: Sentiment;
  /** Words the text must hold (each of them). */
  q?: string;
  /** Only mentions by contacts. */
  known?: boolean;
  contactId?: string;
  kind?: 'mention' | 'reply' | 'hashtag' | 'keyword';
  /** Only replies to this post of the shop's. */
  postId?: string;
  /** Keyset: the last mention of the previous page. */
  before?: { postedAt: Date; id: string };
  limit: number;
}

export interface Mention {
  id: string;
  network: Network;
  kind: string;
  authorHandle: string;
  authorName: string;
  text: string;
  url: string | null;
  postedAt: Date;
  language: string;
  sentiment: 'positive' | 'neutral' | 'negative' | null;
  score: number | null;
  contact: { id: string; name: string; email: string | null } | null;
  matchedBy: 'handle' | 'hand' | null;
  /** The shop's post it answers. */
  postId: string | null;
}

type Row = MentionRow & { contact_name: string | null; contact_email: string | null; post_id: string | null };

function mentionOf(r: Row): Mention {
  return {
    id: r.id,
    network: r.network,
    kind: r.kind,
    authorHandle: r.author_handle,
    authorName: r.author_name,
    text: r.text,
    url: r.url,
    postedAt: r.posted_at,
    language: r.language,
    sentiment: r.sentiment,
    score: r.score,
    contact: r.contact_id ? { id: r.contact_id, name: r.contact_name?.trim() || r.contact_email || 'Contact', email: r.contact_email } : null,
    matchedBy: r.matched_by,
    postId: r.post_id,
  };
}

function where(p: Params, f: Omit<StreamFilter, 'limit' | 'before'>): string {
  const parts = ['m.workspace_id = $1'];
  if (f.network) parts.push(`m.network = ${p.add(f.network, 'text')}`);
  if (f.sentiment === 'unscored') parts.push('m.sentiment is null');
  else if (f.sentiment) parts.push(`m.sentiment = ${p.add(f.sentiment, 'text')}`);
  if (f.known) parts.push('m.contact_id is not null');
  if (f.contactId) parts.push(`m.contact_id = ${p.add(f.contactId, 'uuid')}`);
  if (f.kind) parts.push(`m.kind = ${p.add(f.kind, 'text')}`);
  if (f.postId) parts.push(`m.delivery_id in (select id from social_deliveries where workspace_id = $1 and post_id = ${p.add(f.postId, 'uuid')})`);
  for (const word of (f.q ?? '').split(/\s+/).filter(Boolean).slice(0, 8)) {
    parts.push(`m.text ilike ${p.add(`%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, 'text')}`);
  }
  return parts.join(' and ');
}

export async function listMentions(db: SqlSession, workspaceId: string, f: StreamFilter): Promise<{ mentions: Mention[]; next: string | null }> {
  const p = new Params([workspaceId]);
  let cond = where(p, f);
  if (f.before) cond += ` and (m.posted_at, m.id) < (${p.add(f.before.postedAt, 'timestamptz')}, ${p.add(f.before.id, 'uuid')})`;
  const rows = await db.query<Row>(
    `select m.*, nullif(btrim(concat_ws(' ', c.first_name, c.last_name)), '') as contact_name, c.email as contact_email, d.post_id
     from social_mentions m
     left join contacts c on c.id = m.contact_id and c.workspace_id = m.workspace_id
     left join social_deliveries d on d.id = m.delivery_id
     where ${cond} order by m.posted_at desc, m.id desc limit ${p.add(f.limit + 1, 'int')}`,
    p.values,
  );
  const page = rows.slice(0, f.limit).map(mentionOf);
  const last = page.at(-1);
  return { mentions: page, next: rows.length > f.limit && last ? `${last.postedAt.toISOString()}_${last.id}` : null };
}

export function parseCursor(cursor: string | undefined): { postedAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = cursor.split('_');
  const postedAt = new Date(at ?? '');
  if (Number.isNaN(postedAt.getTime()) || !id || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return { postedAt, id };
}

export interface StreamSummary {
  days: { day: string; positive: number; neutral: number; negative: number; unscored: number }[];
  authors: { network: Network; handle: string; name: string; mentions: number; negative: number; contact: { id: string; name: string } | null }[];
  totals: { mentions: number; positive: number; neutral: number; negative: number; unscored: number; known: number };
}

/** Volume and sentiment per day (in the workspace's time zone) over the last `days`, and the top authors, with the stream's filters. */
export async function summarize(db: SqlSession, workspaceId: string, f: Omit<StreamFilter, 'limit' | 'before'>, days: number, timeZone: string, now: Date): Promise<StreamSummary> {
  const p = new Params([workspaceId]);
  const cond = where(p, f);
  const since = p.add(new Date(now.getTime() - days * 86_400_000), 'timestamptz');
  const tz = p.add(timeZone, 'text');
  const byDay = await db.query<{ day: string; positive: number; neutral: number; negative: number; unscored: number; known: number }>(
    `select to_char(m.posted_at at time zone ${tz}, 'YYYY-MM-DD') as day, count(m.contact_id)::int as known,
       count(*) filter (where sentiment = 'positive')::int as positive, count(*) filter (where sentiment = 'neutral')::int as neutral,
       count(*) filter (where sentiment = 'negative')::int as negative, count(*) filter (where sentiment is null)::int as unscored
     from social_mentions m where ${cond} and m.posted_at >= ${since} group by 1 order by 1`,
    p.values,
  );
  const p2 = new Params([workspaceId]);
  const cond2 = where(p2, f);
  const since2 = p2.add(new Date(now.getTime() - days * 86_400_000), 'timestamptz');
  const authors = await db.query<{ network: Network; handle: string; name: string; n: number; negative: number; contact_id: string | null; contact_name: string | null }>(
    `select m.network, m.author_handle as handle, max(m.author_name) as name, count(*)::int as n, count(*) filter (where m.sentiment = 'negative')::int as negative,
       (array_agg(m.contact_id) filter (where m.contact_id is not null))[1] as contact_id,
       (array_agg(coalesce(nullif(btrim(concat_ws(' ', c.first_name, c.last_name)), ''), c.email)) filter (where c.id is not null))[1] as contact_name
     from social_mentions m left join contacts c on c.id = m.contact_id and c.workspace_id = m.workspace_id
     where ${cond2} and m.posted_at >= ${since2} group by 1, 2 order by n desc, 2 limit 10`,
    p2.values,
  );
  const totals = byDay.reduce(
    (t, d) => ({
      mentions: t.mentions + d.positive + d.neutral + d.negative + d.unscored,
      positive: t.positive + d.positive,
      neutral: t.neutral + d.neutral,
      negative: t.negative + d.negative,
      unscored: t.unscored + d.unscored,
      known: t.known + d.known,
    }),
    { mentions: 0, positive: 0, neutral: 0, negative: 0, unscored: 0, known: 0 },
  );
  return {
    days: byDay.map(({ known: _known, ...d }) => d),
    authors: authors.map((a) => ({ network: a.network, handle: a.handle, name: a.name, mentions: a.n, negative: a.negative, contact: a.contact_id ? { id: a.contact_id, name: a.contact_name ?? 'Contact' } : null })),
    totals,
  };
}

/**
 * Ties a mention to a contact by hand. The contact gets the author's handle when they have none
 * on that network, so the author's other mentions (earlier and later) are theirs too.
 */
export async function linkMention(ctx: AppContext, workspaceId: string, mentionId: string, contactId: string | null): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [m] = await tx.query<MentionRow>('select * from social_mentions where workspace_id = $1 and id = $2 for update', [workspaceId, mentionId]);
    if (!m) throw notFound('The mention');
    if (contactId === null) {
      await tx.query(`update social_mentions set contact_id = null, matched_by = null where id = $1`, [mentionId]);
      return;
    }
    const [c] = await tx.query<{ id: string; handle: string | null }>(`select id, properties ->> $3 as handle from contacts where workspace_id = $1 and id = $2 for update`, [
      workspaceId,
      contactId,
      HANDLE_PROPERTY[m.network],
    ]);
    if (!c) throw notFound('The contact');
    if (m.contact_id && m.contact_id !== contactId && m.matched_by === 'handle')
      throw conflict('This mention is by a handle another contact has: change that contact’s handle first.', { contactId: m.contact_id }, 'handle_taken');
    if (!c.handle) {
      await ensureDefinitions(tx, workspaceId, [{ key: HANDLE_PROPERTY[m.network], type: 'string', label: `${ADAPTERS[m.network].label} handle` }], ctx.clock.now());
      await setFieldOf(tx, workspaceId, [contactId], `properties.${HANDLE_PROPERTY[m.network]}`, m.author_handle, 'web', ctx.clock.now());
    }
    const [linked] = await tx.query<MentionRow>(`update social_mentions set contact_id = $2, matched_by = 'hand' where id = $1 returning *`, [mentionId, contactId]);
    await recordMentionEvents(tx, workspaceId, [linked!], ctx.clock.now());
    await matchUnmatched(tx, workspaceId, ctx.clock.now());
  });
  notifyDataChanged(ctx, workspaceId);
}

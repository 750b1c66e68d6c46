// Mentions into the stream: each post found is stored once (unique per network and remote id,
// however often it is fetched), with its language and sentiment, tied to the shop's post it
// answers and to the contact whose handle wrote it; a mention by a known contact is a
// `social.mentioned` event on their timeline, for segments and workflows.
import type { SqlSession } from '../db/client.ts';
import { recordEvents } from '../events/record.ts';
import { HANDLE_PROPERTY, normalizeHandle } from './handles.ts';
import type { FoundPost, Network } from './networks/types.ts';
import { analyzeSocialText } from './sentiment.ts';
import { storableText } from '../shared/storable-text.ts';

export interface MentionRow {
  id: string;
  network: Network;
  remote_id: string;
  account_id: string | null;
  kind: string;
  author_handle: string;
  author_name: string;
  text: string;
  url: string | null;
  posted_at: Date;
  language: string;
  sentiment: 'positive' | 'neutral' | 'negative' | null;
  score: number | null;
  contact_id: string | null;
  matched_by: 'handle' | 'hand' | null;
  delivery_id: string | null;
}

/** How the contacts of a network are found by handle: the expression of the index in migration 0033. */
export function handleExpression(network: Network, alias = 'c'): { key: string; has: string } {
  const prop = HANDLE_PROPERTY[network];
  return { key: `social_handle('${network}', ${alias}.properties ->> '${prop}')`, has: `${alias}.properties ? '${prop}'` };
}

export interface StoreResult {
  /** New mentions (not seen before). */
  stored: number;
  /** Of those, by a known contact. */
  matched: number;
}

/**
 * Stores what a stream found, in one statement: new ones only, each scored, matched to a
 * contact by handle and to the shop's post it answers; then their events.
 */
export async function storeMentions(
  tx: SqlSession,
  workspaceId: string,
  network: Network,
  found: FoundPost[],
  where: { accountId: string | null; streamId: string | null },
  now: Date,
): Promise<StoreResult> {
  if (found.length === 0) return { stored: 0, matched: 0 };
  // A network's text is not ours: one NUL or half character must not fail the whole fetch.
  found = found.map(storableFound);
  // What is stored already is not analysed again (a fetch that starts over finds the same posts).
  const seen = new Set(
    (await tx.query<{ remote_id: string }>('select remote_id from social_mentions where workspace_id = $1 and network = $2 and remote_id = any($3::text[])', [workspaceId, network, found.map((f) => f.remoteId)])).map(
      (r) => r.remote_id,
    ),
  );
  const fresh = found.filter((f) => !seen.has(f.remoteId));
  if (fresh.length === 0) return { stored: 0, matched: 0 };
  const rows = fresh.map((f) => {
    const analysis = analyzeSocialText(f.text);
    return {
      r: f.remoteId,
      li: f.localId,
      k: f.kind,
      h: normalizeHandle(network, f.authorHandle) ?? f.authorHandle.toLowerCase(),
      n: f.authorName.slice(0, 200),
      a: f.authorRemoteId,
      t: f.text,
      u: f.url,
      p: f.postedAt.toISOString(),
      l: analysis.language,
      s: analysis.sentiment,
      sc: analysis.score,
      i: f.inReplyTo,
    };
  });
  const { key, has } = handleExpression(network);
  const inserted = await tx.query<MentionRow>(
    `insert into social_mentions (workspace_id, network, remote_id, local_id, account_id, stream_id, kind, author_handle, author_name, author_remote_id,
       text, url, posted_at, fetched_at, language, sentiment, score, contact_id, matched_by, in_reply_to, delivery_id)
     select $1, $2, e.r, e.li, $3, $4, e.k, e.h, coalesce(e.n, ''), e.a, e.t, e.u, e.p, $5, e.l, e.s, e.sc,
            m.id, case when m.id is not null then 'handle' end, e.i, d.id
     from (select distinct on (r) * from jsonb_to_recordset($6::jsonb) as x(r text, li text, k text, h text, n text, a text, t text, u text, p timestamptz, l text, s text, sc real, i text)) e
     left join lateral (select c.id from contacts c where c.workspace_id = $1 and ${has} and ${key} = e.h order by c.created_at, c.id limit 1) m on true
     left join social_deliveries d on d.workspace_id = $1 and d.network = $2 and e.i is not null and d.remote_id = e.i and d.account_id = $3
     on conflict (workspace_id, network, remote_id) do nothing
     returning id, network, remote_id, account_id, kind, author_handle, author_name, text, url, posted_at, language, sentiment, score, contact_id, matched_by, delivery_id`,
    [workspaceId, network, where.accountId, where.streamId, now, JSON.stringify(rows)],
  );
  const matched = inserted.filter((m) => m.contact_id);
  await recordMentionEvents(tx, workspaceId, matched, now);
  return { stored: inserted.length, matched: matched.length };
}

function storableFound(f: FoundPost): FoundPost {
  const t = storableText;
  const n = (v: string | null) => (v === null ? null : storableText(v));
  return { ...f, remoteId: t(f.remoteId), localId: t(f.localId), authorHandle: t(f.authorHandle), authorName: t(f.authorName), authorRemoteId: n(f.authorRemoteId), text: t(f.text), url: n(f.url), inReplyTo: n(f.inReplyTo) };
}

/** The `social.mentioned` events of mentions tied to a contact, once per mention (keyed by it). */
export async function recordMentionEvents(tx: SqlSession, workspaceId: string, mentions: MentionRow[], now: Date): Promise<number> {
  return recordEvents(
    tx,
    workspaceId,
    'social',
    mentions
      .filter((m) => m.contact_id)
      .map((m) => ({
        name: 'social.mentioned',
        contactId: m.contact_id!,
        // A server's clock ahead of ours does not put the event in the future (out of every "last N days").
        occurredAt: m.posted_at > now ? now : m.posted_at,
        messageId: `social.mentioned:${m.network}:${m.remote_id}`,
        properties: {
          network: m.network,
          kind: m.kind,
          sentiment: m.sentiment,
          score: m.score,
          language: m.language,
          text: m.text.length > 1000 ? `${m.text.slice(0, 999)}…` : m.text,
          url: m.url,
          handle: m.author_handle,
          mention_id: m.id,
        },
      })),
  );
}

/**
 * Ties earlier mentions to contacts who have since been given the author's handle (an import,
 * the contact page), with their events. One statement per network.
 */
export async function matchUnmatched(tx: SqlSession, workspaceId: string, now: Date): Promise<number> {
  let total = 0;
  for (const network of Object.keys(HANDLE_PROPERTY) as Network[]) {
    const { key, has } = handleExpression(network);
    const rows = await tx.query<MentionRow>(
      `update social_mentions m set contact_id = x.contact_id, matched_by = 'handle'
       from (select distinct on (${key}) ${key} as handle, c.id as contact_id from contacts c
             where c.workspace_id = $1 and ${has} order by ${key}, c.created_at, c.id) x
       where m.workspace_id = $1 and m.network = $2 and m.contact_id is null and m.author_handle = x.handle
       returning m.id, m.network, m.remote_id, m.account_id, m.kind, m.author_handle, m.author_name, m.text, m.url, m.posted_at, m.language, m.sentiment, m.score, m.contact_id, m.matched_by, m.delivery_id`,
      [workspaceId, network],
    );
    await recordMentionEvents(tx, workspaceId, rows, now);
    total += rows.length;
  }
  return total;
}

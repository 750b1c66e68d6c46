// `npm run bench -- social`: mentions into the stream, as the listening job stores them.
// - MENTIONS posts (100,000) by AUTHORS authors, half of whom are contacts (their Bluesky handle
//   on the contact, written in assorted ways: "@Ann.bsky.social", a profile link…), are stored in
//   batches of BATCH (what one fetch of a stream brings): each post's language and sentiment
//   computed (the texts are TweetEval's tweets, test/fixtures/social-sentiment), matched to its
//   contact by handle, tied to the shop's post it answers, inserted once, and a social.mentioned
//   event written for each known author's post.
// - The reference: the bare insert of the same rows (language, sentiment and contact already
//   known) into a table of the same shape, in the same batches.
// - Then every post again (a fetch that lost its cursor): nothing new is stored.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { analyzeChangedTables } from '../src/db/analyze.ts';
import { storeMentions } from '../src/social/mentions.ts';
import type { FoundPost } from '../src/social/networks/types.ts';
import { analyzeSocialText } from '../src/social/sentiment.ts';
import { benchDatabase, log } from './_setup.ts';

const MENTIONS = Number(process.env.MENTIONS ?? 100_000);
const AUTHORS = Number(process.env.AUTHORS ?? 20_000);
const CONTACTS = Number(process.env.CONTACTS ?? 50_000);
const BATCH = Number(process.env.BATCH ?? 500);

const root = path.resolve(import.meta.dirname, '..');
const texts = readFileSync(path.join(root, 'test/fixtures/social-sentiment/test_text.txt'), 'utf8').trimEnd().split('\n');

/** How a person might have typed the handle on the contact. */
const typed = (h: string, i: number) => [h, `@${h}`, `https://bsky.app/profile/${h}`, h.toUpperCase()][i % 4]!;

async function main() {
  const bench = await benchDatabase('social');
  const { db, workspaceId: ws } = bench;
  const now = new Date();
  try {
    const seed = performance.now();
    // Contacts: the first AUTHORS/2 authors are contacts, among CONTACTS contacts.
    await db.query(
      `insert into contacts (workspace_id, email, properties, created_at, updated_at)
       select $1, 's' || i || '@example.com',
              case when i <= $3 then jsonb_build_object('bluesky_handle', (array[h, '@' || h, 'https://bsky.app/profile/' || h, upper(h)])[1 + i % 4]) else '{}'::jsonb end, $2, $2
       from generate_series(1, $4::int) i, lateral (select 'author' || i || '.bsky.social' as h) x`,
      [ws, now, AUTHORS / 2, CONTACTS],
    );
    await db.query(`insert into property_definitions (workspace_id, key, label, type) values ($1, 'bluesky_handle', 'Bluesky handle', 'string') on conflict do nothing`, [ws]);
    await analyzeChangedTables(db);
    log(`seeded ${CONTACTS.toLocaleString()} contacts (${(AUTHORS / 2).toLocaleString()} with a Bluesky handle, typed in four ways: ${[0, 1, 2, 3].map((i) => typed('ann.bsky.social', i)).join(', ')}) in ${((performance.now() - seed) / 1000).toFixed(1)} s`);

    const posts: FoundPost[] = Array.from({ length: MENTIONS }, (_, i) => {
      const author = `author${1 + ((i * 7919) % AUTHORS)}.bsky.social`;
      return {
        remoteId: `at://did:plc:bench${i % AUTHORS}/app.bsky.feed.post/${i.toString(36).padStart(13, '2')}`,
        localId: `at://did:plc:bench${i % AUTHORS}/app.bsky.feed.post/${i.toString(36).padStart(13, '2')}`,
        kind: i % 5 === 0 ? 'reply' : 'mention',
        authorHandle: author,
        authorName: `Author ${i % AUTHORS}`,
        authorRemoteId: `did:plc:bench${i % AUTHORS}`,
        text: `@shop.bsky.social ${texts[i % texts.length]!.trim()}`,
        url: `https://bsky.app/profile/${author}/post/${i}`,
        postedAt: new Date(now.getTime() - (MENTIONS - i) * 1000),
        languages: ['en'],
        inReplyTo: null,
      };
    });

    // The reference: the same rows, everything already known, inserted bare.
    await db.query('create table social_mentions_reference (like social_mentions including defaults including constraints including indexes)');
    const known = new Map<string, string>();
    for (const r of await db.query<{ id: string; h: string }>(`select id, social_handle('bluesky', properties ->> 'bluesky_handle') as h from contacts where workspace_id = $1 and properties ? 'bluesky_handle'`, [ws])) known.set(r.h, r.id);
    const prepared = posts.map((p) => {
      const a = analyzeSocialText(p.text);
      return { r: p.remoteId, k: p.kind, h: p.authorHandle, n: p.authorName, a: p.authorRemoteId, t: p.text, u: p.url, p: p.postedAt.toISOString(), l: a.language, s: a.sentiment, sc: a.score, c: known.get(p.authorHandle) ?? null };
    });
    const r0 = performance.now();
    for (let i = 0; i < prepared.length; i += BATCH) {
      await db.query(
        `insert into social_mentions_reference (workspace_id, network, remote_id, kind, author_handle, author_name, author_remote_id, text, url, posted_at, fetched_at, language, sentiment, score, contact_id, matched_by)
         select $1, 'bluesky', e.r, e.k, e.h, e.n, e.a, e.t, e.u, e.p, $2, e.l, e.s, e.sc, e.c, case when e.c is not null then 'handle' end
         from jsonb_to_recordset($3::jsonb) as e(r text, k text, h text, n text, a text, t text, u text, p timestamptz, l text, s text, sc real, c uuid)`,
        [ws, now, JSON.stringify(prepared.slice(i, i + BATCH))],
      );
    }
    const referenceS = (performance.now() - r0) / 1000;

    // Rapport's path: analysis, matching, insert once, events.
    let stored = 0;
    let matched = 0;
    const t0 = performance.now();
    for (let i = 0; i < posts.length; i += BATCH) {
      const r = await db.transaction((tx) => storeMentions(tx, ws, 'bluesky', posts.slice(i, i + BATCH), { accountId: null, streamId: null }, new Date()));
      stored += r.stored;
      matched += r.matched;
    }
    const storeS = (performance.now() - t0) / 1000;

    // Everything fetched again: nothing new.
    const a0 = performance.now();
    let again = 0;
    for (let i = 0; i < posts.length; i += BATCH) {
      again += (await db.transaction((tx) => storeMentions(tx, ws, 'bluesky', posts.slice(i, i + BATCH), { accountId: null, streamId: null }, new Date()))).stored;
    }
    const againS = (performance.now() - a0) / 1000;

    const [counts] = await db.query<{ mentions: number; known: number; events: number; negative: number; unscored: number }>(
      `select (select count(*)::int from social_mentions where workspace_id = $1) as mentions,
              (select count(*)::int from social_mentions where workspace_id = $1 and contact_id is not null) as known,
              (select count(*)::int from events where workspace_id = $1 and name = 'social.mentioned') as events,
              (select count(*)::int from social_mentions where workspace_id = $1 and sentiment = 'negative') as negative,
              (select count(*)::int from social_mentions where workspace_id = $1 and sentiment is null) as unscored`,
      [ws],
    );
    const expectedKnown = prepared.filter((p) => p.c).length;
    const ok = counts!.mentions === MENTIONS && stored === MENTIONS && again === 0 && counts!.known === expectedKnown && matched === expectedKnown && counts!.events === expectedKnown;
    if (!ok) log(`MISMATCH: ${JSON.stringify({ ...counts, stored, matched, again, expectedKnown })}`);
    const perS = Math.round(MENTIONS / storeS);
    const refPerS = Math.round(MENTIONS / referenceS);
    console.log(
      JSON.stringify({
        bench: 'social',
        database: bench.kind,
        mentions: MENTIONS,
        batch: BATCH,
        authors: AUTHORS,
        contacts: CONTACTS,
        known_mentions: counts!.known,
        events: counts!.events,
        negative: counts!.negative,
        unscored: counts!.unscored,
        mentions_per_s: perS,
        refetch_per_s: Math.round(MENTIONS / againS),
        reference_inserts_per_s: refPerS,
        ratio: Number((refPerS / perS).toFixed(2)),
        correct: ok,
      }),
    );
  } finally {
    await bench.close();
  }
}

await main();

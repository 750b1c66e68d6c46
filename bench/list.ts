// `npm run bench -- list`: the contact list (GET /api/v1/contacts, `listContacts` and the
// `prepareList` it is built on) and the streamed CSV export, over ROWS contacts seeded by one
// INSERT … SELECT from generate_series, with three custom properties. Every query is timed
// through the app's own functions and against a hand-written SQL query that answers the same
// question (median of 7 runs after a warm-up, the two interleaved so that a neighbour's load
// falls on both alike); the ratio is app / hand-written.
// ROWS defaults to 1,000,000 on PostgreSQL (DATABASE_URL) and 100,000 on PGlite.
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Database, SqlSession } from '../src/db/client.ts';
import type { ContactFilter } from '../src/contact-list/contract.ts';
import { exportContactsCsv } from '../src/contact-list/export.ts';
import { listContacts } from '../src/contact-list/list.ts';
import { encodeCursor, prepareList } from '../src/contact-list/paging.ts';
import { createDefinition } from '../src/contacts/properties.ts';
import type { AppContext } from '../src/server/context.ts';
import { type BenchDb, benchDatabase, log, rssSampler } from './_setup.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const ROWS = Number(process.env.ROWS ?? (onPostgres ? 1_000_000 : 100_000));
const RUNS = 7;
const LIMIT = 50;

// 20 × 15 = 300 first names, 10 × 10 × 10 = 1,000 last names (drawn with a skew, as real
// names are: a few are common, most are rare). "lee" is in some of both, so that searching
// "lee" is a common search.
const FIRST_START = ['Al', 'Be', 'Ca', 'Da', 'E', 'Fa', 'Ga', 'Ha', 'I', 'Ja', 'Ka', 'La', 'Ma', 'Na', 'O', 'Pa', 'Ra', 'Sa', 'Ta', 'Vi'];
const FIRST_END = ['na', 'ron', 'lee', 'mir', 'da', 'sha', 'tor', 'lia', 'ven', 'ric', 'nia', 'bel', 'dan', 'ssa', 'lo'];
const LAST_A = ['Ber', 'Cal', 'Dor', 'Fen', 'Har', 'Kel', 'Mor', 'Pen', 'Sto', 'Wil'];
const LAST_B = ['a', 'e', 'i', 'o', 'u', 'an', 'en', 'in', 'on', 'ar'];
const LAST_C = ['son', 'ton', 'ley', 'man', 'ford', 'wood', 'field', 'berg', 'lee', 'ridge'];
const DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'proton.me', 'example.com', 'acme.io'];
const CITIES = [
  'London', 'Paris', 'Berlin', 'Madrid', 'Rome', 'Amsterdam', 'Vienna', 'Prague', 'Warsaw', 'Lisbon',
  'Dublin', 'Oslo', 'Stockholm', 'Helsinki', 'Copenhagen', 'Brussels', 'Zurich', 'Munich', 'Milan', 'Barcelona',
  'New York', 'Boston', 'Chicago', 'Austin', 'Denver', 'Seattle', 'Toronto', 'Montreal', 'Mexico City', 'Bogotá',
  'São Paulo', 'Buenos Aires', 'Lagos', 'Nairobi', 'Cairo', 'Mumbai', 'Bangalore', 'Singapore', 'Tokyo', 'Sydney',
];

/** One INSERT … SELECT: ids are UUIDv7 of each contact's created_at, so id order is creation order. */
async function seed(bench: BenchDb): Promise<void> {
  const spanSeconds = 3 * 365.25 * 86_400;
  const start = new Date(Date.now() - spanSeconds * 1000 - 3_600_000);
  await bench.db.transaction(async (tx) => {
    await tx.query('select setseed(0.42)');
    await tx.query(
      `insert into contacts (id, workspace_id, email, first_name, last_name, lifecycle_stage, email_status, properties, created_at, updated_at)
       select
         encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                placing substring(int8send(floor(extract(epoch from s.created_at) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid,
         $1::uuid,
         case when s.r_email < 0.01 then null
              else lower(s.first_name || '.' || coalesce(s.last_name, 'x') || s.i || '@' || ($7::text[])[1 + floor(s.r_domain * ${DOMAINS.length})::int]) end,
         s.first_name,
         s.last_name,
         case when s.r_stage < 0.35 then 'subscriber' when s.r_stage < 0.60 then 'lead' when s.r_stage < 0.68 then 'opportunity'
              when s.r_stage < 0.88 then 'customer' when s.r_stage < 0.91 then 'evangelist' when s.r_stage < 0.98 then 'churned' end,
         case when s.r_status < 0.85 then 'subscribed' when s.r_status < 0.90 then 'not_subscribed' when s.r_status < 0.96 then 'unsubscribed'
              when s.r_status < 0.99 then 'bounced' else 'complained' end,
         jsonb_strip_nulls(jsonb_build_object(
           'lifetime_spend', case when s.r_spend_set < 0.8 then round((power(s.r_spend, 3) * 5000)::numeric, 2) end,
           'tier', case when s.r_tier < 0.54 then 'bronze' when s.r_tier < 0.81 then 'silver' when s.r_tier < 0.90 then 'gold' end,
           'city', case when s.r_city_set < 0.7 then ($8::text[])[1 + floor(power(s.r_city, 2) * ${CITIES.length})::int] end)),
         s.created_at,
         least(now(), s.created_at + power(s.r_updated, 4) * interval '400 days')
       from (
         select g.i,
           $3::timestamptz + (g.i - 1 + random() * 0.9) * $4::float8 * interval '1 second' as created_at,
           ($5::text[])[1 + floor(power(random(), 1.5) * ${FIRST_START.length * FIRST_END.length})::int] as first_name,
           case when random() < 0.08 then null
                else ($6::text[])[1 + floor(power(random(), 2) * ${LAST_A.length * LAST_B.length * LAST_C.length})::int] end as last_name,
           random() as r_email, random() as r_domain, random() as r_stage, random() as r_status, random() as r_spend_set,
           random() as r_spend, random() as r_tier, random() as r_city_set, random() as r_city, random() as r_updated
         from generate_series(1, $2::int) g(i)
       ) s`,
      [
        bench.workspaceId,
        ROWS,
        start.toISOString(),
        spanSeconds / ROWS,
        FIRST_START.flatMap((a) => FIRST_END.map((b) => a + b)),
        LAST_A.flatMap((a) => LAST_B.flatMap((b) => LAST_C.map((c) => a + b + c))),
        DOMAINS,
        CITIES,
      ],
    );
  });
}

/** A database handle that records the statements the app sends (for EXPLAIN afterwards). */
function recording(db: Database, sink: { text: string; params: unknown[] }[]): Database {
  const wrap = (s: SqlSession): SqlSession => ({
    query: <T,>(text: string, params?: unknown[]) => {
      sink.push({ text, params: params ?? [] });
      return s.query<T>(text, params);
    },
    exec: (text: string) => s.exec(text),
  });
  return { ...db, ...wrap(db), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) };
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Scan Direction'?: string;
  'Relation Name'?: string;
  'Sort Method'?: string;
  'Rows Removed by Filter'?: number;
  'Actual Loops'?: number;
  'Workers Launched'?: number;
  Plans?: PlanNode[];
}

/** "Limit > Index Scan Backward contacts_created_idx (removed 1234)": the plan's shape. */
function shape(node: PlanNode): string {
  let s = node['Node Type'];
  if (node['Node Type'].includes('Index') && node['Scan Direction'] === 'Backward') s += ' Backward';
  if (node['Index Name']) s += ` ${node['Index Name']}`;
  else if (node['Relation Name']) s += ` ${node['Relation Name']}`;
  if (node['Sort Method']) s += ` (${node['Sort Method']})`;
  const removed = Math.round((node['Rows Removed by Filter'] ?? 0) * (node['Actual Loops'] ?? 1));
  if (removed > 0) s += ` (removed ${removed.toLocaleString('en')})`;
  const kids = node.Plans ?? [];
  if (kids.length === 1) return `${s} > ${shape(kids[0]!)}`;
  if (kids.length > 1) return `${s} > [${kids.map(shape).join(' | ')}]`;
  return s;
}

async function explain(db: Database, text: string, params: unknown[]): Promise<string> {
  const [row] = await db.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, format json) ${text}`, params);
  const doc = row?.['QUERY PLAN'];
  const parsed = (typeof doc === 'string' ? JSON.parse(doc) : doc) as [{ Plan: PlanNode; 'Execution Time': number }];
  return `${shape(parsed[0].Plan)} [${parsed[0]['Execution Time'].toFixed(1)} ms]`;
}

/** The plans of the SELECTs `fn` sends through the app's database handle. */
async function appPlans(bench: BenchDb, fn: (ctx: AppContext) => Promise<unknown>): Promise<string> {
  const sink: { text: string; params: unknown[] }[] = [];
  await fn({ ...bench.ctx, db: recording(bench.db, sink) });
  const plans: string[] = [];
  for (const s of sink) {
    if (!/^\s*select/i.test(s.text) || /set_config/.test(s.text)) continue;
    plans.push(await explain(bench.db, s.text, s.params));
  }
  return plans.join(' ; ');
}

/** Median ms of each function: one warm-up each, then RUNS rounds taking them in turn. */
async function timeAll(fns: Record<string, () => Promise<unknown>>): Promise<Record<string, number>> {
  const names = Object.keys(fns);
  for (const n of names) await fns[n]!();
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < RUNS; r++) {
    for (const n of names) {
      const t = performance.now();
      await fns[n]!();
      samples[n]!.push(performance.now() - t);
    }
  }
  return Object.fromEntries(
    names.map((n) => {
      const s = samples[n]!.sort((a, b) => a - b);
      return [n, Number(s[Math.floor(s.length / 2)]!.toFixed(2))];
    }),
  );
}

/** app / reference: two decimals, or two significant digits when far below 1 (0.0035). */
const ratio = (app: number, ref: number) => {
  const r = app / ref;
  return Number(r >= 0.1 ? r.toFixed(2) : r.toPrecision(2));
};

const REF_COLUMNS = 'id, email, external_id, phone, first_name, last_name, lifecycle_stage, email_status, properties, created_at, updated_at';

interface Case {
  name: string;
  q?: string;
  filters?: ContactFilter[];
  sort: string;
  order: 'asc' | 'desc';
  after?: string;
  /** The hand-written answer: conditions after `workspace_id = $1` and the ORDER BY. */
  ref: { where: string; orderBy: string; params: unknown[] };
  /** Another hand-written query worth showing beside it (e.g. OFFSET, or an index probe). */
  extra?: { name: string; sql: string; params: unknown[] };
}

async function main() {
  const bench = await benchDatabase('list');
  const { ctx, db, workspaceId: ws } = bench;
  try {
    log(`seeding ${ROWS.toLocaleString('en')} contacts on ${bench.kind}…`);
    let t = performance.now();
    await seed(bench);
    const seedSeconds = (performance.now() - t) / 1000;
    log(`seeded in ${seedSeconds.toFixed(1)} s`);
    for (const [key, label, type, options] of [
      ['lifetime_spend', 'Lifetime spend', 'number', []],
      ['tier', 'Tier', 'enum', ['bronze', 'silver', 'gold']],
      ['city', 'City', 'string', []],
    ] as const) {
      await createDefinition(ctx, ws, { key, label, description: '', type, options: [...options] });
    }
    t = performance.now();
    await db.exec('analyze contacts');
    log(`analyze contacts: ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // A cursor deep down: the row at 60 % of the default order (row 600,000 of a million),
    // encoded as the list encodes its nextCursor (the sort value as to_jsonb text, and the id).
    const deep = Math.floor(ROWS * 0.6);
    const [at] = await db.query<{ id: string; v: string }>(
      `select id, to_jsonb(created_at) #>> '{}' as v from contacts where workspace_id = $1 order by created_at desc, id desc offset $2 limit 1`,
      [ws, deep - 1],
    );
    const cursor = encodeCursor({ s: 'created_at', o: 'desc', v: at!.v, id: at!.id });
    const [rare] = await db.query<{ email: string }>(
      `select email from contacts where workspace_id = $1 and email is not null order by id offset $2 limit 1`,
      [ws, Math.floor(ROWS * 0.777)],
    );
    const rareEmail = rare!.email;
    log(`cursor at row ${deep.toLocaleString('en')}: ${at!.id}; rare email: ${rareEmail}`);

    const newest = 'created_at desc, id desc';
    const spend = `(properties ->> 'lifetime_spend')::numeric`;
    const cases: Case[] = [
      { name: 'default_first_page', sort: 'created_at', order: 'desc', ref: { where: '', orderBy: newest, params: [] } },
      {
        name: 'page_at_60pct',
        sort: 'created_at',
        order: 'desc',
        after: cursor,
        ref: { where: 'and (created_at, id) < ($2::timestamptz, $3::uuid)', orderBy: newest, params: [at!.v, at!.id] },
        extra: {
          name: 'offset_ms',
          sql: `select ${REF_COLUMNS} from contacts where workspace_id = $1 order by ${newest} offset $2 limit ${LIMIT}`,
          params: [ws, deep],
        },
      },
      { name: 'sort_last_name_asc', sort: 'last_name', order: 'asc', ref: { where: '', orderBy: 'last_name, id', params: [] } },
      { name: 'sort_email_asc', sort: 'email', order: 'asc', ref: { where: '', orderBy: 'email, id', params: [] } },
      { name: 'search_lee', q: 'lee', sort: 'created_at', order: 'desc', ref: { where: `and search_text like '%lee%'`, orderBy: newest, params: [] } },
      {
        name: 'search_rare_email',
        q: rareEmail,
        sort: 'created_at',
        order: 'desc',
        ref: { where: 'and search_text like $2', orderBy: newest, params: [`%${rareEmail}%`] },
        extra: {
          name: 'email_equality_ms',
          sql: `select ${REF_COLUMNS} from contacts where workspace_id = $1 and email = $2 order by ${newest} limit ${LIMIT}`,
          params: [ws, rareEmail],
        },
      },
      {
        name: 'filter_tier_gold',
        filters: [{ field: 'properties.tier', op: 'eq', value: 'gold' }],
        sort: 'created_at',
        order: 'desc',
        ref: { where: `and properties ->> 'tier' = 'gold'`, orderBy: newest, params: [] },
      },
      {
        name: 'filter_spend_gt_4990',
        filters: [{ field: 'properties.lifetime_spend', op: 'gt', value: 4990 }],
        sort: 'created_at',
        order: 'desc',
        ref: { where: `and ${spend} > 4990`, orderBy: newest, params: [] },
      },
      {
        name: 'sort_lifetime_spend_desc',
        sort: 'properties.lifetime_spend',
        order: 'desc',
        ref: { where: '', orderBy: `${spend} desc nulls last, id desc`, params: [] },
      },
      {
        name: 'sort_lifetime_spend_asc',
        sort: 'properties.lifetime_spend',
        order: 'asc',
        ref: { where: '', orderBy: `${spend}, id`, params: [] },
      },
    ];

    const queries: Record<string, unknown> = {};
    for (const c of cases) {
      const selection = { q: c.q, filters: c.filters ?? [] };
      const options = { sort: c.sort, order: c.order };
      const refSql = `select ${REF_COLUMNS} from contacts where workspace_id = $1 ${c.ref.where} order by ${c.ref.orderBy} limit ${LIMIT}`;
      const refParams = [ws, ...c.ref.params];
      const page = async (x: AppContext = ctx) => (await prepareList(x, ws, selection, options)).page(LIMIT, c.after);
      const fns: Record<string, () => Promise<unknown>> = {
        app: () => page(),
        ref: () => db.query(refSql, refParams),
        api: () => listContacts(ctx, ws, { ...selection, ...options, limit: LIMIT, after: c.after }),
      };
      if (!c.after) fns.count = async () => (await prepareList(ctx, ws, selection, options)).count();
      if (c.extra) {
        const e = c.extra;
        fns.extra = () => db.query(e.sql, e.params);
      }
      log(`${c.name}…`);
      const ms = await timeAll(fns);
      // Same rows, same order?
      const appIds = (await page()).items.map((i) => i.id);
      const refIds = (await db.query<{ id: string }>(refSql, refParams)).map((r) => r.id);
      const same = appIds.length === refIds.length && appIds.every((id, i) => id === refIds[i]);
      const [m] = await db.query<{ n: number }>(`select count(*)::int as n from contacts where workspace_id = $1 ${c.ref.where}`, refParams);
      const api = await listContacts(ctx, ws, { ...selection, ...options, limit: LIMIT, after: c.after });
      const plan = await appPlans(bench, (x) => page(x));
      const referencePlan = await explain(db, refSql, refParams);
      const entry = {
        ms: ms.app,
        reference_ms: ms.ref,
        ratio: ratio(ms.app!, ms.ref!),
        api_ms: ms.api,
        ...(ms.count !== undefined ? { count_ms: ms.count, total: api.total, total_exact: api.totalExact } : {}),
        ...(c.extra ? { [c.extra.name]: ms.extra } : {}),
        matches: m!.n,
        rows: appIds.length,
        same_rows: same,
        plan,
        reference_plan: referencePlan,
      };
      queries[c.name] = entry;
      log(`  app ${ms.app} ms, reference ${ms.ref} ms, api (page + count) ${ms.api} ms${ms.count !== undefined ? `, count ${ms.count} ms (${api.total}${api.totalExact ? '' : ' est.'})` : ''}${c.extra ? `, ${c.extra.name} ${ms.extra}` : ''}; ${m!.n.toLocaleString('en')} matches${same ? '' : ' — ROWS DIFFER'}`);
      log(`  plan: ${plan}`);
      log(`  reference plan: ${referencePlan}`);
    }

    // The count of all contacts as the list offers it (exact up to 10,000, else an estimate)
    // against an exact count(*).
    {
      log('count…');
      const list = await prepareList(ctx, ws, { filters: [] }, { sort: 'created_at', order: 'desc' });
      const ms = await timeAll({
        app: () => list.count(),
        ref: () => db.query(`select count(*)::int as n from contacts where workspace_id = $1`, [ws]),
      });
      const got = await list.count();
      const plan = await appPlans(bench, async (x) => (await prepareList(x, ws, { filters: [] }, { sort: 'created_at', order: 'desc' })).count());
      const referencePlan = await explain(db, `select count(*)::int as n from contacts where workspace_id = $1`, [ws]);
      queries.count = {
        ms: ms.app,
        reference_ms: ms.ref,
        ratio: ratio(ms.app!, ms.ref!),
        total: got.total,
        exact: got.exact,
        reference_total: ROWS,
        plan,
        reference_plan: referencePlan,
      };
      log(`  app ${ms.app} ms (${got.total}${got.exact ? '' : ' est.'}), reference ${ms.ref} ms`);
      log(`  plan: ${plan}`);
    }

    // The streamed CSV export of every contact (once: it reads the whole table).
    log('export…');
    const countLines = (chunk: Buffer | string) => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      let n = 0;
      for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
      return { bytes: b.length, lines: n };
    };
    const rssBefore = Math.round(process.memoryUsage().rss / 1024 / 1024);
    let sampler = rssSampler(50);
    t = performance.now();
    const stream = await exportContactsCsv(ctx, ws, { filters: [] }, { sort: 'created_at', order: 'desc' });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const c = countLines(chunk);
      bytes += c.bytes;
      lines += c.lines;
    }
    const exportSeconds = (performance.now() - t) / 1000;
    const exportPeak = sampler.stop();
    log(`  app: ${exportSeconds.toFixed(2)} s, ${(bytes / 1024 / 1024).toFixed(1)} MB, ${lines - 1} rows, peak RSS ${exportPeak} MB (${rssBefore} MB before)`);

    // How much of it is reading: the same keyset pages of 1,000 the export reads, without CSV.
    t = performance.now();
    {
      const list = await prepareList(ctx, ws, { filters: [] }, { sort: 'created_at', order: 'desc' });
      let after: string | undefined;
      do {
        after = (await list.page(1000, after)).nextCursor ?? undefined;
      } while (after);
    }
    const pagesSeconds = (performance.now() - t) / 1000;
    log(`  of which reading the pages (page(1000) walked to the end, no CSV): ${pagesSeconds.toFixed(2)} s`);

    // Reference: COPY of the same columns in the same order, streamed to the client.
    const refExport = `copy (select id, email, external_id, phone, first_name, last_name, lifecycle_stage, email_status, created_at, updated_at,
                         properties ->> 'city', properties ->> 'lifetime_spend', properties ->> 'tier'
                       from contacts where workspace_id = '${ws}' order by ${newest})`;
    let refBytes = 0;
    let refLines = 0;
    const refRssBefore = Math.round(process.memoryUsage().rss / 1024 / 1024);
    sampler = rssSampler(50);
    t = performance.now();
    if (bench.kind === 'postgres') {
      const client = new pg.Client({ connectionString: bench.url });
      await client.connect();
      const out = client.query(copyTo(`${refExport} to stdout with (format csv, header true)`));
      for await (const chunk of out as AsyncIterable<Buffer>) {
        const c = countLines(chunk);
        refBytes += c.bytes;
        refLines += c.lines;
      }
      await client.end();
    } else {
      const res = await db.pglite!.query(`${refExport} to '/dev/blob' with (format csv, header true)`);
      const c = countLines(Buffer.from(await res.blob!.arrayBuffer()));
      refBytes = c.bytes;
      refLines = c.lines;
    }
    const refSeconds = (performance.now() - t) / 1000;
    const refPeak = sampler.stop();
    log(`  reference COPY: ${refSeconds.toFixed(2)} s, ${(refBytes / 1024 / 1024).toFixed(1)} MB, ${refLines - 1} rows, peak RSS ${refPeak} MB (${refRssBefore} MB before)`);

    console.log(
      JSON.stringify({
        bench: 'list',
        db: bench.kind,
        rows: ROWS,
        seed_seconds: Number(seedSeconds.toFixed(1)),
        queries,
        export: {
          seconds: Number(exportSeconds.toFixed(2)),
          rows: lines - 1,
          mb: Number((bytes / 1024 / 1024).toFixed(1)),
          rows_per_s: Math.round((lines - 1) / exportSeconds),
          peak_rss_mb: exportPeak,
          rss_before_mb: rssBefore,
          pages_only_seconds: Number(pagesSeconds.toFixed(2)),
          reference: {
            what: bench.kind === 'postgres' ? 'COPY (select … order by created_at desc, id desc) TO STDOUT, streamed' : "COPY (…) TO '/dev/blob' (PGlite)",
            seconds: Number(refSeconds.toFixed(2)),
            rows: refLines - 1,
            mb: Number((refBytes / 1024 / 1024).toFixed(1)),
            peak_rss_mb: refPeak,
          },
          ratio: ratio(exportSeconds, refSeconds),
        },
      }),
    );
  } finally {
    await bench.close();
  }
}

await main();

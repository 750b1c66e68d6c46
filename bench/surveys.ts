// `npm run bench -- surveys`: issue 16's load test of the public answer endpoint. Through a real
// `rapport serve --no-worker` on loopback (its own process, a real HTTP socket), on a fresh
// database (PostgreSQL: rapport_bench_surveys on the server of DATABASE_URL; else PGlite in a
// temporary directory):
// 1. set-up over the API with a key of scope "full": an NPS survey from the starter, activated,
//    ANSWERS contacts (inserted set-based) invited with the survey's own email template (the
//    messages stay queued rows: no worker, no SMTP); each contact's answer link is built from
//    its message as the email's block builds it (messageLinks(…).surveys + /<survey id>);
// 2. the load: every contact's first answer (a form POST q=nps&a=<random 0–10>, a browser user
//    agent) plus DUPLICATES of them posted a second time with the same score, each right next to
//    its original so that both are in flight together (a double tap, a retried request), all
//    CONCURRENCY at once (default: all of them, each request on a keep-alive socket of its own,
//    opened beforehand; CONCURRENCY=100 makes a bounded pool of 100 sockets each sending its
//    next request as soon as the last was answered). Latency is per request, from its send to
//    the end of its answer;
// 3. the reference, in the same run, on the same sockets and the same concurrency: as many
//    GET /health (one `select 1`) at once; `ratio` is the answers' p99 over the health p99 (the
//    convention of bench/ingest.ts: p99 of the endpoint over the p99 of /health);
// 4. the check, after the server stopped: exactly ANSWERS rows in survey_responses for the
//    survey, one per contact, each with the score posted; every answer a 303 to /s/r/…, each
//    duplicate to the same response as its original; no 5xx; the server logged no error.
// Prints one JSON line; what went wrong, if anything, on stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openPglite } from '../src/db/client.ts';
import { messageLinks } from '../src/messaging/delivery/links.ts';
import { createApiKey } from '../src/workspaces/apikeys.ts';
import { benchDatabase, log } from './_setup.ts';
import { waitSampler } from './_pg-waits.ts';

const ANSWERS = Number(process.env.ANSWERS ?? 1000);
const DUPLICATES = Math.min(ANSWERS, Number(process.env.DUPLICATES ?? 200));
const TOTAL = ANSWERS + DUPLICATES;
const CONCURRENCY = Math.min(TOTAL, Number(process.env.CONCURRENCY ?? TOTAL));
const TIMEOUT_MS = 120_000;
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const root = path.resolve(import.meta.dirname, '..');
const round = (x: number, d = 2) => Number(x.toFixed(d));
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

// Deterministic scores: the same run posts the same answers.
let seed = 0x5eed16;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  ms: number;
  location?: string;
  body: string;
}

function request(agent: http.Agent, port: number, method: string, urlPath: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const location = res.headers.location;
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - start, location, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    req.on('error', (err) => resolve({ status: 0, ms: performance.now() - start, body: String(err) }));
    req.end(body);
  });
}

/** The requests, CONCURRENCY in flight (all at once when CONCURRENCY is their number); the answers in order, and the wall time. */
async function fire(n: number, send: (i: number) => Promise<Answer>): Promise<{ answers: Answer[]; seconds: number }> {
  const answers: Answer[] = new Array<Answer>(n);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, n) }, async () => {
      while (next < n) {
        const i = next++;
        answers[i] = await send(i);
      }
    }),
  );
  return { answers, seconds: (performance.now() - started) / 1000 };
}

const summary = (xs: number[]) => ({ p50_ms: round(percentile(xs, 50)), p95_ms: round(percentile(xs, 95)), p99_ms: round(percentile(xs, 99)), max_ms: round(Math.max(...xs)) });


/** CPU time (user + system) of processes, in ms, from /proc (Linux), as bench/ingest.ts reads it. */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* gone */
    }
  }
  return ticks * 10;
}

/** CPU time the whole machine spent busy (all cores), in ms, from /proc/stat: what else ran shows beside ours. */
function machineBusyMs(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * 10;
}

/** CPU of each party over a phase of `ms`, in % of one core (2 cores: 200% is the machine). */
function cpuMeter(serverPid: number, postgresPids: number[]) {
  const s0 = cpuMs([serverPid]);
  const p0 = cpuMs(postgresPids);
  const c0 = process.cpuUsage();
  const m0 = machineBusyMs();
  const t0 = performance.now();
  return () => {
    const ms = performance.now() - t0;
    const pct = (x: number) => Math.round((x / ms) * 100);
    const client = process.cpuUsage(c0);
    const server = cpuMs([serverPid]) - s0;
    const postgres = cpuMs(postgresPids) - p0;
    const generator = (client.user + client.system) / 1000;
    const machine = machineBusyMs() - m0;
    return { server: pct(server), postgres: postgresPids.length ? pct(postgres) : null, load_generator: pct(generator), everything_else: Math.max(0, pct(machine - server - postgres - generator)) };
  };
}

const deadlockCount = async (admin: pg.Client) => Number((await admin.query('select deadlocks from pg_stat_database where datname = current_database()')).rows[0].deadlocks);

const bench = await benchDatabase('surveys');
let server: ChildProcess | undefined;
try {
  const ws = bench.workspaceId;
  log(`database: ${bench.kind === 'postgres' ? `PostgreSQL (${bench.url})` : `PGlite in ${bench.pglitePath}`}`);
  const { key } = await createApiKey(bench.ctx, ws, null, { name: 'bench', scope: 'full' });
  await bench.db.query(
    `insert into contacts (workspace_id, email, email_status, first_name, last_name)
     select $1, 'answer' || i || '@example.com', 'subscribed', 'Name' || i, 'Last' || i from generate_series(1, $2::int) i`,
    [ws, ANSWERS],
  );
  const contacts = await bench.db.query<{ id: string; email: string }>('select id, email from contacts where workspace_id = $1 order by id', [ws]);
  if (contacts.length !== ANSWERS) throw new Error(`${contacts.length} contacts inserted, not ${ANSWERS}`);
  // PGlite is opened by one process at a time: the server's from now on.
  await bench.release();

  const port = await freePort();
  const env = {
    ...process.env,
    RAPPORT_SECRET: bench.ctx.secret,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    ...(bench.url ? { DATABASE_URL: bench.url } : { DATABASE_URL: '', RAPPORT_DATA_DIR: path.dirname(bench.pglitePath!) }),
  };
  // BENCH_NODE_ARGS="--cpu-prof" profiles the server.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  server = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin/rapport.js'), 'serve', '--no-worker'], { env, cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  // The server's log (JSON lines, level warn and up): errors counted and shown.
  const serverErrors: string[] = [];
  let pending = '';
  server.stdout!.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (/"level":(5|6)\d/.test(line)) serverErrors.push(line);
  });
  const setupAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  for (;;) {
    const r = await request(setupAgent, port, 'GET', '/health', {});
    if (r.status === 200) break;
    if (server.exitCode !== null) throw new Error(`rapport serve exited with ${server.exitCode}`);
    await new Promise((r2) => setTimeout(r2, 50));
  }
  const api = async (method: string, urlPath: string, body?: unknown) => {
    const r = await request(setupAgent, port, method, urlPath, { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body !== undefined ? JSON.stringify(body) : undefined);
    if (r.status >= 300) throw new Error(`${method} ${urlPath} answered ${r.status}: ${r.body}`);
    return JSON.parse(r.body) as Record<string, unknown>;
  };

  // ---- Set-up through the API.
  const survey = await api('POST', '/api/v1/surveys', { starter: 'nps' });
  const surveyId = survey.id as string;
  await api('PATCH', `/api/v1/surveys/${surveyId}`, { state: 'active' });
  const s0 = performance.now();
  const sent = await api('POST', `/api/v1/surveys/${surveyId}/sends`, { templateId: survey.emailTemplateId, audience: { contactIds: contacts.map((c) => c.id) } });
  log(`invited: ${JSON.stringify(sent)} in ${Math.round(performance.now() - s0)} ms`);
  if (sent.queued !== ANSWERS) throw new Error(`${String(sent.queued)} invitations queued, not ${ANSWERS}`);
  // The queued messages, through the API (the server holds the database): /api/v1/email/messages, 200 a page, by address.
  const messageOf = new Map<string, string>();
  let before: string | undefined;
  for (;;) {
    const r = await request(setupAgent, port, 'GET', `/api/v1/email/messages?limit=200${before ? `&before=${before}` : ''}`, { authorization: `Bearer ${key}` });
    if (r.status !== 200) throw new Error(`GET /api/v1/email/messages answered ${r.status}: ${r.body}`);
    const page = JSON.parse(r.body) as { id: string; to: string }[];
    for (const m of page) if (!messageOf.has(m.to)) messageOf.set(m.to, m.id);
    if (page.length < 200) break;
    before = page.at(-1)!.id;
  }
  setupAgent.destroy();
  const links = contacts.map((c) => {
    const messageId = messageOf.get(c.email);
    if (!messageId) throw new Error(`no message was queued for ${c.email}`);
    return `${new URL(messageLinks(bench.ctx, ws, c.id, messageId).surveys!).pathname}/${surveyId}`;
  });

  // What is posted: every contact's first answer, DUPLICATES of them twice (the second right after the first).
  const scores = contacts.map(() => Math.floor(random() * 11));
  const posts: { contact: number; duplicate: boolean }[] = [];
  for (let i = 0; i < ANSWERS; i++) {
    posts.push({ contact: i, duplicate: false });
    if (i < DUPLICATES) posts.push({ contact: i, duplicate: true });
  }

  // Sockets: CONCURRENCY keep-alive connections, opened and warmed before anything is timed (so
  // that neither round pays for connecting 1,000 sockets at once into the server's accept queue).
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY, keepAliveMsecs: 60_000 });
  const health = () => request(agent, port, 'GET', '/health', { 'user-agent': BROWSER });
  log(`warming up: ${CONCURRENCY} sockets, /health and the answer pages (GETs record nothing)…`);
  for (let round2 = 0; round2 < 2; round2++) await fire(TOTAL, health);
  await fire(Math.min(200, ANSWERS), (i) => request(agent, port, 'GET', `${links[i]!}?a=${scores[i]!}`, { 'user-agent': BROWSER }));

  let admin: pg.Client | undefined;
  let postgresPids: number[] = [];
  if (bench.url) {
    admin = new pg.Client({ connectionString: bench.url });
    await admin.connect();
    postgresPids = (await admin.query("select pid from pg_stat_activity where application_name = 'rapport' and datname = current_database()")).rows.map((r) => r.pid as number);
  }
  const load = loadavg()[0]!;

  // ---- The reference: as many GET /health, at the same concurrency, on the same sockets.
  log(`reference: ${TOTAL} GET /health, ${CONCURRENCY} in flight…`);
  const refCpu = cpuMeter(server.pid!, postgresPids);
  const ref = await fire(TOTAL, health);
  const referenceCpu = refCpu();
  const refMs = ref.answers.map((a) => a.ms);
  const refFailed = ref.answers.filter((a) => a.status !== 200).length;
  log(`  ${JSON.stringify(summary(refMs))}, ${Math.round(TOTAL / ref.seconds)} requests/s, ${refFailed} failed`);

  // ---- The answers.
  log(`answers: ${ANSWERS} first answers + ${DUPLICATES} duplicates, ${CONCURRENCY} in flight…`);
  const waits = admin ? waitSampler(admin) : undefined;
  const deadlocks0 = admin ? await deadlockCount(admin) : 0;
  const runCpu = cpuMeter(server.pid!, postgresPids);
  const run = await fire(TOTAL, (i) => {
    const p = posts[i]!;
    return request(agent, port, 'POST', links[p.contact]!, { 'user-agent': BROWSER, 'content-type': 'application/x-www-form-urlencoded' }, `q=nps&a=${scores[p.contact]!}`);
  });
  const answersCpu = runCpu();
  const waited = waits ? await waits.stop() : null;
  const deadlocks = admin ? (await deadlockCount(admin)) - deadlocks0 : null;
  await admin?.end();
  agent.destroy();
  const ms = run.answers.map((a) => a.ms);
  const byStatus: Record<string, number> = {};
  for (const a of run.answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
  log(`  ${JSON.stringify(summary(ms))}, ${round(run.seconds, 2)} s, statuses ${JSON.stringify(byStatus)}`);
  log(`  CPU, % of one core: ${JSON.stringify(answersCpu)} (the reference: ${JSON.stringify(referenceCpu)})`);
  if (waited) log(`  waits sampled every 20 ms (sessions × samples): ${JSON.stringify(waited)}; deadlocks broken: ${deadlocks}`);

  // Every answer a 303 to its response; a duplicate to the same response as its original.
  const firstLocation = new Map<number, string | undefined>();
  posts.forEach((p, i) => !p.duplicate && firstLocation.set(p.contact, run.answers[i]!.location));
  const problems: string[] = [];
  posts.forEach((p, i) => {
    const a = run.answers[i]!;
    if (a.status !== 303 || !a.location?.startsWith('/s/r/')) problems.push(`${p.duplicate ? 'duplicate' : 'answer'} of contact ${p.contact}: ${a.status} ${a.location ?? ''} ${a.body.slice(0, 300)}`);
    else if (p.duplicate && a.location !== firstLocation.get(p.contact)) problems.push(`duplicate of contact ${p.contact} went to ${a.location}, its first answer to ${firstLocation.get(p.contact)}`);
  });
  const serverErrorAnswers = run.answers.filter((a) => a.status >= 500 || a.status === 0).length;
  for (const p of problems.slice(0, 10)) log(`  ${p}`);
  if (problems.length > 10) log(`  … ${problems.length - 10} more`);

  const exited = new Promise((r) => server!.once('exit', r));
  server.kill('SIGTERM');
  await exited;
  server = undefined;
  for (const e of serverErrors.slice(0, 5)) log(`server error: ${e}`);

  // ---- Stored once: one response per contact, with the score posted.
  const checkDb = bench.kind === 'pglite' ? await openPglite(bench.pglitePath!) : undefined;
  const checkPg = bench.url ? new pg.Client({ connectionString: bench.url }) : undefined;
  await checkPg?.connect();
  const query = async <T>(sql: string, params: unknown[]): Promise<T[]> => (checkDb ? await checkDb.query<T>(sql, params) : ((await checkPg!.query(sql, params)).rows as T[]));
  const [stored] = await query<{ rows: number; contacts: number; wrong: number; missing: number }>(
    `with posted as (select * from unnest($2::uuid[], $3::int[]) as p(contact_id, score)),
          r as (select * from survey_responses where survey_id = $1)
     select (select count(*)::int from r) as rows,
            (select count(distinct contact_id)::int from r) as contacts,
            (select count(*)::int from r left join posted p using (contact_id) where p.score is distinct from r.score or r.answers ->> 'nps' is distinct from p.score::text) as wrong,
            (select count(*)::int from posted p where not exists (select 1 from r where r.contact_id = p.contact_id)) as missing`,
    [surveyId, contacts.map((c) => c.id), scores],
  );
  await checkDb?.close();
  await checkPg?.end();
  log(`stored: ${JSON.stringify(stored)}`);
  const storedOnce = stored!.rows === ANSWERS && stored!.contacts === ANSWERS && stored!.wrong === 0 && stored!.missing === 0;

  const p99 = percentile(ms, 99);
  const refP99 = percentile(refMs, 99);
  console.log(
    JSON.stringify({
      bench: 'surveys',
      db: bench.kind,
      answers: ANSWERS,
      duplicates: DUPLICATES,
      requests: TOTAL,
      concurrency: CONCURRENCY,
      concurrency_what:
        CONCURRENCY === TOTAL
          ? 'every request at once, each on its own keep-alive socket (opened and warmed before)'
          : `a pool of ${CONCURRENCY} keep-alive sockets, each sending its next request when the last was answered`,
      ...summary(ms),
      seconds: round(run.seconds, 3),
      answers_per_s: Math.round(ANSWERS / run.seconds),
      requests_per_s: Math.round(TOTAL / run.seconds),
      statuses: byStatus,
      all_303: problems.length === 0,
      server_errors: serverErrorAnswers + serverErrors.length,
      stored_rows: stored!.rows,
      stored_once: storedOnce && problems.length === 0,
      postgres_waits: waited,
      postgres_deadlocks: deadlocks,
      load_average_before: round(load),
      cpu_percent_of_one_core: answersCpu,
      reference_cpu_percent_of_one_core: referenceCpu,
      reference_p50_ms: round(percentile(refMs, 50)),
      reference_p99_ms: round(refP99),
      reference_failed: refFailed,
      reference_what: `GET /health (one select 1), ${TOTAL} requests at the same concurrency on the same sockets, just before`,
      ratio: round(p99 / refP99),
      ratio_what: 'p99 of the answer POSTs over the p99 of the reference',
    }),
  );
  if (!storedOnce || problems.length > 0 || serverErrorAnswers > 0) process.exitCode = 1;
} finally {
  if (server) server.kill('SIGTERM');
  await bench.close();
}

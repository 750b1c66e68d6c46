// Loading the demo data set into a workspace: set-based, batch by batch (one transaction
// per batch of contacts with their events), idempotent (contacts by email, events by their
// deterministic message ids), and in the background for the web app (job 'demo.load').
import { analyzeChangedTables } from '../db/analyze.ts';
import type { SqlSession } from '../db/client.ts';
import { notifyDataChanged } from '../server/changes.ts';
import type { AppContext } from '../server/context.ts';
import { insertEventsSql } from '../events/record.ts';
import { DEMO_PROPERTIES, EMAIL_DOMAINS } from './catalogue.ts';
import type { DemoProgress } from './contract.ts';
import { addDemoExamples, type DemoExamples } from './examples.ts';
import { addDemoEmails } from './emails.ts';
import { addDemoSurvey } from './survey.ts';
import { DomainError } from '../errors.ts';
import { fitRetention } from '../retention/retention.ts';
import { DEFAULT_CONTACTS, DEFAULT_SEED, type DemoBatch, generateDemo } from './generate.ts';
import { type DemoTotals, startingProgress } from './progress.ts';
import { DemoSummary, type DemoShape } from './summary.ts';

export const DEMO_JOB = 'demo.load';

export interface LoadDemoOptions {
  seed?: number;
  contacts?: number;
  /** "Now" of the data set; the clock's now by default. */
  now?: Date;
  /**
   * Contacts per transaction (default 1,000, about 17,000 events, on a server; 250 on the
   * embedded database, which runs one statement at a time: a request waits for the batch in
   * hand, 0.3 to 1 s, rather than 2 to 3 s, and loading takes no longer).
   */
  batchSize?: number;
  /** Told at every step and after every batch; a returned promise is waited for (the job writes it down). */
  onProgress?: (progress: DemoProgress) => void | Promise<void>;
  /** What the load will write in all (countDemo), for progress "of" a total. */
  totals?: DemoTotals;
}

export interface LoadDemoResult {
  workspaceId: string;
  seed: number;
  now: string;
  contacts: { total: number; created: number };
  events: { total: number; inserted: number };
  /** Demo properties left out because the workspace defines the key differently. */
  skippedProperties: string[];
  /** Segments and email templates made for the shop (only those not there already). */
  examples: DemoExamples;
  shape: DemoShape;
  elapsedMs: number;
}

/** Events per INSERT: large enough to be set-based, small enough for one message. */
const EVENTS_PER_STATEMENT = 50_000;

export async function loadDemo(ctx: AppContext, workspaceId: string, options: LoadDemoOptions = {}): Promise<LoadDemoResult> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const total = options.contacts ?? DEFAULT_CONTACTS;
  const now = options.now ?? ctx.clock.now();
  const embedded = ctx.db.kind === 'pglite';
  const batchSize = options.batchSize ?? (embedded ? 250 : 1_000);
  const progress = startingProgress(total, options.totals);
  const report = async (change?: Partial<DemoProgress>) => {
    Object.assign(progress, change);
    await options.onProgress?.(structuredClone(progress));
  };
  await report();
  const skipped = await defineDemoProperties(ctx, workspaceId, now);
  await report({ step: 'history' });
  const summary = new DemoSummary();
  let created = 0;
  let inserted = 0;
  let events = 0;
  // On a server, the next batch is generated and written while the previous one is still
  // being written (batches never share a contact or an event, so they cannot conflict).
  // The embedded database runs one statement at a time anyway.
  const parallel = embedded ? 1 : 2;
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  for (const batch of generateDemo({ seed, contacts: total, now, batchSize })) {
    for (const c of batch.contacts) for (const key of skipped) delete c.properties[key];
    summary.add(batch);
    const writing = ctx.db
      .transaction((tx) => writeBatch(tx, workspaceId, batch, now))
      .then((written) => {
        created += written.created;
        inserted += written.inserted;
        events += batch.events.length;
        const { contacts, orders, refunds } = progress;
        contacts.done += batch.contacts.length;
        contacts.created += written.created;
        orders.done += batch.events.filter((e) => e.name === 'purchase').length;
        refunds.done += batch.events.filter((e) => e.name === 'refund').length;
        progress.events.done = events;
        return report();
      })
      .catch((error: unknown) => {
        failure ??= { error };
      });
    inFlight.push(writing);
    if (inFlight.length >= parallel) await inFlight.shift();
    if (failure) break;
    // The embedded database takes its waiting statements in turn; a pause lets a request's
    // few statements (the progress poll: session, role, status) all run before the next batch.
    if (embedded) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  // Fresh planner statistics before anything reads this much new data (PGlite has no
  // autovacuum): without them the demo's four segments took 20 s to compute on PGlite, with them 0.44 s.
  await report({ step: 'indexing' });
  await analyzeChangedTables(ctx.db);
  const examples = await addDemoExamples(ctx, workspaceId, (step, made) => report({ step, [step]: made }));
  await addDemoSurvey(ctx, workspaceId, now, seed);
  await addDemoEmails(ctx.db, workspaceId);
  await addDemoScores(ctx, workspaceId);
  notifyDataChanged(ctx, workspaceId);
  await report({ step: 'done' });
  return {
    workspaceId,
    seed,
    now: now.toISOString(),
    contacts: { total, created },
    events: { total: events, inserted },
    skippedProperties: skipped,
    examples,
    shape: summary.result(),
    elapsedMs: Math.round(performance.now() - started),
  };
}

/**
 * The retention models fitted on the demo's history, so that the at-risk list, the contact
 * pages' scores and the model's check are there in the first hour, not the next night. A fit
 * already running (the demo loaded twice at once) does the same.
 */
async function addDemoScores(ctx: AppContext, workspaceId: string): Promise<void> {
  try {
    await fitRetention(ctx, workspaceId, { cause: 'request' });
  } catch (e) {
    if (!(e instanceof DomainError && e.code === 'fit_running')) throw e;
  }
}

/**
 * Creates the demo's property definitions where missing. A key the workspace already uses
 * for something else (another type, an enum without the demo's values) is left alone and
 * the demo goes without it, rather than changing someone's definitions.
 */
async function defineDemoProperties(ctx: AppContext, workspaceId: string, now: Date): Promise<string[]> {
  await ctx.db.query(
    `insert into property_definitions (workspace_id, key, label, description, type, options, created_at)
     select $1, d.key, d.label, d.description, d.type, array(select jsonb_array_elements_text(d.options)), $2
     from jsonb_to_recordset($3::jsonb) as d(key text, label text, description text, type text, options jsonb)
     on conflict do nothing`,
    [workspaceId, now, JSON.stringify(DEMO_PROPERTIES)],
  );
  const existing = await ctx.db.query<{ key: string; type: string; options: string[] }>(
    'select key, type, options from property_definitions where workspace_id = $1 and key = any($2::text[])',
    [workspaceId, DEMO_PROPERTIES.map((d) => d.key)],
  );
  const byKey = new Map(existing.map((d) => [d.key, d]));
  return DEMO_PROPERTIES.filter((d) => {
    const have = byKey.get(d.key);
    return !have || have.type !== d.type || !d.options.every((o) => have.options.includes(o));
  }).map((d) => d.key);
}

/**
 * One batch in two statements. Contacts are inserted with their own signup dates (cohort
 * reports read created_at, which the general upsert sets to the time of writing); a contact
 * whose email is already there is kept as it is, so loading again changes nothing and keeps
 * any edits made to demo contacts since.
 */
async function writeBatch(tx: SqlSession, workspaceId: string, batch: DemoBatch, now: Date): Promise<{ created: number; inserted: number }> {
  await tx.query("select set_config('rapport.change_source', 'demo', true)");
  const cs = batch.contacts;
  const rows = await tx.query<{ id: string; created: boolean }>(
    `with input as (
       select * from rows from (
         unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::text[]), unnest($6::text[]),
         unnest($7::text[]), jsonb_array_elements($8::jsonb), unnest($9::float8[]), unnest($10::float8[])
       ) with ordinality as u(email, first_name, last_name, phone, lifecycle_stage, email_status, properties, created_ms, updated_ms, ord)
     ), inserted as (
       insert into contacts (workspace_id, email, first_name, last_name, phone, lifecycle_stage, email_status, properties, created_at, updated_at)
       select $1, email, first_name, last_name, phone, lifecycle_stage, email_status, properties,
              to_timestamp(created_ms / 1000.0), to_timestamp(updated_ms / 1000.0)
       from input order by ord
       on conflict (workspace_id, email) where email is not null do nothing
       returning id, email
     )
     select coalesce(n.id, c.id) as id, n.id is not null as created
     from input i
     left join inserted n on n.email = i.email
     left join contacts c on c.workspace_id = $1 and c.email = i.email
     order by i.ord`,
    [
      workspaceId,
      cs.map((c) => c.email),
      cs.map((c) => c.firstName),
      cs.map((c) => c.lastName),
      cs.map((c) => c.phone),
      cs.map((c) => c.lifecycleStage),
      cs.map((c) => c.emailStatus),
      JSON.stringify(cs.map((c) => c.properties)),
      cs.map((c) => c.createdAt.getTime()),
      cs.map((c) => c.updatedAt.getTime()),
    ],
  );
  const ids = rows.map((r) => r.id);
  // A contact that was already there got its events in the same transaction that created
  // it, so only new contacts' events are written: loading again costs one lookup per contact,
  // and a person's own contact at a demo address never receives the demo's history.
  // (ON CONFLICT stays as the guarantee; the message ids are unique anyway.)
  const events = batch.events.filter((e) => rows[e.contactIndex - batch.start]!.created);
  let inserted = 0;
  for (let from = 0; from < events.length; from += EVENTS_PER_STATEMENT) {
    const chunk = events.slice(from, from + EVENTS_PER_STATEMENT);
    const [res] = await tx.query<{ n: number }>(
      `with written as (
         ${insertEventsSql(
           `select $1, ($2::uuid[])[u.contact], u.name, u.properties, to_timestamp(u.occurred_ms / 1000.0), $3, 'demo', u.message_id
            from rows from (
              unnest($4::int[]), unnest($5::text[]), jsonb_array_elements($6::jsonb), unnest($7::float8[]), unnest($8::text[])
            ) as u(contact, name, properties, occurred_ms, message_id)`,
           { returning: '1' },
         )}
       )
       select count(*)::int as n from written`,
      [
        workspaceId,
        ids,
        now,
        chunk.map((e) => e.contactIndex - batch.start + 1),
        chunk.map((e) => e.name),
        JSON.stringify(chunk.map((e) => e.properties)),
        chunk.map((e) => e.occurredAt.getTime()),
        chunk.map((e) => e.messageId),
      ],
    );
    inserted += res?.n ?? 0;
  }
  return { created: rows.filter((r) => r.created).length, inserted };
}

export interface DemoLoadJob {
  id: string;
  state: 'queued' | 'running' | 'completed' | 'failed';
  contacts: number;
  seed: number;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: string | null;
  progress: DemoProgress | null;
}

export interface DemoStatus {
  /** Contacts at the demo's email domains: the demo's, as far as anyone can tell. */
  contacts: number;
  /** Events written by the demo; null while a load runs (counting them then is wasted work). */
  events: number | null;
  load: DemoLoadJob | null;
}

export interface DemoJobData {
  workspaceId: string;
  contacts: number;
  seed: number;
  /** "Now" as of the request, so that a retried job writes exactly the same data. */
  now: string;
}

/** Queues a load for the workspace, unless one is already queued or running (then that one). */
export async function startDemoLoad(ctx: AppContext, workspaceId: string, options: { contacts: number; seed: number }): Promise<DemoStatus> {
  const current = await latestJob(ctx, workspaceId);
  if (!current || current.state === 'completed' || current.state === 'failed') {
    const data: DemoJobData = { workspaceId, contacts: options.contacts, seed: options.seed, now: ctx.clock.now().toISOString() };
    await ctx.jobs.send(DEMO_JOB, data);
  }
  return demoStatus(ctx, workspaceId);
}

export async function demoStatus(ctx: AppContext, workspaceId: string): Promise<DemoStatus> {
  const load = await latestJob(ctx, workspaceId);
  const loading = load?.state === 'queued' || load?.state === 'running';
  const [counts] = await ctx.db.query<{ contacts: number; events: number | null }>(
    `select (select count(*)::int from contacts where workspace_id = $1 and split_part(email, '@', 2) = any($2::text[])) as contacts,
            case when $3 then null else (select count(*)::int from events where workspace_id = $1 and source = 'demo') end as events`,
    [workspaceId, EMAIL_DOMAINS.map(([d]) => d), loading],
  );
  return { contacts: counts?.contacts ?? 0, events: counts?.events ?? null, load };
}

/**
 * The workspace's latest demo load, read from the job queue's own table: the queue is the
 * record of what was asked and how it went, and every process (API or worker) sees it.
 * pg-boss archives finished jobs after twelve hours; after that only the data tells.
 */
async function latestJob(ctx: AppContext, workspaceId: string): Promise<DemoLoadJob | null> {
  const [job] = await ctx.db.query<{
    id: string;
    state: string;
    data: DemoJobData;
    created_on: Date;
    started_on: Date | null;
    completed_on: Date | null;
    // While running and once completed, the load's progress (jobs.ts); after a failed attempt,
    // the error as serialized by pg-boss ({ message, stack }), or { value } for a plain reason.
    output: (Partial<DemoProgress> & { message?: string; value?: unknown }) | null;
  }>(
    `select id, state, data, created_on, started_on, completed_on, output from pgboss.job
     where name = $1 and data ->> 'workspaceId' = $2
     order by created_on desc limit 1`,
    [DEMO_JOB, workspaceId],
  );
  if (!job) return null;
  const state = job.state === 'active' ? 'running' : job.state === 'completed' ? 'completed' : job.state === 'created' || job.state === 'retry' ? 'queued' : 'failed';
  const progress = job.output?.step ? (job.output as DemoProgress) : null;
  const failedAttempt = job.state === 'retry' || state === 'failed';
  const value = job.output?.value as { message?: unknown } | string | undefined;
  const reason =
    job.state === 'cancelled'
      ? 'The load was cancelled.'
      : (job.output?.message ?? (typeof value === 'string' ? value : typeof value?.message === 'string' ? value.message : 'The load failed.'));
  return {
    id: job.id,
    state,
    contacts: job.data.contacts,
    seed: job.data.seed,
    requestedAt: new Date(job.created_on),
    startedAt: job.started_on ? new Date(job.started_on) : null,
    finishedAt: state === 'completed' || state === 'failed' ? new Date(job.completed_on ?? job.created_on) : null,
    error: failedAttempt ? reason : null,
    progress: state === 'running' || state === 'completed' ? progress : null,
  };
}

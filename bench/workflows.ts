// `npm run bench -- workflows`: the engine moving CONTACTS contacts (1,000,000 on PostgreSQL,
// 100,000 on PGlite) through wait 1 day → branch (gold tier or not) → send (to the outbox) →
// wait up to 3 days for a purchase → exit, with the clock moved between the waits; against a
// hand-written set-based SQL reference of the same transitions and writes (enrollments, their
// events, the messages, the step events, the ends) in the same run. Then the latency from an
// event posted to /v1/track to the first action of the workflow it triggers (its message
// queued or skipped, its step event written), with 20 live workflows: p50/p99 of SAMPLES events, one at a time.
import { buildApp } from '../src/app/app.ts';
import { ManualClock } from '../src/clock.ts';
import { createDefinition } from '../src/contacts/properties.ts';
import { uuidv7 } from '../src/db/ids.ts';
import { runWorkflows } from '../src/workflows/engine/tick.ts';
import { workflowRunsSettled } from '../src/workflows/engine/schedule.ts';
import { createWorkflow, enrollContacts, publishWorkflow } from '../src/workflows/workflows.ts';
import { createApiKey } from '../src/workspaces/apikeys.ts';
import { benchDatabase, log } from './_setup.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const CONTACTS = Number(process.env.CONTACTS ?? (onPostgres ? 1_000_000 : 100_000));
const SAMPLES = Number(process.env.SAMPLES ?? 200);
const DAY = 86_400_000;
const STEPS_PER_CONTACT = 5; // wait, branch, send, wait for the purchase, exit

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function main() {
  const bench = await benchDatabase('workflows');
  const clock = new ManualClock('2026-06-01T08:00:00Z');
  const ctx = { ...bench.ctx, clock };
  const ws = bench.workspaceId;
  const db = bench.db;
  await createDefinition(ctx, ws, { key: 'tier', label: 'Tier', description: '', type: 'string', options: [] });
  const t0 = performance.now();
  await db.query(
    `insert into contacts (id, workspace_id, email, first_name, email_status, properties, created_at, updated_at)
     select rapport_uuid_v7(), $1, 'c' || i || '@example.com', 'N' || (i % 997), 'subscribed',
            jsonb_build_object('tier', (array['bronze','bronze','silver','gold'])[1 + i % 4]), $2, $2
     from generate_series(1, $3::int) i`,
    [ws, clock.now(), CONTACTS],
  );
  await db.exec('analyze contacts');
  log(`contacts: ${CONTACTS.toLocaleString()} in ${round((performance.now() - t0) / 1000)} s`);
  const [tpl] = await db.query<{ id: string }>(
    `insert into email_templates (workspace_id, name, subject, body, created_at, updated_at)
     values ($1, 'Bench', 'Hi {{ contact.first_name }}', '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>', now(), now()) returning id`,
    [ws],
  );
  const all = (await db.query<{ id: string }>('select id from contacts where workspace_id = $1 order by id', [ws])).map((r) => r.id);

  // ---- The reference: the same transitions by hand, one statement each, on a workflow of its own.
  const refWf = await createWorkflow(ctx, ws, null, { name: 'Reference', graph: graphOf(tpl!.id, 'manual') });
  await publishWorkflow(ctx, ws, refWf.id, null);
  const [rv] = await db.query<{ id: string }>('select live_version_id as id from workflows where id = $1', [refWf.id]);
  const ref = await reference(db, ws, refWf.id, rv!.id, tpl!.id, clock);
  log(`reference: ${Math.round(ref.stepsPerSecond).toLocaleString()} contact-steps/s (${JSON.stringify(ref.seconds)})`);

  // ---- The engine.
  const wf = await createWorkflow(ctx, ws, null, { name: 'Engine', graph: graphOf(tpl!.id, 'manual') });
  await publishWorkflow(ctx, ws, wf.id, null);
  const e0 = performance.now();
  const entered = await enrollContacts(ctx, ws, wf.id, { contactIds: all }, 'bench');
  const enrollSeconds = (performance.now() - e0) / 1000;
  log(`enrolled ${entered.enrolled.toLocaleString()} in ${round(enrollSeconds)} s`);
  const phases: number[] = [];
  const pass = async () => {
    const s = performance.now();
    await runWorkflows(ctx, ws);
    phases.push((performance.now() - s) / 1000);
  };
  await pass(); // everyone starts the 1-day wait
  clock.advance(DAY + 1000);
  await pass(); // wake, branch, send, start waiting for a purchase
  clock.advance(3 * DAY + 1000);
  await pass(); // the wait times out, exit
  const engineSeconds = phases.reduce((a, b) => a + b, 0);
  const [check] = await db.query<{ done: number; steps: number; messages: number }>(
    `select count(*) filter (where state = 'done')::int as done, coalesce(sum(cardinality(path)), 0)::int as steps,
            (select count(*)::int from email_messages where workspace_id = $2 and starts_with(idempotency_key, 'workflow:')) as messages
     from workflow_enrollments where workflow_id = $1`,
    [wf.id, ws],
  );
  const stepsPerSecond = (CONTACTS * STEPS_PER_CONTACT) / engineSeconds;
  log(`engine: ${Math.round(stepsPerSecond).toLocaleString()} contact-steps/s (passes ${phases.map((p) => round(p)).join(' + ')} s); ${JSON.stringify(check)}`);
  if (check!.done !== CONTACTS || check!.steps !== CONTACTS * STEPS_PER_CONTACT) throw new Error(`the engine did not finish every run: ${JSON.stringify(check)}`);

  // ---- Latency: /v1/track → the triggered workflow's first action, 20 live workflows.
  clock.set(new Date());
  const live = { ...ctx, clock: { now: () => new Date() } };
  for (let i = 0; i < 20; i++) {
    const w = await createWorkflow(live, ws, null, { name: `Live ${i}`, graph: graphOf(tpl!.id, `Bench Event ${i}`) });
    await publishWorkflow(live, ws, w.id, null);
  }
  const app = await buildApp(live, { webDist: false });
  await app.ready();
  const { key } = await createApiKey(live, ws, null, { name: 'bench', scope: 'ingest' });
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const n = 1 + ((i * 7919) % CONTACTS);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/track',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: { userId: `lat-${i}`, event: `Bench Event ${i % 20}`, messageId: uuidv7(), properties: { n }, context: { traits: { email: `lat${i}@example.com` } } },
    });
    const sent = performance.now();
    if (res.statusCode >= 300) throw new Error(`track answered ${res.statusCode}: ${res.body}`);
    const [who] = await db.query<{ id: string }>('select id from contacts where workspace_id = $1 and external_id = $2', [ws, `lat-${i}`]);
    for (;;) {
      // The first action done: the send step's event (queued, or skipped with its reason), found
      // by its key through the run (unique indexes both), whatever the planner's statistics.
      const [r] = await db.query<{ n: number }>(
        `select count(*)::int as n from workflow_enrollments x
         join events ev on ev.workspace_id = x.workspace_id and ev.message_id = 'workflow:' || x.id || ':send'
         where x.workspace_id = $1 and x.contact_id = $2`,
        [ws, who!.id],
      );
      if (r!.n > 0) break;
      if (performance.now() - sent > 10_000) throw new Error(`no action 10 s after event ${i}`);
      await new Promise((r2) => setTimeout(r2, 2));
    }
    latencies.push(performance.now() - sent);
  }
  await workflowRunsSettled();
  await app.close();
  const p99 = percentile(latencies, 99);
  log(`track → first action: p50 ${round(percentile(latencies, 50))} ms, p99 ${round(p99)} ms`);

  const ratio = round(stepsPerSecond / ref.stepsPerSecond, 2);
  console.log(
    JSON.stringify({
      bench: 'workflows',
      database: bench.kind,
      contacts: CONTACTS,
      steps_per_contact: STEPS_PER_CONTACT,
      enrollments_per_s: Math.round(CONTACTS / enrollSeconds),
      contact_steps_per_s: Math.round(stepsPerSecond),
      engine_passes_s: phases.map((p) => round(p, 2)),
      reference: Math.round(ref.stepsPerSecond),
      reference_what: 'contact-steps/s of hand-written set-based SQL doing the same transitions and writes, one statement per transition',
      reference_s: ref.seconds,
      ratio,
      ratio_what: 'engine contact-steps/s over the reference',
      track_to_action_p50_ms: round(percentile(latencies, 50)),
      track_to_action_p99_ms: round(p99),
      track_samples: SAMPLES,
      live_workflows: 20,
      targets: { contact_steps_per_s: 20_000, ratio: 0.5, track_to_action_p99_ms: 1000 },
      meets_targets: stepsPerSecond >= 20_000 && ratio >= 0.5 && p99 < 1000,
    }),
  );
  await bench.close();
}

function graphOf(templateId: string, trigger: string) {
  return {
    trigger: trigger === 'manual' ? { kind: 'manual' as const } : { kind: 'event' as const, event: trigger, where: [] },
    reentry: { policy: 'once' as const },
    start: trigger === 'manual' ? 'wait' : 'send',
    steps: {
      ...(trigger === 'manual'
        ? {
            wait: { kind: 'wait' as const, for: { days: 1, hours: 0, minutes: 0 }, next: 'branch' },
            branch: {
              kind: 'branch' as const,
              paths: [{ name: 'Gold', condition: { kind: 'field' as const, field: 'properties.tier', op: 'eq' as const, value: 'gold' }, next: 'send' }],
              otherwise: 'send',
            },
          }
        : {}),
      send: { kind: 'send_email' as const, templateId, next: 'bought' },
      bought: { kind: 'wait_event' as const, event: 'purchase', where: [], timeout: { days: 3, hours: 0, minutes: 0 }, happened: 'end', timedOut: 'end' },
      end: { kind: 'exit' as const },
    },
  };
}

/** The same transitions as one statement each, written by hand. */
async function reference(db: Awaited<ReturnType<typeof benchDatabase>>['db'], ws: string, workflowId: string, versionId: string, templateId: string, clock: ManualClock) {
  const seconds: Record<string, number> = {};
  const timed = async (name: string, sql: string, params: unknown[]) => {
    const s = performance.now();
    await db.query(sql, params);
    seconds[name] = round((performance.now() - s) / 1000, 2);
  };
  const now = () => clock.now();
  await timed(
    'enroll',
    `with ins as (
       insert into workflow_enrollments (workspace_id, workflow_id, version_id, contact_id, entry_key, step, state, path, entered_at, step_entered_at)
       select $1, $2, $3, c.id, 'contact:' || c.id, 'wait', 'waiting', array['wait'], $4, $4 from contacts c where c.workspace_id = $1
       returning id, contact_id)
     insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
     select $1, contact_id, 'workflow.entered', jsonb_build_object('workflow_id', $2::uuid, 'enrollment_id', id), $4, $4, 'workflows', 'ref:' || id || ':entered' from ins`,
    [ws, workflowId, versionId, now()],
  );
  await timed('wait', `update workflow_enrollments set wake_at = $2 where version_id = $1 and state = 'waiting'`, [versionId, new Date(now().getTime() + DAY)]);
  await timed(
    'wake_and_branch',
    `update workflow_enrollments e set step = 'send', path = e.path || 'branch'::text || 'send'::text, state = 'active', wake_at = null, step_entered_at = $2
     from contacts c where e.version_id = $1 and e.state = 'waiting' and c.id = e.contact_id and (c.properties ->> 'tier' = 'gold' or true)`,
    [versionId, now()],
  );
  await timed(
    'send',
    `with m as (
       insert into email_messages (workspace_id, contact_id, template_id, kind, idempotency_key, to_email, created_at)
       select $1, e.contact_id, $3, 'workflow', 'ref:' || e.id || ':send', c.email, $4
       from workflow_enrollments e join contacts c on c.id = e.contact_id where e.version_id = $2 and e.state = 'active'
       returning contact_id, idempotency_key),
     ev as (
       insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
       select $1, contact_id, 'workflow.step_completed', jsonb_build_object('workflow_id', $5::uuid, 'step', 'send', 'result', 'queued'), $4, $4, 'workflows', idempotency_key from m)
     update workflow_enrollments e set step = 'bought', path = e.path || 'bought'::text, state = 'waiting', waiting_for = 'purchase', wake_at = $6
     where e.version_id = $2 and e.state = 'active'`,
    [ws, versionId, templateId, now(), workflowId, new Date(now().getTime() + 3 * DAY)],
  );
  await timed(
    'timeout_and_exit',
    `with done as (
       update workflow_enrollments e set step = 'end', path = e.path || 'end'::text, state = 'done', outcome = 'exited', left_at = $2, wake_at = null, waiting_for = null
       where e.version_id = $1 and e.state = 'waiting'
         and not exists (select 1 from events ev where ev.workspace_id = e.workspace_id and ev.contact_id = e.contact_id and ev.name = 'purchase' and ev.occurred_at > e.step_entered_at)
       returning e.id, e.contact_id)
     insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
     select $3, contact_id, 'workflow.exited', jsonb_build_object('workflow_id', $4::uuid, 'enrollment_id', id, 'reason', 'exit_step'), $2, $2, 'workflows', 'ref:' || id || ':exited' from done`,
    [versionId, now(), ws, workflowId],
  );
  const total = Object.values(seconds).reduce((a, b) => a + b, 0);
  // The reference's rows are not the engine's: removed, so both start from the same tables.
  await db.query('delete from workflow_enrollments where workflow_id = $1', [workflowId]);
  await db.query("delete from email_messages where workspace_id = $1 and starts_with(idempotency_key, 'ref:')", [ws]);
  await db.query("delete from events where workspace_id = $1 and starts_with(message_id, 'ref:')", [ws]);
  await db.exec('vacuum analyze workflow_enrollments');
  return { stepsPerSecond: (CONTACTS * STEPS_PER_CONTACT) / total, seconds: { ...seconds, total: round(total, 2) } };
}

await main();

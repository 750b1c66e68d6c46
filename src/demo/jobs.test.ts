import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';
import { demoStatus } from './demo.ts';

// A worker in this process: the load runs as it would behind `rapport serve`.
const t = useHarness({ work: true });

/** Polls the status until the latest load has finished; collects the states (and statuses) seen on the way. */
async function settled(client: ApiClient, states = new Set<string>(), seen: any[] = []) {
  for (let i = 0; i < 600; i++) {
    const status = (await client.get('/api/v1/demo')).body;
    states.add(status.load.state);
    seen.push(status);
    if (status.load.state === 'completed' || status.load.state === 'failed') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the demo load did not finish in a minute');
}

describe('the demo.load job', () => {
  it('loads the workspace in the background, and the status follows it to the end', { timeout: 180_000 }, async () => {
    const a = await t.h.signUp();
    t.h.clock.set('2026-01-15T12:00:00Z');
    const started = await a.client.post('/api/v1/demo', { contacts: 300, seed: 3 });
    expect(started.status).toBe(202);
    expect(started.body.load.progress).toBeNull();
    const states = new Set<string>([started.body.load.state]);
    const seen: any[] = [];
    const status = await settled(a.client, states, seen);
    expect(status.load).toMatchObject({ state: 'completed', contacts: 300, seed: 3, error: null });
    // While it ran, the status said which step it was at; once done, what it made.
    for (const s of seen.filter((x) => x.load.state === 'running' && x.load.progress)) {
      expect(['preparing', 'history', 'indexing', 'segments', 'templates', 'done']).toContain(s.load.progress.step);
      expect(s.load.progress.contacts.total).toBe(300);
    }
    expect(status.load.progress).toMatchObject({
      step: 'done',
      contacts: { done: 300, total: 300, created: 300 },
      segments: { done: 4, total: 4, names: ['Champions', 'At risk', 'No purchase in 90 days', 'Top 10% by spend'] },
      templates: { names: ['We miss you', 'Loyalty points summary', 'Exclusive offer'] },
    });
    const { orders, refunds, events } = status.load.progress;
    expect(orders.done).toBe(orders.total);
    expect(refunds.done).toBe(refunds.total);
    expect(events.done).toBe(status.events);
    const [counted] = await t.h.db.query<{ n: number }>(`select count(*)::int as n from events where workspace_id = $1 and name = 'purchase'`, [a.workspaceId]);
    expect(orders.total).toBe(counted!.n);
    expect(new Date(status.load.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(status.load.startedAt).getTime());
    expect(status.contacts).toBe(300);
    expect(status.events).toBeGreaterThan(2_000);
    expect([...states].every((s) => ['queued', 'running', 'completed'].includes(s))).toBe(true);

    // The history ends at the "now" of the request.
    const [row] = await t.h.db.query<{ latest: Date }>(`select max(occurred_at) as latest from events where workspace_id = $1 and source = 'demo'`, [a.workspaceId]);
    expect(new Date(row!.latest).getTime()).toBeLessThan(Date.parse('2026-01-15T12:00:00Z'));

    // Loading again is a new job that finds everything in place.
    const again = await a.client.post('/api/v1/demo', { contacts: 300, seed: 3 });
    expect(again.body.load.id).not.toBe(status.load.id);
    const second = await settled(a.client);
    expect(second).toMatchObject({ contacts: 300, events: status.events, load: { id: again.body.load.id, state: 'completed' } });
  });
});

describe('a demo load that fails', () => {
  it('says why and at which step, while it waits to try again and once it has given up', { timeout: 180_000 }, async () => {
    // A workspace that is not there (deleted while its load waited): every attempt fails.
    const workspaceId = '0190a5c4-0000-7000-8000-000000000001';
    await t.h.ctx.jobs.send('demo.load', { workspaceId, contacts: 100, seed: 1, now: new Date().toISOString() });
    const status = () => demoStatus(t.h.ctx, workspaceId);

    let current = await status();
    for (let i = 0; i < 300 && !current.load?.error; i++) {
      await new Promise((r) => setTimeout(r, 100));
      current = await status();
    }
    // Between attempts: queued again, with the reason the last one stopped.
    expect(current.load).toMatchObject({ state: 'queued', progress: null });
    expect(current.load!.error).toMatch(/^Stopped while getting ready: .*foreign key/);

    // The retries (5 s apart and more) are brought forward; after the last the load has failed.
    for (let i = 0; i < 300 && current.load?.state !== 'failed'; i++) {
      await t.h.db.query(`update pgboss.job set start_after = now() where name = 'demo.load' and state = 'retry'`);
      await new Promise((r) => setTimeout(r, 100));
      current = await status();
    }
    expect(current.load).toMatchObject({ state: 'failed', progress: null });
    expect(current.load!.error).toMatch(/^Stopped while getting ready: .*foreign key/);
    expect(current.load!.finishedAt).not.toBeNull();
  });
});

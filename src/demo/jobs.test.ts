import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../testing/client.ts';
import { useHarness } from '../testing/harness.ts';

// A worker in this process: the load runs as it would behind `rapport serve`.
const t = useHarness({ work: true });

/** Polls the status until the latest load has finished; collects the states seen on the way. */
async function settled(client: ApiClient, states = new Set<string>()) {
  for (let i = 0; i < 600; i++) {
    const status = (await client.get('/api/v1/demo')).body;
    states.add(status.load.state);
    if (status.load.state === 'completed' || status.load.state === 'failed') return status;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the demo load did not finish in a minute');
}

describe('the demo.load job', () => {
  it('loads the workspace in the background, and the status follows it to the end', async () => {
    const a = await t.h.signUp();
    t.h.clock.set('2026-01-15T12:00:00Z');
    const started = await a.client.post('/api/v1/demo', { contacts: 300, seed: 3 });
    expect(started.status).toBe(202);
    const states = new Set<string>([started.body.load.state]);
    const status = await settled(a.client, states);
    expect(status.load).toMatchObject({ state: 'completed', contacts: 300, seed: 3, error: null });
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

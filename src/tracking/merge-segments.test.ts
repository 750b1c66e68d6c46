// Identify calls that merge a visitor into a known person, and the segments: the visitor's
// memberships go with it (removed by the segment queue, which the deletion queues), and a
// merge never waits for the queue's workspace lock (it did, from migration 0013 to 0021: the
// tracking API's throughput halved and deadlocks cost a second each).
import { describe, expect, it } from 'vitest';
import { segmentUpdatesSettled } from '../segments/membership.ts';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

async function workspace() {
  const owner = await t.h.signUp();
  const ws = owner.workspaceId;
  const { key } = await t.h.apiKey(ws, 'ingest');
  const send = async (path: string, body: unknown) => {
    const res = await t.h.app.inject({ method: 'POST', url: `/v1/${path}`, headers: { authorization: `Bearer ${key}` }, payload: body as object });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const segment = await owner.client.post('/api/v1/segments', {
    name: 'Visited',
    definition: { kind: 'group', op: 'and', children: [{ kind: 'event', event: 'page', measure: { fn: 'count', op: 'gte', value: 1 } }] },
  });
  expect(segment.status, JSON.stringify(segment.body)).toBe(201);
  return { ws, send, segmentId: segment.body.id as string };
}

const members = async (segmentId: string) => {
  const stored = await t.h.db.query<{ contact_id: string }>('select contact_id from segment_members where segment_id = $1', [segmentId]);
  const [{ member_count }] = (await t.h.db.query<{ member_count: number }>('select member_count from segments where id = $1', [segmentId])) as [{ member_count: number }];
  return { ids: stored.map((r) => r.contact_id), count: member_count };
};

describe('merging a visitor into a known person', () => {
  it('takes the visitor out of its segments, counts included', async () => {
    const { ws, send, segmentId } = await workspace();
    await send('identify', { messageId: 'i0', userId: 'u-1', traits: { email: 'ada@example.com' } });
    await send('page', { messageId: 'p1', anonymousId: 'anon-1', name: 'Home' });
    await segmentUpdatesSettled();
    const [visitor] = await t.h.db.query<{ contact_id: string }>('select contact_id from contact_aliases where workspace_id = $1 and anonymous_id = $2', [ws, 'anon-1']);
    expect((await members(segmentId)).ids).toEqual([visitor!.contact_id]);

    await send('identify', { messageId: 'i1', userId: 'u-1', anonymousId: 'anon-1' });
    await segmentUpdatesSettled();
    const after = await members(segmentId);
    expect(after.ids).not.toContain(visitor!.contact_id);
    expect(after.count).toBe(after.ids.length);
    const [{ n }] = (await t.h.db.query<{ n: number }>('select count(*)::int as n from segment_pending where workspace_id = $1', [ws])) as [{ n: number }];
    expect(n).toBe(0);
  });

  it.runIf(onPostgres)('does not wait while the segment queue holds the workspace', async () => {
    const { ws, send } = await workspace();
    await send('identify', { messageId: 'i0', userId: 'u-1', traits: { email: 'ada@example.com' } });
    await send('page', { messageId: 'p1', anonymousId: 'anon-1', name: 'Home' });
    await segmentUpdatesSettled();
    // Another connection holds the queue's lock, as the queue does while it works off a batch.
    await t.h.db.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock(hashtextextended('rapport.segments:' || $1::text, 0))", [ws]);
      const merged = await Promise.race([
        send('identify', { messageId: 'i1', userId: 'u-1', anonymousId: 'anon-1' }).then(() => 'merged'),
        new Promise((resolve) => setTimeout(() => resolve('waited 5 s for the segment lock'), 5_000)),
      ]);
      expect(merged).toBe('merged');
    });
    await segmentUpdatesSettled();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDefinition } from '../contacts/properties.ts';
import { upsertContacts } from '../contacts/upsert.ts';
import { useHarness } from '../testing/harness.ts';
import { compileSegment } from './compile.ts';
import { addListMembers, removeListMembers } from './lists.ts';
import { processPending, recomputeSegments } from './membership.ts';
import { createSegment, loadSegmentContext } from './segments.ts';
import { datasetArb, definitionArb, NOW, PROPERTIES, writeDataset } from '../testing/segments.ts';

const t = useHarness();

const opArb = fc.oneof(
  fc.record({ op: fc.constant('event' as const), contact: fc.nat(), name: fc.constantFrom('purchase', 'page', 'email.opened'), days: fc.integer({ min: 0, max: 400 }), total: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ op: fc.constant('property' as const), contact: fc.nat(), tier: fc.option(fc.constantFrom('bronze', 'silver', 'gold'), { nil: null }), spend: fc.option(fc.integer({ min: -5, max: 105 }), { nil: null }) }),
  fc.record({ op: fc.constant('name' as const), contact: fc.nat(), first: fc.option(fc.constantFrom('Ann', 'Bob', 'Lee'), { nil: null }) }),
  fc.record({ op: fc.constant('new' as const), n: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), contact: fc.nat() }),
  fc.record({ op: fc.constant('list' as const), contact: fc.nat(), add: fc.boolean() }),
);

describe('stored membership', () => {
  it('kept current change by change equals a full recomputation, after random events and property changes', async () => {
    const { workspaceId: ws } = await t.h.signUp();
    t.h.clock.set(NOW);
    for (const d of PROPERTIES) await createDefinition(t.h.ctx, ws, d);
    const list = await createSegment(t.h.ctx, ws, null, { name: 'VIP list', kind: 'list' });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        datasetArb,
        fc.array(definitionArb([list.id], 4), { minLength: 2, maxLength: 4 }),
        fc.array(opArb, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (data, definitions, ops, processEachTime) => {
          round++;
          await t.h.db.query('delete from segments where workspace_id = $1 and kind = $2', [ws, 'segment']);
          await t.h.db.query('delete from segment_sizes');
          await t.h.db.transaction((tx) => writeDataset(tx, ws, data, list.id));
          await t.h.db.query('update segments set member_count = $2 where id = $1', [list.id, data.listMembers.length]);
          // Segments over the data, the later ones using the earlier ones and the list.
          const ids: string[] = [];
          for (const [i, def] of definitions.entries()) {
            const usable = [list.id, ...ids];
            const d = JSON.parse(JSON.stringify(def).replaceAll(list.id, usable[i % usable.length]!));
            ids.push((await createSegment(t.h.ctx, ws, null, { name: `s${round}-${i}`, kind: 'segment', definition: d })).id);
          }
          await recomputeSegments(t.h.ctx, ws, ids);
          let contacts = data.contacts.map((c) => ({ id: c.id, email: c.email! }));
          for (const op of ops) {
            const pick = (n: number) => contacts[n % Math.max(contacts.length, 1)];
            const c = 'contact' in op ? pick(op.contact) : undefined;
            if (op.op === 'event' && c) {
              await t.h.db.query(
                `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
                 values ($1, $2, $3, $4, $5, $5, 'test', gen_random_uuid()::text)`,
                [ws, c.id, op.name, { total: op.total }, new Date(NOW.getTime() - op.days * 86_400_000)],
              );
            } else if ((op.op === 'property' || op.op === 'name') && c) {
              await t.h.db.transaction((tx) =>
                upsertContacts(tx, ws, [op.op === 'property' ? { email: c.email, properties: { tier: op.tier, spend: op.spend } } : { email: c.email, firstName: op.first }], { now: NOW, source: 'api' }),
              );
            } else if (op.op === 'new') {
              const email = `new${round}-${op.n}-${contacts.length}@example.com`;
              const [r] = await t.h.db.transaction((tx) => upsertContacts(tx, ws, [{ email, properties: { spend: op.n % 100 } }], { now: NOW, source: 'api' }));
              contacts.push({ id: r!.id, email });
            } else if (op.op === 'delete' && c) {
              await t.h.db.query('delete from contacts where id = $1', [c.id]);
              contacts = contacts.filter((x) => x.id !== c.id);
            } else if (op.op === 'list' && c) {
              if (op.add) await addListMembers(t.h.ctx, ws, list.id, { contactIds: [c.id] });
              else await removeListMembers(t.h.ctx, ws, list.id, [c.id]);
            }
            if (processEachTime) await processPending(t.h.ctx, ws);
          }
          await processPending(t.h.ctx, ws);
          const sctx = await loadSegmentContext(t.h.db, ws, NOW);
          for (const id of [...ids, list.id]) {
            const stored = (await t.h.db.query<{ contact_id: string }>('select contact_id from segment_members where segment_id = $1 and exited_at is null', [id])).map((r) => r.contact_id).sort();
            const [{ member_count } = { member_count: -1 }] = await t.h.db.query<{ member_count: number }>('select member_count from segments where id = $1', [id]);
            expect(member_count, 'the stored count').toBe(stored.length);
            if (id === list.id) continue;
            const compiled = compileSegment(sctx.stored.get(id)!.definition!, sctx);
            const full = (await t.h.db.query<{ id: string }>(compiled.sql, compiled.params)).map((r) => r.id).sort();
            expect(stored, JSON.stringify(sctx.stored.get(id)!.definition)).toEqual(full);
          }
          const [{ n } = { n: -1 }] = await t.h.db.query<{ n: number }>('select count(*)::int as n from segment_pending where workspace_id = $1', [ws]);
          expect(n).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../db/ids.ts';
import { useHarness } from '../testing/harness.ts';
import { compileSegment } from './compile.ts';
import { type SegmentNode, segmentNode } from './definition.ts';
import { evaluateSegment } from './evaluate.ts';
import { datasetArb, definitionArb, NOW, PROPERTIES, purchaseConditionArb, writeDataset } from '../testing/segments.ts';
import { fieldResolver, type SegmentContext, validateDefinition } from './validate.ts';

const t = useHarness();

describe('the SQL compiler', () => {
  it('selects exactly the contacts the in-memory evaluator selects, for random definitions and data', async () => {
    const ws = (await t.h.signUp()).workspaceId;
    const listId = uuidv7();
    const innerId = uuidv7();
    const defs = new Map(PROPERTIES.map((d) => [d.key, d]));
    let definitions = 0;
    await fc.assert(
      fc.asyncProperty(
        datasetArb,
        definitionArb([]),
        fc.array(definitionArb([listId, innerId]), { minLength: 1, maxLength: 8 }),
        async (data, inner, outer) => {
          // A segment used by others (evaluated inline) and a static list (stored members).
          const ctx: SegmentContext = {
            workspaceId: ws,
            now: NOW,
            resolveField: fieldResolver(defs),
            segments: new Map([
              [innerId, { id: innerId, kind: 'segment', name: 'inner', definition: inner }],
              [listId, { id: listId, kind: 'list', name: 'list', definition: null }],
            ]),
          };
          await t.h.db.transaction((tx) => writeDataset(tx, ws, data, listId));
          const members = new Map([[listId, new Set(data.listMembers.map((i) => data.contacts[i]!.id))]]);
          // The inner segment's stored membership, as its own evaluation gives it.
          const innerMembers = evaluateSegment(segmentNode.parse(inner) as SegmentNode, ctx, { contacts: data.contacts, events: data.events, members });
          members.set(innerId, innerMembers);
          await t.h.db.query('insert into segment_members (workspace_id, segment_id, contact_id, entered_at) select $1, $2, unnest($3::uuid[]), now()', [ws, innerId, [...innerMembers]]);
          const memory = { contacts: data.contacts, events: data.events, members };
          for (const def of outer) {
            // Every generated definition is a valid one (the generator and validator agree).
            expect(validateDefinition(def, ctx)).toEqual([]);
            const parsed = segmentNode.parse(def) as SegmentNode;
            const compiled = compileSegment(parsed, ctx);
            const rows = await t.h.db.query<{ id: string }>(compiled.sql, compiled.params);
            const fromSql = rows.map((r) => r.id).sort();
            const fromMemory = [...evaluateSegment(parsed, ctx, memory)].sort();
            expect(fromSql, `${JSON.stringify(def)}\n${compiled.sql}`).toEqual(fromMemory);
            definitions++;
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(definitions).toBeGreaterThanOrEqual(500);
  }, 240_000);

  it('reads several order conditions of one AND group together, as the evaluator reads them one by one', async () => {
    const ws = (await t.h.signUp()).workspaceId;
    const ctx: SegmentContext = { workspaceId: ws, now: NOW, resolveField: fieldResolver(new Map(PROPERTIES.map((d) => [d.key, d]))), segments: new Map() };
    await fc.assert(
      fc.asyncProperty(datasetArb, fc.array(fc.array(purchaseConditionArb, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }), async (data, groups) => {
        await t.h.db.transaction((tx) => writeDataset(tx, ws, data, uuidv7()));
        for (const children of groups) {
          const def = segmentNode.parse({ kind: 'group', op: 'and', children }) as SegmentNode;
          const compiled = compileSegment(def, ctx);
          const fromSql = (await t.h.db.query<{ id: string }>(compiled.sql, compiled.params)).map((r) => r.id).sort();
          const fromMemory = [...evaluateSegment(def, ctx, { contacts: data.contacts, events: data.events, members: new Map() })].sort();
          expect(fromSql, `${JSON.stringify(def)}\n${compiled.sql}`).toEqual(fromMemory);
        }
      }),
      { numRuns: 80 },
    );
  }, 240_000);
});

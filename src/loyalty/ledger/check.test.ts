// The check finds what does not add up: a member's balance changed behind the ledger's back,
// a lot whose points do not match its allocations, and the workspace's total off zero.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../../testing/harness.ts';
import { checkLedger } from './check.ts';
import { grant } from './ledger.ts';
import { take } from './take.ts';

const t = useHarness();
const now = new Date('2026-01-01T00:00:00Z');

describe('the ledger check', () => {
  it('agrees with an untouched ledger and reports each kind of difference', async () => {
    const ws = randomUUID();
    const ann = randomUUID();
    await t.h.db.transaction(async (tx) => {
      await grant(tx, ws, { contactId: ann, points: 100, availableAt: now, expiresAt: null, key: 'e1', cause: 'event:1', kind: 'earn' }, now);
      await take(tx, ws, { contactId: ann, points: 30, key: 's1', cause: 'reward:1', kind: 'spend' }, now);
    });
    expect(await checkLedger(t.h.db, ws)).toEqual([]);

    const [member] = await t.h.db.query<{ id: string }>("select id from loyalty_accounts where workspace_id = $1 and kind = 'member'", [ws]);
    await t.h.db.query('update loyalty_accounts set balance = balance + 5 where id = $1', [member!.id]);
    const [lot] = await t.h.db.query<{ id: string }>('select id from loyalty_lots where account_id = $1', [member!.id]);
    await t.h.db.query('update loyalty_lots set remaining = remaining - 1 where id = $1', [lot!.id]);
    const problems = await checkLedger(t.h.db, ws);
    expect(problems).toEqual(
      expect.arrayContaining([
        { what: 'account_balance', id: Number(member!.id), stored: 75, computed: 70 },
        { what: 'member_lots', id: Number(member!.id), stored: 75, computed: 69 },
        { what: 'lot_remaining', id: Number(lot!.id), stored: 69, computed: 70 },
        { what: 'workspace_total', id: null, stored: 5, computed: 0 },
      ]),
    );
    expect(problems).toHaveLength(4);
  });
});

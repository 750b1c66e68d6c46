import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { type ContactInput, upsertContacts } from './upsert.ts';

const t = useHarness();

async function write(workspaceId: string, inputs: ContactInput[], source = 'api') {
  return t.h.db.transaction((tx) => upsertContacts(tx, workspaceId, inputs, { now: t.h.clock.now(), source }));
}

async function contact(id: string) {
  const [row] = await t.h.db.query<Record<string, any>>('select * from contacts where id = $1', [id]);
  return row!;
}

describe('writing contacts', () => {
  it('creates new contacts and merges inputs that name the same person', async () => {
    const ws = (await t.h.signUp()).workspaceId;
    const results = await write(ws, [
      { email: 'ann@example.com', firstName: 'Ann' },
      { email: 'bob@example.com' },
      { email: 'ann@example.com', lastName: 'Lee', properties: { plan: 'gold' } },
      { phone: '+441234567890' },
    ]);
    expect(results.map((r) => r.created)).toEqual([true, true, false, true]);
    expect(results[0]!.id).toBe(results[2]!.id);
    const ann = await contact(results[0]!.id);
    expect(ann).toMatchObject({ first_name: 'Ann', last_name: 'Lee', properties: { plan: 'gold' }, email_status: 'not_subscribed' });
    const [n] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contacts where workspace_id = $1', [ws]);
    expect(n!.n).toBe(3);
  });

  it('matches existing contacts by external id, then by email, and records what changed', async () => {
    const ws = (await t.h.signUp()).workspaceId;
    const [first] = await write(ws, [{ email: 'cy@example.com', firstName: 'Cy', properties: { plan: 'free', age: 30 } }]);
    t.h.clock.advance(60_000);
    const [byEmail] = await write(ws, [{ email: 'cy@example.com', externalId: 'u-1', properties: { plan: 'pro', age: null } }], 'import');
    expect(byEmail).toEqual({ id: first!.id, created: false });
    const [byExternal] = await write(ws, [{ externalId: 'u-1', firstName: 'Cyrus' }], 'tracking');
    expect(byExternal!.id).toBe(first!.id);
    const c = await contact(first!.id);
    expect(c).toMatchObject({ external_id: 'u-1', first_name: 'Cyrus', properties: { plan: 'pro' } });

    const changes = await t.h.db.query<{ field: string; old_value: unknown; new_value: unknown; source: string }>(
      'select field, old_value, new_value, source from contact_changes where contact_id = $1 order by id',
      [first!.id],
    );
    expect(changes).toHaveLength(4);
    expect(changes).toEqual(expect.arrayContaining([
      { field: 'external_id', old_value: null, new_value: 'u-1', source: 'import' },
      { field: 'properties.age', old_value: 30, new_value: null, source: 'import' },
      { field: 'properties.plan', old_value: 'free', new_value: 'pro', source: 'import' },
      { field: 'first_name', old_value: 'Cy', new_value: 'Cyrus', source: 'tracking' },
    ]));
  });

  it('writes nothing when nothing changes', async () => {
    const ws = (await t.h.signUp()).workspaceId;
    const [a] = await write(ws, [{ email: 'same@example.com', firstName: 'Same' }]);
    const before = await contact(a!.id);
    t.h.clock.advance(60_000);
    await write(ws, [{ email: 'same@example.com', firstName: 'Same' }]);
    const after = await contact(a!.id);
    expect(after.updated_at).toEqual(before.updated_at);
    const [n] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contact_changes where contact_id = $1', [a!.id]);
    expect(n!.n).toBe(0);
  });

  it('never gives one person’s email to another', async () => {
    const ws = (await t.h.signUp()).workspaceId;
    const [dee] = await write(ws, [{ externalId: 'd-1', email: 'dee@example.com' }]);
    const [other] = await write(ws, [{ externalId: 'd-2', email: 'dee@example.com', firstName: 'Other' }]);
    expect(other!.id).not.toBe(dee!.id);
    expect(other!.created).toBe(true);
    expect(other!.conflict).toMatch(/belongs to another contact/);
    expect((await contact(other!.id)).email).toBeNull();
    expect((await contact(dee!.id)).email).toBe('dee@example.com');
  });

  it('keeps workspaces apart: the same email is two contacts in two workspaces', async () => {
    const a = (await t.h.signUp()).workspaceId;
    const b = (await t.h.signUp()).workspaceId;
    const [x] = await write(a, [{ email: 'shared@example.com', firstName: 'A' }]);
    const [y] = await write(b, [{ email: 'shared@example.com', firstName: 'B' }]);
    expect(x!.id).not.toBe(y!.id);
    expect((await contact(x!.id)).first_name).toBe('A');
  });
});

// One rule for destroying contacts: deleting one, deleting many and erasing (GDPR) all take an
// admin (or owner, or a full API key); a bulk delete of more than 10 contacts says how many it
// deletes (confirmCount), and every deletion is recorded: who, when, how many, what selection.
import { describe, expect, it } from 'vitest';
import { createUser } from '../accounts/accounts.ts';
import type { ApiClient } from '../testing/client.ts';
import { TEST_PASSWORD, useHarness } from '../testing/harness.ts';
import type { Role } from '../workspaces/roles.ts';
import { addMember } from '../workspaces/workspaces.ts';

const t = useHarness();
let n = 0;

async function member(workspaceId: string, role: Role): Promise<{ userId: string; client: ApiClient }> {
  const user = await createUser(t.h.ctx, { email: `${role}${++n}@deletions.test`, name: role, password: TEST_PASSWORD });
  await addMember(t.h.ctx, workspaceId, user.id, role);
  return { userId: user.id, client: await t.h.signIn(user.id, workspaceId) };
}

async function contacts(client: ApiClient, count: number, city: string): Promise<string[]> {
  await client.post('/api/v1/properties', { label: 'City', type: 'string' });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push((await client.post('/api/v1/contacts', { email: `${city.toLowerCase()}${i}-${++n}@deletions.test`, properties: { city } })).body.id);
  }
  return ids;
}

interface Deletion {
  workspace_id: string;
  kind: string;
  deleted: number;
  selection: unknown;
  user_id: string | null;
  api_key_id: string | null;
  deleted_at: Date;
}
const deletionsOf = (workspaceId: string) =>
  t.h.db.query<Deletion>('select * from contact_deletions where workspace_id = $1 order by deleted_at, id', [workspaceId]);
const left = async (workspaceId: string) =>
  (await t.h.db.query<{ n: number }>('select count(*)::int as n from contacts where workspace_id = $1', [workspaceId]))[0]!.n;

describe('deleting contacts', () => {
  it('takes an admin, for one contact, many, or an erasure alike', async () => {
    const owner = await t.h.signUp();
    const ids = await contacts(owner.client, 3, 'Leeds');
    const marketer = await member(owner.workspaceId, 'marketer');
    const refused = [
      await marketer.client.delete(`/api/v1/contacts/${ids[0]}`),
      await marketer.client.post('/api/v1/contacts/bulk-delete', { ids: [ids[0]] }),
      await marketer.client.post('/api/v1/contacts/bulk-delete', { filter: { filters: [] }, confirmCount: 3 }),
      await marketer.client.post('/api/v1/contacts/bulk-delete/count', { filter: { filters: [] } }),
      await marketer.client.post(`/api/v1/contacts/${ids[0]}/erase`),
      await marketer.client.get('/api/v1/contacts/deletions'),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/takes admin or above/);
    }
    // Marketers still create and change contacts.
    expect((await marketer.client.patch(`/api/v1/contacts/${ids[0]}`, { firstName: 'Still here' })).status).toBe(200);
    expect(await left(owner.workspaceId)).toBe(3);
    expect(await deletionsOf(owner.workspaceId)).toEqual([]);

    const admin = await member(owner.workspaceId, 'admin');
    expect((await admin.client.delete(`/api/v1/contacts/${ids[0]}`)).status).toBe(204);
    expect((await admin.client.post(`/api/v1/contacts/${ids[1]}/erase`)).status).toBe(200);
    const key = await t.h.apiKey(owner.workspaceId);
    expect((await key.client.post('/api/v1/contacts/bulk-delete', { ids: [ids[2]] })).body).toEqual({ deleted: 1 });
    expect(await deletionsOf(owner.workspaceId)).toMatchObject([
      { kind: 'one', deleted: 1, selection: { ids: [ids[0]] }, user_id: admin.userId, api_key_id: null },
      // An erasure leaves nothing that names the person: not even the id.
      { kind: 'erase', deleted: 1, selection: null, user_id: admin.userId, api_key_id: null },
      { kind: 'many', deleted: 1, selection: { ids: [ids[2]] }, user_id: null, api_key_id: key.id },
    ]);
  });

  it('asks to confirm a bulk delete of more than 10 contacts with their number, and records it', async () => {
    const owner = await t.h.signUp();
    await contacts(owner.client, 12, 'York');
    await contacts(owner.client, 2, 'Bath');
    const admin = await member(owner.workspaceId, 'admin');
    const filter = { filters: [{ field: 'properties.city', op: 'eq', value: 'York' }] };

    expect((await admin.client.post('/api/v1/contacts/bulk-delete/count', { filter })).body).toEqual({ count: 12 });
    for (const confirmCount of [undefined, 11, 13, 0]) {
      const res = await admin.client.post('/api/v1/contacts/bulk-delete', { filter, confirmCount });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.message).toBe('This deletes 12 contacts with their activity, which cannot be undone: type the number 12 to confirm.');
      expect(res.body.error.details).toEqual([{ path: 'body.confirmCount', message: 'type the number 12 to confirm' }]);
    }
    expect(await left(owner.workspaceId)).toBe(14);
    expect(await deletionsOf(owner.workspaceId)).toEqual([]);

    const before = t.h.clock.now();
    expect((await admin.client.post('/api/v1/contacts/bulk-delete', { filter, confirmCount: 12 })).body).toEqual({ deleted: 12 });
    expect(await left(owner.workspaceId)).toBe(2);
    const [record] = await deletionsOf(owner.workspaceId);
    expect(record).toMatchObject({ kind: 'many', deleted: 12, selection: { filter }, user_id: admin.userId, api_key_id: null });
    expect(new Date(record!.deleted_at).getTime()).toBe(before.getTime());

    // The log, for admins, newest first.
    const log = await admin.client.get('/api/v1/contacts/deletions');
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      { id: expect.any(String), kind: 'many', deleted: 12, selection: { filter }, userId: admin.userId, userEmail: expect.stringMatching(/@deletions\.test$/), apiKeyId: null, deletedAt: before.toISOString() },
    ]);

    // Ten or fewer go without the number; the number may be sent anyway, and must then be right.
    expect((await admin.client.post('/api/v1/contacts/bulk-delete', { filter: { filters: [] }, confirmCount: 3 })).status).toBe(400);
    expect((await admin.client.post('/api/v1/contacts/bulk-delete', { filter: { filters: [] } })).body).toEqual({ deleted: 2 });
  });

  it('counts what was deleted, not what was asked for: ids of other workspaces or already gone do not count', async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    const mine = await contacts(a.client, 11, 'Ely');
    const theirs = await contacts(b.client, 3, 'Ely');
    const ids = [...mine, ...theirs];
    expect((await a.client.post('/api/v1/contacts/bulk-delete/count', { ids })).body).toEqual({ count: 11 });
    expect((await a.client.post('/api/v1/contacts/bulk-delete', { ids, confirmCount: 14 })).status).toBe(400);
    expect((await a.client.post('/api/v1/contacts/bulk-delete', { ids, confirmCount: 11 })).body).toEqual({ deleted: 11 });
    expect(await left(b.workspaceId)).toBe(3);
    expect(await deletionsOf(b.workspaceId)).toEqual([]);
  });
});

describe('a selection with a misspelt key', () => {
  it('is refused, not read as "every contact"', async () => {
    const owner = await t.h.signUp();
    await contacts(owner.client, 3, 'York');
    const res = await owner.client.post('/api/v1/contacts/bulk-delete', { filter: { filtr: [{ field: 'city', op: 'eq', value: 'York' }] } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toMatch(/filtr/);
    expect(await left(owner.workspaceId)).toBe(3);
  });
});

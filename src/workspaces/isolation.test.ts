import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';

const t = useHarness();

describe('workspace isolation', () => {
  it('workspace B cannot see or change workspace A’s members, invitations or keys, and learns nothing of their existence', async () => {
    const a = await t.h.signUp({ workspaceName: 'A' });
    const b = await t.h.signUp({ workspaceName: 'B' });
    const keyA = (await a.client.post('/api/v1/api-keys', { name: 'A key', scope: 'full' })).body;
    const invA = (await a.client.post('/api/v1/invitations', { email: 'someone@a.test', role: 'viewer' })).body;

    for (const client of [b.client, (await t.h.apiKey(b.workspaceId)).client]) {
      const members = (await client.get('/api/v1/members')).body as { userId: string }[];
      expect(members.map((m) => m.userId)).toEqual([b.userId]);
      expect((await client.get('/api/v1/api-keys')).body).not.toContainEqual(expect.objectContaining({ id: keyA.apiKey.id }));
      expect((await client.get('/api/v1/invitations')).body).toEqual([]);

      // Acting on A's things by id answers exactly as for ids that do not exist at all.
      const missing = '01a206a7-2d0a-790a-b933-c4c4833a7dfd';
      for (const [method, url, body] of [
        ['DELETE', `/api/v1/api-keys/${keyA.apiKey.id}`],
        ['DELETE', `/api/v1/invitations/${invA.invitation.id}`],
        ['PATCH', `/api/v1/members/${a.userId}`, { role: 'viewer' }],
        ['DELETE', `/api/v1/members/${a.userId}`],
      ] as const) {
        const res = await client.request(method, url, body);
        const control = await client.request(method, url.replace(/[0-9a-f-]{36}$/, missing), body);
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.body).toEqual(control.body);
      }
    }
    // A is untouched.
    expect((await a.client.get('/api/v1/api-keys')).body[0].revokedAt).toBeNull();
    expect((await a.client.get('/api/v1/invitations')).body).toHaveLength(1);
    expect((await a.client.get('/api/v1/members')).body).toHaveLength(1);
  });

  it('a person cannot switch into a workspace they are not a member of', async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    const res = await b.client.put('/api/v1/session/workspace', { workspaceId: a.workspaceId });
    expect(res.status).toBe(404);
    expect((await b.client.get('/api/v1/workspace')).body.id).toBe(b.workspaceId);
  });

  it('a person in two workspaces switches between them and sees each one’s data', async () => {
    const a = await t.h.signUp({ workspaceName: 'First' });
    const created = await a.client.post('/api/v1/workspaces', { name: 'Second' });
    expect(created.status).toBe(201);
    expect(created.body.role).toBe('owner');
    const session = (await a.client.get('/api/v1/session')).body;
    expect(session.workspaces.map((w: { name: string }) => w.name)).toEqual(['First', 'Second']);
    expect(session.workspace.name).toBe('First');
    await a.client.post('/api/v1/api-keys', { name: 'only in first', scope: 'full' });
    expect((await a.client.put('/api/v1/session/workspace', { workspaceId: created.body.id })).status).toBe(204);
    expect((await a.client.get('/api/v1/workspace')).body.name).toBe('Second');
    expect((await a.client.get('/api/v1/api-keys')).body).toEqual([]);
  });
});

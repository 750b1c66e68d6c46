import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { addMember } from './workspaces.ts';
import { createUser } from '../accounts/accounts.ts';
import type { Role } from './roles.ts';

const t = useHarness();
const concrete = (url: string) => url.replace(/:[a-zA-Z]+/g, '01a206a7-2d0a-790a-b933-c4c4833a7dfd');

let n = 0;
async function memberWithRole(workspaceId: string, role: Role) {
  const user = await createUser(t.h.ctx, { email: `${role}${++n}@roles.test`, name: role, password: 'long enough password' });
  await addMember(t.h.ctx, workspaceId, user.id, role);
  return { userId: user.id, client: await t.h.signIn(user.id, workspaceId) };
}

describe('roles', () => {
  it('a viewer reads everything in the workspace and writes nothing', async () => {
    const owner = await t.h.signUp();
    const viewer = await memberWithRole(owner.workspaceId, 'viewer');
    const allWrites = t.h.app.routeTable.filter((r) => r.access === 'workspace' && !['GET', 'HEAD', 'OPTIONS'].includes(r.method));
    // The writes a viewer may make: leaving, and previews (reads sent as a POST, because a
    // definition does not fit in a URL).
    expect(allWrites.filter((r) => r.role === 'viewer').map((r) => r.url).sort()).toEqual([
      '/api/v1/email/templates/:id/preview',
      '/api/v1/segments/preview',
      '/api/v1/workspace/leave',
    ]);
    const writes = allWrites.filter((r) => r.role !== 'viewer');
    expect(writes.length).toBeGreaterThan(5);
    for (const route of writes) {
      const res = await viewer.client.request(route.method as 'POST', concrete(route.url), route.method === 'DELETE' ? undefined : {});
      expect(res.status, `${route.method} ${route.url}`).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await viewer.client.get('/api/v1/members')).status).toBe(200);
    expect((await viewer.client.get('/api/v1/workspace')).status).toBe(200);
  });

  it('a marketer cannot manage members, invitations or API keys', async () => {
    const owner = await t.h.signUp();
    const marketer = await memberWithRole(owner.workspaceId, 'marketer');
    expect((await marketer.client.post('/api/v1/api-keys', { name: 'x', scope: 'full' })).status).toBe(403);
    expect((await marketer.client.get('/api/v1/api-keys')).status).toBe(403);
    expect((await marketer.client.post('/api/v1/invitations', { email: 'a@b.co', role: 'viewer' })).status).toBe(403);
    expect((await marketer.client.patch(`/api/v1/members/${marketer.userId}`, { role: 'admin' })).status).toBe(403);
  });

  it('an admin manages members but cannot touch ownership', async () => {
    const owner = await t.h.signUp();
    const admin = await memberWithRole(owner.workspaceId, 'admin');
    const other = await memberWithRole(owner.workspaceId, 'viewer');
    expect((await admin.client.patch(`/api/v1/members/${other.userId}`, { role: 'marketer' })).status).toBe(204);
    expect((await admin.client.patch(`/api/v1/members/${other.userId}`, { role: 'owner' })).status).toBe(403);
    expect((await admin.client.patch(`/api/v1/members/${owner.userId}`, { role: 'viewer' })).status).toBe(403);
    expect((await admin.client.delete(`/api/v1/members/${owner.userId}`)).status).toBe(403);
    expect((await admin.client.delete(`/api/v1/members/${other.userId}`)).status).toBe(204);
    // The removed member loses the workspace at once.
    expect((await other.client.get('/api/v1/members')).status).toBe(403);
  });

  it('a workspace always keeps an owner', async () => {
    const owner = await t.h.signUp();
    const res = await owner.client.patch(`/api/v1/members/${owner.userId}`, { role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('body.role');
    expect((await owner.client.delete(`/api/v1/members/${owner.userId}`)).status).toBe(400);
    const second = await memberWithRole(owner.workspaceId, 'admin');
    expect((await owner.client.patch(`/api/v1/members/${second.userId}`, { role: 'owner' })).status).toBe(204);
    expect((await owner.client.patch(`/api/v1/members/${owner.userId}`, { role: 'admin' })).status).toBe(204);
  });

  it('any member can leave a workspace, except its last owner', async () => {
    const owner = await t.h.signUp();
    const viewer = await memberWithRole(owner.workspaceId, 'viewer');
    expect((await viewer.client.post('/api/v1/workspace/leave')).status).toBe(204);
    expect((await viewer.client.get('/api/v1/members')).status).toBe(403);
    expect((await owner.client.get('/api/v1/members')).body).toHaveLength(1);
    const res = await owner.client.post('/api/v1/workspace/leave');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/at least one owner/);
  });

  it('a full API key acts as an admin', async () => {
    const owner = await t.h.signUp();
    const { client } = await t.h.apiKey(owner.workspaceId, 'full');
    expect((await client.post('/api/v1/invitations', { email: 'new@person.test', role: 'marketer' })).status).toBe(201);
    expect((await client.patch(`/api/v1/members/${owner.userId}`, { role: 'viewer' })).status).toBe(403);
  });
});

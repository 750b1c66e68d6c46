// Who may create a workspace (RAPPORT_WORKSPACE_CREATION): a new workspace makes its creator
// its owner, with every right over it (its SMTP settings among them), so not every account may.
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../accounts/accounts.ts';
import { loadConfig } from '../config.ts';
import { useHarness } from '../testing/harness.ts';
import type { Role } from './roles.ts';
import { addMember } from './workspaces.ts';

const t = useHarness();
const rule = (value: string) => {
  (t.h.ctx.config as { workspaceCreation?: string }).workspaceCreation = value;
};
afterEach(() => rule('admins'));

let n = 0;
async function memberWithRole(workspaceId: string, role: Role) {
  const user = await createUser(t.h.ctx, { email: `creator-${role}${++n}@creation.test`, name: role, password: 'long enough password' });
  await addMember(t.h.ctx, workspaceId, user.id, role);
  return { userId: user.id, client: await t.h.signIn(user.id, workspaceId) };
}

describe('creating workspaces', () => {
  it('by default owners and admins may; someone who is only a marketer or viewer anywhere may not', async () => {
    expect(loadConfig({}).workspaceCreation).toBe('admins');
    const owner = await t.h.signUp();
    expect((await owner.client.get('/api/v1/session')).body.canCreateWorkspaces).toBe(true);
    expect((await owner.client.post('/api/v1/workspaces', { name: 'Second shop' })).status).toBe(201);

    const admin = await memberWithRole(owner.workspaceId, 'admin');
    expect((await admin.client.post('/api/v1/workspaces', { name: 'Admin shop' })).status).toBe(201);

    for (const role of ['viewer', 'marketer'] as const) {
      const member = await memberWithRole(owner.workspaceId, role);
      expect((await member.client.get('/api/v1/session')).body.canCreateWorkspaces, role).toBe(false);
      const res = await member.client.post('/api/v1/workspaces', { name: `${role} shop` });
      expect(res.status, role).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.body.error.message).toContain('owners and admins');
      expect(res.body.error.message).toContain('RAPPORT_WORKSPACE_CREATION');
    }
  });

  it('"operators": nobody creates one from the app or the API, not even an owner', async () => {
    rule('operators');
    const owner = await t.h.signUp();
    expect((await owner.client.get('/api/v1/session')).body.canCreateWorkspaces).toBe(false);
    const res = await owner.client.post('/api/v1/workspaces', { name: 'Another' });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('rapport workspace create');
  });

  it('"anyone": every signed-in account, as before', async () => {
    rule('anyone');
    const owner = await t.h.signUp();
    const viewer = await memberWithRole(owner.workspaceId, 'viewer');
    expect((await viewer.client.get('/api/v1/session')).body.canCreateWorkspaces).toBe(true);
    expect((await viewer.client.post('/api/v1/workspaces', { name: 'Viewer shop' })).status).toBe(201);
  });

  it('the setting is read from the environment and a wrong value stops the start', () => {
    expect(loadConfig({ RAPPORT_WORKSPACE_CREATION: 'operators' }).workspaceCreation).toBe('operators');
    expect(loadConfig({ RAPPORT_WORKSPACE_CREATION: 'anyone' }).workspaceCreation).toBe('anyone');
    expect(() => loadConfig({ RAPPORT_WORKSPACE_CREATION: 'everybody' })).toThrow(/RAPPORT_WORKSPACE_CREATION must be one of anyone, admins, operators/);
  });
});

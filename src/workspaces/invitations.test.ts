import { describe, expect, it } from 'vitest';
import { ApiClient, cookieFrom } from '../testing/client.ts';
import { TEST_PASSWORD, useHarness } from '../testing/harness.ts';

const t = useHarness();
const tokenOf = (url: string) => url.split('/invite/')[1]!;

describe('invitations', () => {
  it('an invited person opens the link, creates their account and lands in the workspace with the given role', async () => {
    const owner = await t.h.signUp({ workspaceName: 'Bakery' });
    const created = await owner.client.post('/api/v1/invitations', { email: 'New.Person@Example.com', role: 'marketer' });
    expect(created.status).toBe(201);
    expect(created.body.url).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(created.body.invitation).toMatchObject({ email: 'new.person@example.com', role: 'marketer' });
    const token = tokenOf(created.body.url);

    const anon = t.h.anonymous();
    expect((await anon.get(`/api/v1/invites/${token}`)).body).toEqual({
      workspaceName: 'Bakery',
      email: 'new.person@example.com',
      role: 'marketer',
      accountExists: false,
    });
    const accepted = await anon.post(`/api/v1/invites/${token}/accept`, { name: 'New Person', password: 'a good long password' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.workspace).toMatchObject({ name: 'Bakery', role: 'marketer' });
    const me = new ApiClient(t.h.app, { cookie: cookieFrom(accepted, 'rapport_session'), csrfToken: accepted.body.csrfToken });
    expect((await me.get('/api/v1/workspace')).body.name).toBe('Bakery');

    const members = (await owner.client.get('/api/v1/members')).body as { email: string; role: string }[];
    expect(members.map((m) => [m.email, m.role])).toContainEqual(['new.person@example.com', 'marketer']);
    expect((await owner.client.get('/api/v1/invitations')).body).toEqual([]);
    // The link works once.
    expect((await anon.post(`/api/v1/invites/${token}/accept`, { name: 'x', password: 'a good long password' })).status).toBe(410);
  });

  it('someone who already has an account accepts while signed in as the invited address, and only then', async () => {
    const owner = await t.h.signUp();
    const invitee = await t.h.signUp({ email: 'has.account@example.com' });
    const stranger = await t.h.signUp({ email: 'stranger@example.com' });
    const { url } = (await owner.client.post('/api/v1/invitations', { email: 'has.account@example.com', role: 'viewer' })).body;
    const token = tokenOf(url);
    expect((await t.h.anonymous().get(`/api/v1/invites/${token}`)).body.accountExists).toBe(true);
    const anonymousTry = await t.h.anonymous().post(`/api/v1/invites/${token}/accept`, { name: 'x', password: TEST_PASSWORD });
    expect(anonymousTry.status).toBe(409);
    expect(anonymousTry.body.error.code).toBe('sign_in_required');
    const wrongAccount = await stranger.client.post(`/api/v1/invites/${token}/accept`, {});
    expect(wrongAccount.status).toBe(403);
    // Without its CSRF token the session cookie does not count (another site cannot accept for you).
    const forged = new ApiClient(t.h.app, { cookie: invitee.client.auth.cookie });
    expect((await forged.post(`/api/v1/invites/${token}/accept`, {})).status).toBe(400);
    const ok = await invitee.client.post(`/api/v1/invites/${token}/accept`, {});
    expect(ok.status).toBe(200);
    expect(ok.body.workspaces).toHaveLength(2);
  });

  it('revoked and expired invitations no longer work', async () => {
    const owner = await t.h.signUp();
    const first = (await owner.client.post('/api/v1/invitations', { email: 'late@example.com', role: 'viewer' })).body;
    expect((await owner.client.delete(`/api/v1/invitations/${first.invitation.id}`)).status).toBe(204);
    expect((await t.h.anonymous().get(`/api/v1/invites/${tokenOf(first.url)}`)).status).toBe(404);

    const second = (await owner.client.post('/api/v1/invitations', { email: 'late@example.com', role: 'viewer' })).body;
    t.h.clock.advanceDays(8);
    const res = await t.h.anonymous().post(`/api/v1/invites/${tokenOf(second.url)}/accept`, { name: 'Late', password: 'a good long password' });
    expect(res.status).toBe(410);
    expect(res.body.error.code).toBe('invitation_expired');
  });

  it('inviting an existing member is a conflict; inviting again replaces the pending invitation', async () => {
    const owner = await t.h.signUp({ email: 'boss@example.com' });
    const res = await owner.client.post('/api/v1/invitations', { email: 'boss@example.com', role: 'viewer' });
    expect(res.status).toBe(409);
    const a = (await owner.client.post('/api/v1/invitations', { email: 'twice@example.com', role: 'viewer' })).body;
    const b = (await owner.client.post('/api/v1/invitations', { email: 'twice@example.com', role: 'admin' })).body;
    expect((await t.h.anonymous().get(`/api/v1/invites/${tokenOf(a.url)}`)).status).toBe(404);
    expect((await t.h.anonymous().get(`/api/v1/invites/${tokenOf(b.url)}`)).body.role).toBe('admin');
    expect((await owner.client.get('/api/v1/invitations')).body).toHaveLength(1);
  });
});

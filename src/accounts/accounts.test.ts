import { describe, expect, it } from 'vitest';
import { ApiClient, cookieFrom } from '../testing/client.ts';
import { createHarness, useHarness } from '../testing/harness.ts';

const t = useHarness();

describe('first-run setup and sign-in', () => {
  it('sets up the first user and workspace once, then only allows signing in', async () => {
    const h = await createHarness();
    try {
      const anon = h.anonymous();
      expect((await anon.get('/api/v1/setup')).body).toEqual({ needed: true });
      const res = await anon.post('/api/v1/setup', {
        email: '  Ada@Example.COM ',
        name: 'Ada Lovelace',
        password: 'analytical engine',
        workspaceName: 'Acme Shop',
      });
      expect(res.status).toBe(201);
      expect(res.body.user.email).toBe('ada@example.com');
      expect(res.body.workspace).toMatchObject({ name: 'Acme Shop', role: 'owner' });
      const cookie = cookieFrom(res, 'rapport_session');
      expect(cookie).toBeDefined();
      const setCookie = String(res.headers['set-cookie']);
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);

      const me = new ApiClient(h.app, { cookie, csrfToken: res.body.csrfToken });
      expect((await me.get('/api/v1/session')).body.user.name).toBe('Ada Lovelace');
      expect((await anon.get('/api/v1/setup')).body).toEqual({ needed: false });
      const again = await anon.post('/api/v1/setup', { email: 'eve@example.com', password: 'take it over', workspaceName: 'Mine' });
      expect(again.status).toBe(409);

      const stored = await h.db.query<{ password_hash: string }>('select password_hash from users');
      expect(stored[0]!.password_hash).toMatch(/^scrypt\$/);
      expect(stored[0]!.password_hash).not.toContain('analytical');
    } finally {
      await h.close();
    }
  });

  it('signs in with email and password, and out again', async () => {
    const owner = await t.h.signUp({ email: 'grace@example.com' });
    const anon = t.h.anonymous();
    const res = await anon.post('/api/v1/session', { email: 'GRACE@example.com', password: 'correct horse battery staple' });
    expect(res.status).toBe(200);
    expect(res.body.workspace.id).toBe(owner.workspaceId);
    const me = new ApiClient(t.h.app, { cookie: cookieFrom(res, 'rapport_session'), csrfToken: res.body.csrfToken });
    expect((await me.get('/api/v1/members')).status).toBe(200);
    const out = await me.delete('/api/v1/session');
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/rapport_session=;/);
    expect((await me.get('/api/v1/members')).status).toBe(401);
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    await t.h.signUp({ email: 'known@example.com' });
    const anon = t.h.anonymous();
    const wrong = await anon.post('/api/v1/session', { email: 'known@example.com', password: 'not the password' });
    const unknown = await anon.post('/api/v1/session', { email: 'nobody@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
  });

  it('rate-limits repeated failed sign-ins for an address, and lets them in again later', async () => {
    await t.h.signUp({ email: 'target@example.com' });
    const anon = t.h.anonymous();
    for (let i = 0; i < 10; i++) {
      expect((await anon.post('/api/v1/session', { email: 'target@example.com', password: `guess number ${i}` })).status).toBe(401);
    }
    const blocked = await anon.post('/api/v1/session', { email: 'target@example.com', password: 'correct horse battery staple' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.body.error.code).toBe('rate_limited');
    t.h.clock.advance(16 * 60_000);
    expect((await anon.post('/api/v1/session', { email: 'target@example.com', password: 'correct horse battery staple' })).status).toBe(200);
  });

  it('lets people change their own name', async () => {
    const owner = await t.h.signUp();
    const res = await owner.client.patch('/api/v1/session/profile', { name: '  Grace Hopper ' });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('Grace Hopper');
    expect((await owner.client.get('/api/v1/session')).body.user.name).toBe('Grace Hopper');
  });

  it('ends a session after 30 days without use', async () => {
    const owner = await t.h.signUp();
    expect((await owner.client.get('/api/v1/session')).status).toBe(200);
    t.h.clock.advanceDays(31);
    const res = await owner.client.get('/api/v1/session');
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/Sign in again/);
  });

  it('changes a password only with the current one, and signs out the other sessions', async () => {
    const owner = await t.h.signUp({ email: 'changer@example.com' });
    const otherDevice = await t.h.signIn(owner.userId, owner.workspaceId);
    const bad = await owner.client.put('/api/v1/session/password', { currentPassword: 'nope', newPassword: 'a brand new password' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.currentPassword');
    const short = await owner.client.put('/api/v1/session/password', { currentPassword: 'correct horse battery staple', newPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0].path).toBe('body.newPassword');
    expect(
      (await owner.client.put('/api/v1/session/password', { currentPassword: 'correct horse battery staple', newPassword: 'a brand new password' })).status,
    ).toBe(204);
    expect((await owner.client.get('/api/v1/session')).status).toBe(200);
    expect((await otherDevice.get('/api/v1/session')).status).toBe(401);
    const anon = t.h.anonymous();
    expect((await anon.post('/api/v1/session', { email: 'changer@example.com', password: 'a brand new password' })).status).toBe(200);
  });
});

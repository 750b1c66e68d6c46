// The password policy: wherever a password is set (first-run setup, accepting an invitation,
// changing it, a reset link, the `rapport user` commands), the commonest and the easily
// guessed ones are refused with a message on the field that says why.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { randomToken, sha256 } from './crypto.ts';
import { createHarness, TEST_PASSWORD, useHarness } from '../testing/harness.ts';
import type { ApiResponse } from '../testing/client.ts';

const t = useHarness();

function expectRefused(res: ApiResponse, field: string, why: RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error.code).toBe('invalid_request');
  expect(res.body.error.details).toEqual([{ path: field, message: expect.stringMatching(why) }]);
}

const COMMON = /^This password is among the most common ones/;
const GUESSABLE = /^This password is (among the most common ones|too easy to guess)/;

describe('the password policy', () => {
  it('refuses a common password at first-run setup, and one made of the person’s own details', async () => {
    const h = await createHarness();
    try {
      const anon = h.anonymous();
      const setup = { email: 'margaret.hamilton@example.com', name: 'Margaret Hamilton', workspaceName: 'Apollo Guidance' };
      expectRefused(await anon.post('/api/v1/setup', { ...setup, password: 'password1234' }), 'body.password', COMMON);
      expectRefused(await anon.post('/api/v1/setup', { ...setup, password: 'qwertyuiop' }), 'body.password', COMMON);
      const own = await anon.post('/api/v1/setup', { ...setup, password: 'margaret.hamilton' });
      expectRefused(own, 'body.password', /^This password is too easy to guess\./);
      expect(own.body.error.message).toBe(own.body.error.details[0].message);
      expect((await anon.get('/api/v1/setup')).body).toEqual({ needed: true });
      expect((await anon.post('/api/v1/setup', { ...setup, password: 'lunar module rendezvous' })).status).toBe(201);
    } finally {
      await h.close();
    }
  });

  it('refuses a weak new password when changing it, and keeps the old one', async () => {
    const owner = await t.h.signUp({ email: 'changing@example.com' });
    const res = await owner.client.put('/api/v1/session/password', { currentPassword: TEST_PASSWORD, newPassword: 'iloveyou123' });
    expectRefused(res, 'body.newPassword', GUESSABLE);
    expect((await t.h.anonymous().post('/api/v1/session', { email: owner.email, password: TEST_PASSWORD })).status).toBe(200);
  });

  it('refuses a weak password through a reset link, which then still works', async () => {
    const owner = await t.h.signUp({ email: 'resetting@example.com' });
    const token = randomToken();
    const now = t.h.clock.now();
    await t.h.db.query('insert into password_resets (user_id, token_hash, created_at, expires_at) values ($1, $2, $3, $4)', [
      owner.userId,
      sha256(token),
      now,
      new Date(now.getTime() + 3_600_000),
    ]);
    const anon = t.h.anonymous();
    expectRefused(await anon.post('/api/v1/password-reset/complete', { token, password: 'abcdefghij' }), 'body.password', GUESSABLE);
    expect((await anon.post('/api/v1/password-reset/complete', { token, password: 'a freshly chosen passphrase' })).status).toBe(200);
  });

  it('refuses a weak password when an invitation creates the account, which can then still be accepted', async () => {
    const owner = await t.h.signUp({ email: 'inviting@example.com' });
    const { url } = (await owner.client.post('/api/v1/invitations', { email: 'invited@example.com', role: 'viewer' })).body;
    const token = String(url).split('/invite/')[1]!;
    const anon = t.h.anonymous();
    expectRefused(await anon.post(`/api/v1/invites/${token}/accept`, { name: 'Invited', password: '1234567890' }), 'body.password', COMMON);
    expect((await anon.post(`/api/v1/invites/${token}/accept`, { name: 'Invited', password: 'a good long password' })).status).toBe(200);
  });

  it('refuses a weak password on the command line', { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-policy-'));
    const env = { ...process.env, RAPPORT_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' };
    const rapport = async (...args: string[]) => {
      try {
        await promisify(execFile)(process.execPath, [path.resolve('bin/rapport.js'), ...args], { env, timeout: 60_000 });
        return { code: 0, stderr: '' };
      } catch (err) {
        return err as { code: number; stderr: string };
      }
    };
    try {
      const create = await rapport('user', 'create', '--email', 'cli@shop.test', '--password', 'password123', '--workspace', 'Shop');
      expect(create.code).toBe(1);
      expect(create.stderr).toMatch(/^rapport: --password: This password is among the most common ones/);
      const reset = await rapport('user', 'password', '--email', 'cli@shop.test', '--password', 'letmein12345');
      expect(reset.code).toBe(1);
      expect(reset.stderr).toMatch(/^rapport: --password: This password is/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

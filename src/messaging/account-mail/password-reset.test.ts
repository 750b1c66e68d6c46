// Forgotten passwords, reset by a link mailed through a real SMTP server on 127.0.0.1.
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Inbox, startInbox } from '../../testing/inbox.ts';
import { sha256 } from '../../accounts/crypto.ts';
import { ApiClient, cookieFrom } from '../../testing/client.ts';
import { TEST_PASSWORD, useHarness } from '../../testing/harness.ts';
import { closeTransports } from '../delivery/transport.ts';
import { closeResetTransport, passwordResetMailsSettled } from './reset-mail.ts';

const t = useHarness();

let inbox: Inbox;
let received: ParsedMail[] = [];
let port = 0;
beforeAll(async () => {
  inbox = await startInbox();
  received = inbox.received;
  port = inbox.port;
});
afterAll(async () => {
  closeTransports();
  closeResetTransport();
  await inbox.close();
});

let ipCounter = 0;
beforeEach(() => {
  t.h.ctx.config.publicUrl = 'https://rapport.example.com';
  t.h.ctx.config.smtpUrl = undefined;
  t.h.ctx.config.smtpFrom = undefined;
});

/** Asks for a link as a browser would, from its own client address. */
async function askReset(email: string, headers: Record<string, string> = {}, ip = `10.0.0.${++ipCounter}`) {
  const res = await t.h.app.inject({ method: 'POST', url: '/api/v1/password-reset', payload: { email }, headers, remoteAddress: ip });
  await passwordResetMailsSettled();
  return { status: res.statusCode, body: res.json() as unknown };
}

const mailsTo = (address: string) => received.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address);

function tokenIn(mail: ParsedMail): string {
  const link = /https:\/\/rapport\.example\.com\/reset-password#([\w-]+)/.exec(mail.text ?? '');
  expect(link, mail.text).not.toBeNull();
  return link![1]!;
}

async function workspaceWithSmtp(owner: { client: ApiClient }, fromEmail = 'hello@acme.test') {
  const res = await owner.client.put('/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', fromName: 'Acme', fromEmail });
  expect(res.status).toBe(200);
}

describe('resetting a forgotten password by email', () => {
  it('says when no SMTP server is set up, and then mails nothing and stores no link', async () => {
    const owner = await t.h.signUp({ email: 'no-smtp@example.com' });
    const anon = t.h.anonymous();
    expect((await anon.get('/api/v1/password-reset')).body).toEqual({ byEmail: false });
    const asked = await askReset(owner.email);
    expect(asked).toEqual({ status: 202, body: { requested: true } });
    expect(mailsTo(owner.email)).toHaveLength(0);
    expect(await t.h.db.query('select * from password_resets')).toEqual([]);
    // Never through the workspace's outbox, which every member can read.
    expect(await t.h.db.query('select * from email_messages where to_email = $1', [owner.email])).toEqual([]);
  });

  it('mails a link that works once, ends every session, and signs in with the new password', async () => {
    const owner = await t.h.signUp({ email: 'forgetful@example.com' });
    await workspaceWithSmtp(owner);
    const otherDevice = await t.h.signIn(owner.userId, owner.workspaceId);
    expect((await t.h.anonymous().get('/api/v1/password-reset')).body).toEqual({ byEmail: true });

    // A Host header of the asker's choosing does not change where the link points.
    expect(await askReset('Forgetful@Example.com', { host: 'evil.example' })).toEqual({ status: 202, body: { requested: true } });
    const [mail] = mailsTo(owner.email);
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe('Reset your Rapport password');
    expect(mail!.from?.value[0]).toMatchObject({ address: 'hello@acme.test', name: 'Acme' });
    expect(mail!.html).toContain('href="https://rapport.example.com/reset-password#');
    const token = tokenIn(mail!);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);

    // Only the token's hash is stored, and the link is in no outbox.
    const stored = await t.h.db.query<{ token_hash: string }>('select token_hash from password_resets');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.token_hash).toBe(sha256(token));
    expect(JSON.stringify(await t.h.db.query('select * from email_messages'))).not.toContain(token);

    const anon = t.h.anonymous();
    expect((await anon.post('/api/v1/password-reset/check', { token })).body).toEqual({ email: owner.email });
    const short = await anon.post('/api/v1/password-reset/complete', { token, password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0].path).toBe('body.password');

    const done = await anon.post('/api/v1/password-reset/complete', { token, password: 'a fresh memorable password' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ user: { email: owner.email }, workspace: { id: owner.workspaceId } });
    const signedIn = new ApiClient(t.h.app, { cookie: cookieFrom(done, 'rapport_session'), csrfToken: done.body.csrfToken });
    expect((await signedIn.get('/api/v1/members')).status).toBe(200);

    // Every session from before is over; the old password no longer works, the new one does.
    expect((await owner.client.get('/api/v1/session')).status).toBe(401);
    expect((await otherDevice.get('/api/v1/session')).status).toBe(401);
    expect((await anon.post('/api/v1/session', { email: owner.email, password: TEST_PASSWORD })).status).toBe(401);
    expect((await anon.post('/api/v1/session', { email: owner.email, password: 'a fresh memorable password' })).status).toBe(200);

    // The link worked once.
    const again = await anon.post('/api/v1/password-reset/complete', { token, password: 'someone else’s password' });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('reset_link_invalid');
    expect(again.body.error.message).toContain('Ask for a new one');
    expect((await anon.post('/api/v1/password-reset/check', { token })).status).toBe(404);
  });

  it('answers an unknown address exactly as a known one, and mails nothing', async () => {
    const owner = await t.h.signUp({ email: 'known-reset@example.com' });
    await workspaceWithSmtp(owner);
    const before = received.length;
    const unknown = await askReset('nobody-here@example.com');
    expect(received.length).toBe(before);
    const known = await askReset(owner.email);
    expect(unknown).toEqual(known);
    expect(received.length).toBe(before + 1);
  });

  it('lets a link expire after an hour, and a newer link replace an older one', async () => {
    const owner = await t.h.signUp({ email: 'slow@example.com' });
    await workspaceWithSmtp(owner);
    const anon = t.h.anonymous();

    await askReset(owner.email);
    const expiring = tokenIn(mailsTo(owner.email).at(-1)!);
    t.h.clock.advance(61 * 60_000);
    expect((await anon.post('/api/v1/password-reset/check', { token: expiring })).status).toBe(404);
    expect((await anon.post('/api/v1/password-reset/complete', { token: expiring, password: 'too late for this one' })).status).toBe(404);

    await askReset(owner.email);
    const first = tokenIn(mailsTo(owner.email).at(-1)!);
    await askReset(owner.email);
    const second = tokenIn(mailsTo(owner.email).at(-1)!);
    expect(second).not.toBe(first);
    expect((await anon.post('/api/v1/password-reset/complete', { token: first, password: 'an old link’s password' })).status).toBe(404);
    expect((await anon.post('/api/v1/password-reset/complete', { token: second, password: 'the newest link works' })).status).toBe(200);
    expect((await anon.post('/api/v1/session', { email: owner.email, password: 'the newest link works' })).status).toBe(200);
  });

  it('throttles requests per address in the database, the same for addresses with and without an account', async () => {
    const owner = await t.h.signUp({ email: 'popular@example.com' });
    await workspaceWithSmtp(owner);
    for (const email of [owner.email, 'ghost-popular@example.com']) {
      for (let i = 0; i < 3; i++) expect((await askReset(email)).status).toBe(202);
    }
    const known = await askReset(owner.email);
    const unknown = await askReset('ghost-popular@example.com');
    expect(known.status).toBe(429);
    expect(unknown).toEqual(known);
    expect((known.body as { error: { message: string } }).error.message).toMatch(/^Too many requests for a reset link\. Try again in \d+ minutes\.$/);
    expect(await t.h.db.query("select 1 from auth_attempts where key = 'reset:email:popular@example.com'")).toHaveLength(3);
    t.h.clock.advance(16 * 60_000);
    expect((await askReset(owner.email)).status).toBe(202);
  });

  it('throttles one client address asking for many addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await askReset(`spray${i}@example.com`, {}, '10.9.9.9')).status);
    expect(statuses.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(statuses[20]).toBe(429);
    t.h.clock.advance(16 * 60_000);
  });

  it('sends from the instance’s own SMTP server first, also to someone whose workspaces have none', async () => {
    const owner = await t.h.signUp({ email: 'instance-mail@example.com' });
    t.h.ctx.config.smtpUrl = `smtp://127.0.0.1:${port}`;
    t.h.ctx.config.smtpFrom = 'Rapport at Acme <rapport@acme.test>';
    expect((await t.h.anonymous().get('/api/v1/password-reset')).body).toEqual({ byEmail: true });
    await askReset(owner.email);
    const [mail] = mailsTo(owner.email);
    expect(mail?.from?.value[0]).toMatchObject({ address: 'rapport@acme.test', name: 'Rapport at Acme' });
    const done = await t.h.anonymous().post('/api/v1/password-reset/complete', { token: tokenIn(mail!), password: 'set through the instance' });
    expect(done.status).toBe(200);
  });

  it('refuses a malformed request with what to fix', async () => {
    const bad = await t.h.anonymous().post('/api/v1/password-reset', { email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('body.email');
    const noToken = await t.h.anonymous().post('/api/v1/password-reset/check', { token: 'abc' });
    expect(noToken.status).toBe(400);
    expect(noToken.body.error.details[0].message).toContain('copy the whole link');
  });
});

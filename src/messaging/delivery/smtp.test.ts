import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../../testing/harness.ts';
import { queueMessage } from './send.ts';
import { closeTransports } from './transport.ts';

const t = useHarness({ work: true });

// A real SMTP server on 127.0.0.1 that wants a user name and password, and keeps what it gets.
const received: ParsedMail[] = [];
let server: SMTPServer;
let port = 0;
beforeAll(async () => {
  server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'rapport' && auth.password === 's3cret pass') callback(null, { user: 'rapport' });
      else callback(new Error('SECRET-AUTH-REPLY Invalid username or password'));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
    logger: false,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  closeTransports();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const template = {
  name: 'Win back',
  subject: 'Hi {{ contact.first_name }}',
  body: '<mjml><mj-body><mj-section><mj-column><mj-text>We miss you, {{ contact.first_name }}. {{ workspace.name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
  defaults: { 'contact.first_name': 'there' },
};

describe('sending over SMTP', () => {
  it('stores the password encrypted, checks the connection, and a test send arrives personalized with a text part', async () => {
    const { client: api, workspaceId, email } = await t.h.signUp();
    const settings = { smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', smtpUser: 'rapport', fromName: 'Acme', fromEmail: 'hello@acme.test' };
    const wrong = await api.put('/api/v1/email/settings', { ...settings, smtpPassword: 'wrong' });
    expect(wrong.status).toBe(200);
    const failed = await api.post('/api/v1/email/settings/test');
    expect(failed.status).toBe(400);
    expect(failed.body.error.message).toContain('refused the user name or password');
    // In Rapport's words, not the server's.
    expect(JSON.stringify(failed.body)).not.toContain('SECRET');
    const saved = await api.put('/api/v1/email/settings', { smtpPassword: 's3cret pass' });
    expect(saved.body).toMatchObject({ smtpHost: '127.0.0.1', passwordSet: true });
    expect(JSON.stringify(saved.body)).not.toContain('s3cret');
    const [row] = await t.h.db.query<{ p: string }>('select smtp_password_encrypted as p from email_settings where workspace_id = $1', [workspaceId]);
    expect(row!.p).toMatch(/^v1\./);
    expect(row!.p).not.toContain('s3cret');
    expect((await api.post('/api/v1/email/settings/test')).body).toEqual({ ok: true, kind: 'smtp' });

    const tpl = (await api.post('/api/v1/email/templates', template)).body;
    const ann = (await api.post('/api/v1/contacts', { email: 'ann@example.com', firstName: 'Ann <b>', emailStatus: 'subscribed' })).body;
    const sent = await api.post(`/api/v1/email/templates/${tpl.id}/test-send`, { contactId: ann.id });
    expect(sent.status).toBe(202);
    expect(sent.body.to).toBe(email);
    const mail = await until('the test message', () => received.find((m) => m.subject === '[Test] Hi Ann <b>'));
    expect(mail.from?.value[0]).toMatchObject({ name: 'Acme', address: 'hello@acme.test' });
    expect((mail.to as { value: { address: string }[] }).value[0]!.address).toBe(email);
    expect(mail.html).toContain('We miss you, Ann &lt;b&gt;.');
    expect(mail.text).toContain('We miss you, Ann <b>.');
    expect(mail.messageId).toBe(`<${sent.body.messageId}@rapport>`);
    const message = await until('the message row to say sent', async () => {
      const list = (await api.get('/api/v1/email/messages')).body as { id: string; state: string; transport: string }[];
      return list.find((m) => m.id === sent.body.messageId && m.state === 'sent');
    });
    expect(message.transport).toBe('smtp');
  });

  it('without an SMTP server, messages go to the outbox, readable in the app', async () => {
    const { client: api } = await t.h.signUp();
    expect((await api.post('/api/v1/email/settings/test')).body).toEqual({ ok: true, kind: 'outbox' });
    const tpl = (await api.post('/api/v1/email/templates', template)).body;
    const sent = (await api.post(`/api/v1/email/templates/${tpl.id}/test-send`, {})).body;
    const inOutbox = await until('the outbox', async () => {
      const list = (await api.get('/api/v1/email/messages')).body as { id: string; state: string; transport: string }[];
      return list.find((m) => m.id === sent.messageId && m.state === 'sent');
    });
    expect(inOutbox.transport).toBe('outbox');
    const detail = (await api.get(`/api/v1/email/messages/${sent.messageId}`)).body;
    expect(detail.subject).toBe('[Test] Hi there');
    expect(detail.text).toContain('We miss you, there.');
  });

  it('marketing mail carries RFC 8058 one-click unsubscribe; using it unsubscribes and suppresses, and later mail is not sent', async () => {
    const { client: api, workspaceId } = await t.h.signUp();
    await api.put('/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', smtpUser: 'rapport', smtpPassword: 's3cret pass', fromEmail: 'news@acme.test' });
    const bo = (await api.post('/api/v1/contacts', { email: 'bo@example.com', firstName: 'Bo', emailStatus: 'subscribed' })).body;
    const offer = (n: number) => ({ contactId: bo.id, templateId: null, kind: 'broadcast' as const, idempotencyKey: `offer-${n}:${bo.id}`, to: 'bo@example.com', subject: `Offer ${n}`, html: '<p>Offer</p>', text: 'Offer' });
    const first = await queueMessage(t.h.ctx, workspaceId, offer(1));
    // The same cause queued twice is one message.
    expect(await queueMessage(t.h.ctx, workspaceId, offer(1))).toBe(first);
    const mail = await until('the offer', () => received.find((m) => m.subject === 'Offer 1'));
    const header = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]+:\s*/, '').replace(/\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = /^<([^>]+)>$/.exec(header('list-unsubscribe') ?? '')![1]!;
    const path = new URL(link).pathname;
    expect(path).toMatch(/^\/u\/[\w-]{60,70}$/);

    // A link scanner's GET changes nothing; a tampered token is unknown.
    const get = await t.h.app.inject({ method: 'GET', url: path });
    expect(get.statusCode).toBe(200);
    expect(get.body).toContain('<form method="post">');
    expect((await api.get(`/api/v1/contacts/${bo.id}`)).body.emailStatus).toBe('subscribed');
    const tampered = `${path.slice(0, -2)}${path.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await t.h.app.inject({ method: 'POST', url: tampered, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })).statusCode).toBe(404);

    // The mail client's one-click POST.
    const post = await t.h.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect(post.statusCode).toBe(200);
    expect(post.body).toContain('You are unsubscribed');
    expect((await api.get(`/api/v1/contacts/${bo.id}`)).body.emailStatus).toBe('unsubscribed');
    const events = (await api.get(`/api/v1/contacts/${bo.id}/events`)).body.items.map((e: { name: string }) => e.name);
    expect(events).toContain('email.unsubscribed');
    const [s] = await t.h.db.query<{ reason: string }>('select reason from suppressions where workspace_id = $1', [workspaceId]);
    expect(s?.reason).toBe('unsubscribed');

    const second = await queueMessage(t.h.ctx, workspaceId, offer(2));
    const state = await until('the second offer to be handled', async () => {
      const [m] = await t.h.db.query<{ state: string }>("select state from email_messages where id = $1 and state <> 'queued'", [second]);
      return m?.state;
    });
    expect(state).toBe('suppressed');
    expect(received.some((m) => m.subject === 'Offer 2')).toBe(false);
  });

  it('only admins change how a workspace sends, and settings stay in their workspace', async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    await a.client.put('/api/v1/email/settings', { smtpHost: 'smtp.example.com', smtpPort: 587, fromEmail: 'a@a.test' });
    expect((await b.client.get('/api/v1/email/settings')).body.smtpHost).toBeNull();
    const bad = await a.client.put('/api/v1/email/settings', { smtpHost: 'smtp.example.com; rm -rf /', fromEmail: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.fromEmail', 'body.smtpHost']);
  });
});

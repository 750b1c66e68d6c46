// A workflow's email reaches a real SMTP server with tracking links and unsubscribe headers,
// and its webhook reaches a local HTTP server, signed, once.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decryptSecret } from '../messaging/delivery/secrets.ts';
import { closeTransports } from '../messaging/delivery/transport.ts';
import { useHarness } from '../testing/harness.ts';
import { type Inbox, startInbox, until } from '../testing/inbox.ts';
import { openShop } from '../testing/workflows.ts';
import { verifyWebhook } from './webhook-signing.ts';
import { enrollContacts } from './workflows.ts';

const t = useHarness({ work: true });
let inbox: Inbox;
let hooks: Server;
let hookPort = 0;
const calls: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  inbox = await startInbox();
  hooks = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      calls.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  hookPort = (hooks.address() as { port: number }).port;
});
afterAll(async () => {
  closeTransports();
  await inbox.close();
  await new Promise((r) => hooks.close(r));
});

it('a workflow sends its email over SMTP with tracked links and unsubscribe headers, and calls its webhook signed, once each', async () => {
  const shop = await openShop(t.h);
  const api = await t.h.signIn(shop.userId, shop.workspaceId);
  expect((await api.put('/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: inbox.port, smtpSecurity: 'none', fromName: 'Corner Shop', fromEmail: 'hello@corner.test' })).status).toBe(200);
  const tpl = await api.post('/api/v1/email/templates', {
    name: 'We miss you',
    subject: 'We miss you, {{ contact.first_name }}',
    body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ contact.first_name }}</mj-text><mj-button href="https://shop.example.com/back">Come back</mj-button></mj-column></mj-section></mj-body></mjml>',
  });
  expect(tpl.status).toBe(201);
  const wf = await shop.publish('Win back', {
    trigger: { kind: 'manual' },
    reentry: { policy: 'once' },
    start: 'mail',
    steps: { mail: { kind: 'send_email', templateId: tpl.body.id, next: 'hook' }, hook: { kind: 'webhook', url: `http://127.0.0.1:${hookPort}/rapport`, next: null } },
  });
  const ann = await shop.contact({ email: 'ann@example.com', firstName: 'Ann' });
  await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [ann] }, 'r');
  await shop.run();

  const mail = await until('the email', () => inbox.received.find((m: ParsedMail) => m.subject === 'We miss you, Ann'));
  expect(mail.text).toContain('Hi Ann');
  expect(mail.html).toMatch(/\/t\/c\//);
  const header = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]+:\s*/, '').replace(/\s+/g, ' ');
  expect(header('list-unsubscribe')).toMatch(/^<http:\/\/localhost:\d+\/u\/[\w-]+>$/);
  expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  const [row] = await t.h.db.query<{ state: string; id: string }>("select id, state from email_messages where workspace_id = $1 and kind = 'workflow'", [shop.workspaceId]);
  expect(mail.messageId).toBe(`<${row!.id}@rapport>`);
  await until('the message marked sent', async () => ((await t.h.db.query<{ state: string }>('select state from email_messages where id = $1', [row!.id]))[0]?.state === 'sent' ? true : undefined));
  expect((await shop.events(ann, 'email.')).map((e) => e.name)).toContain('email.sent');

  const call = await until('the webhook', () => calls[0]);
  const [w] = await t.h.db.query<{ webhook_secret: string }>('select webhook_secret from workflows where id = $1', [wf]);
  const secret = decryptSecret(t.h.ctx.secret, w!.webhook_secret);
  expect(verifyWebhook(secret, call.headers, call.body, Math.floor(Date.now() / 1000), 10 ** 9)).toBe(true);
  const body = JSON.parse(call.body);
  expect(body).toMatchObject({ type: 'workflow.step', step: 'hook', workflow: { id: wf, name: 'Win back', version: 1 }, contact: { id: ann, email: 'ann@example.com', first_name: 'Ann' } });
  expect(call.headers['webhook-id']).toMatch(/^workflow:[0-9a-f-]{36}:hook$/);

  // Nothing more comes, however often the engine runs.
  await shop.run();
  await new Promise((r) => setTimeout(r, 1500));
  expect(inbox.received.filter((m: ParsedMail) => m.subject === 'We miss you, Ann')).toHaveLength(1);
  expect(calls).toHaveLength(1);
});

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../testing/client.ts';
import { useHarness } from '../../testing/harness.ts';
import { runBroadcast } from './run.ts';
import { startDueBroadcasts } from './broadcasts.ts';
import { closeTransports } from '../delivery/transport.ts';

const t = useHarness({ work: true });

// A real SMTP server on 127.0.0.1; every message parsed by mailparser, with when it arrived.
const received: { mail: ParsedMail; at: number }[] = [];
let server: SMTPServer;
let port = 0;
let busyRefused = false;
beforeAll(async () => {
  server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // A mailbox that is busy once: "451 try again later".
    onRcptTo(address, _session, callback) {
      if (address.address === 'busy@example.com' && !busyRefused) {
        busyRefused = true;
        return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
      }
      // A mailbox that does not exist: "550 no such user", every time.
      if (address.address === 'gone@example.com') return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push({ mail, at: Date.now() });
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

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const mailTo = (address: string, subject?: string) =>
  received.filter((r) => (r.mail.to as { value: { address: string }[] }).value[0]!.address === address && (!subject || r.mail.subject === subject)).map((r) => r.mail);

const body = (inner: string) => `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi {{ contact.first_name }}, your points: {{ contact.properties.points | default: 0 }}.</mj-text>
  ${inner}
  <mj-text><a href="{{ links.unsubscribe }}">Unsubscribe</a> · <a href="{{ links.preferences }}">Preferences</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

async function setUp(api: ApiClient, smtp = true) {
  if (smtp) await api.put('/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', fromName: 'Acme', fromEmail: 'news@acme.test' });
  const template = (
    await api.post('/api/v1/email/templates', {
      name: 'Spring',
      subject: 'Spring for {{ contact.first_name }}',
      preheader: 'Only for {{ contact.first_name }}',
      body: body('<mj-button href="https://shop.example.com/spring?utm=mail&amp;x=1">Shop the sale</mj-button>'),
      defaults: { 'contact.first_name': 'friend' },
    })
  ).body;
  const list = (await api.post('/api/v1/segments', { kind: 'list', name: `List ${Math.random()}` })).body;
  return { template, list };
}

async function contact(api: ApiClient, email: string, fields: Record<string, unknown> = {}) {
  const res = await api.post('/api/v1/contacts', { email, emailStatus: 'subscribed', ...fields });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

async function sendAndWait(api: ApiClient, id: string) {
  const res = await api.post(`/api/v1/email/broadcasts/${id}/send`, {});
  expect(res.status).toBe(200);
  return until('the broadcast to finish', async () => {
    const b = (await api.get(`/api/v1/email/broadcasts/${id}`)).body;
    return b.state === 'sent' ? b : undefined;
  });
}

describe('broadcasts', () => {
  it('sends a personalized message to every subscribed member, with fallbacks, escaping, unsubscribe headers, a text part and tracking', async () => {
    const { client: api, workspaceId } = await t.h.signUp({ workspaceName: 'Acme & Co' });
    const { template, list } = await setUp(api);
    const ann = await contact(api, 'ann@example.com', { firstName: 'Ann', properties: {} });
    const evil = await contact(api, 'evil@example.com', { firstName: '<script>alert(1)</script>' });
    const nameless = await contact(api, 'nameless@example.com');
    const gone = await contact(api, 'gone@example.com', { firstName: 'Gone' });
    const never = await contact(api, 'never@example.com', { firstName: 'Never', emailStatus: 'not_subscribed' });
    const bounced = await contact(api, 'bounced@example.com', { firstName: 'Bounced' });
    await t.h.db.query("insert into suppressions (workspace_id, email_hash, reason) values ($1, encode(sha256(convert_to('bounced@example.com', 'UTF8')), 'hex'), 'bounced')", [workspaceId]);
    await t.h.app.inject({ method: 'POST', url: new URL((await unsubscribeLinkOf(gone.id, workspaceId))).pathname, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    const phoneOnly = await api.post('/api/v1/contacts', { phone: '+442071838750', firstName: 'Phone' });
    expect(phoneOnly.status).toBe(201);
    const ids = [ann, evil, nameless, gone, never, bounced, phoneOnly.body].map((c) => c.id);
    expect((await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: ids })).status).toBeLessThan(300);

    // Asked beforehand: who it would reach, and who not and why; the send below agrees.
    const estimate = await api.get(`/api/v1/email/audience?segmentId=${list.id}`);
    expect(estimate.body).toEqual({ members: 7, reachable: 3, leftOut: { noEmail: 1, suppressed: 2, notSubscribed: 1, leftTopic: 0, controlGroup: 0 } });
    const other = await t.h.signUp();
    expect((await other.client.get(`/api/v1/email/audience?segmentId=${list.id}`)).status).toBe(404);
    expect((await api.get('/api/v1/email/audience?segmentId=nope')).status).toBe(400);
    expect((await api.get('/api/v1/email/audience')).status).toBe(400);

    const created = await api.post('/api/v1/email/broadcasts', { name: 'Spring sale', templateId: template.id, segmentId: list.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'draft', templateName: 'Spring', segmentKind: 'list' });
    const done = await sendAndWait(api, created.body.id);
    expect(done.counts).toMatchObject({ recipients: 6, sent: 3, suppressed: 3, queued: 0, failed: 0 });

    const [annMail] = mailTo('ann@example.com', 'Spring for Ann');
    expect(annMail).toBeDefined();
    expect(annMail!.text).toContain('Hi Ann, your points: 0.');
    expect(annMail!.html).toContain('Only for Ann'); // the preheader, hidden at the top of the body
    expect(annMail!.messageId).toMatch(/^<[0-9a-f-]{36}@rapport>$/);
    const header = (m: ParsedMail, key: string) => m.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]+:\s*/, '').replace(/\s+/g, ' ');
    expect(header(annMail!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header(annMail!, 'list-unsubscribe')).toMatch(/^<http:\/\/localhost:\d+\/u\/[\w-]+>$/);
    expect(header(annMail!, 'x-pm-metadata-rapport-message-id')).toBe(annMail!.messageId);
    const [nameMail] = mailTo('nameless@example.com');
    expect(nameMail!.subject).toBe('Spring for friend');
    expect(nameMail!.text).toContain('Hi friend,');
    const [evilMail] = mailTo('evil@example.com');
    expect(evilMail!.html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(evilMail!.html).not.toContain('<script>alert(1)');
    for (const address of ['gone@example.com', 'never@example.com', 'bounced@example.com']) expect(mailTo(address)).toEqual([]);

    // The link goes through a signed redirect; the unsubscribe and preference links do not.
    const html = annMail!.html as string;
    const tracked = /href="(http:\/\/localhost:\d+\/t\/c\/[^"]+)"/.exec(html)![1]!;
    expect(html).toMatch(/href="http:\/\/localhost:\d+\/u\/[\w-]+"/);
    expect(html).toMatch(/href="http:\/\/localhost:\d+\/p\/[\w-]+"/);
    const clickPath = new URL(tracked.replaceAll('&amp;', '&'));
    // A link scanner follows it the moment the message arrives: redirected, but not a reader.
    const scanned = await t.h.app.inject({ method: 'GET', url: clickPath.pathname + clickPath.search, headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/120' } });
    expect(scanned.statusCode).toBe(302);
    t.h.clock.advance(60_000);
    const click = await t.h.app.inject({ method: 'GET', url: clickPath.pathname + clickPath.search, headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) Safari/605' } });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://shop.example.com/spring?utm=mail&x=1');
    // Changing where it goes, or the token, is a 404, never a redirect.
    const evilUrl = `${clickPath.pathname}?u=${encodeURIComponent('https://evil.example.com/')}`;
    expect((await t.h.app.inject({ method: 'GET', url: evilUrl })).statusCode).toBe(404);
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
    const badToken = flip(clickPath.pathname, '/t/c/'.length + 3) + clickPath.search;
    expect((await t.h.app.inject({ method: 'GET', url: badToken })).statusCode).toBe(404);

    // Opens: a person, and Apple's privacy proxy (flagged, not counted).
    const pixel = new URL(/src="(http:\/\/localhost:\d+\/t\/o\/[^"]+)"/.exec(html)![1]!).pathname;
    const open = await t.h.app.inject({ method: 'GET', url: pixel, headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile/15E148' } });
    expect(open.statusCode).toBe(200);
    expect(open.headers['content-type']).toBe('image/gif');
    const evilPixel = new URL(/src="(http:\/\/localhost:\d+\/t\/o\/[^"]+)"/.exec(evilMail!.html as string)![1]!).pathname;
    await t.h.app.inject({ method: 'GET', url: evilPixel, headers: { 'user-agent': 'Mozilla/5.0' }, remoteAddress: '17.58.1.2' });
    expect((await t.h.app.inject({ method: 'GET', url: flip(pixel, '/t/o/'.length + 3) })).statusCode).toBe(404);

    const report = (await api.get(`/api/v1/email/broadcasts/${created.body.id}/report`)).body;
    expect(report).toMatchObject({ recipients: 6, sent: 3, delivered: 3, bounced: 0, suppressed: 3, uniqueOpens: 1, prefetchOpens: 1, uniqueClicks: 1 });
    expect(report.openRate).toBeCloseTo(1 / 3, 3);
    expect(report.clickThroughRate).toBeCloseTo(1 / 3, 3);
    expect(report.links).toEqual([{ url: 'https://shop.example.com/spring?utm=mail&x=1', clicks: 1, uniqueClicks: 1 }]);
    expect(report.timeline.reduce((n: number, p: { opens: number }) => n + p.opens, 0)).toBe(1);

    // Follow-ups: lists of who opened (Ann; Apple's proxy does not count for Evil), who did not, who clicked, who got it.
    const followUp = async (who: string, name?: string) => {
      const res = await api.post(`/api/v1/email/broadcasts/${created.body.id}/lists`, { who, ...(name ? { name } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const members = (await api.get(`/api/v1/segments/${res.body.id}/members?limit=500`)).body.items.map((c: { email: string }) => c.email).sort();
      return { ...res.body, members };
    };
    expect(await followUp('not_opened')).toMatchObject({ name: 'Spring sale: did not open', memberCount: 2, members: ['evil@example.com', 'nameless@example.com'] });
    expect((await followUp('opened')).members).toEqual(['ann@example.com']);
    expect((await followUp('clicked', 'Spring clickers')).members).toEqual(['ann@example.com']);
    expect((await followUp('not_clicked')).members).toEqual(['evil@example.com', 'nameless@example.com']);
    expect((await followUp('delivered')).members).toEqual(['ann@example.com', 'evil@example.com', 'nameless@example.com']);
    expect((await api.post(`/api/v1/email/broadcasts/${created.body.id}/lists`, { who: 'not_opened' })).status).toBe(409); // the name is taken
    expect((await api.post(`/api/v1/email/broadcasts/${created.body.id}/lists`, { who: 'bounced' })).status).toBe(400);
    expect((await other.client.post(`/api/v1/email/broadcasts/${created.body.id}/lists`, { who: 'opened' })).status).toBe(404);
    const draft = (await api.post('/api/v1/email/broadcasts', { name: 'Later', templateId: template.id, segmentId: list.id })).body;
    expect((await api.post(`/api/v1/email/broadcasts/${draft.id}/lists`, { who: 'opened' })).status).toBe(409);

    const events = (await api.get(`/api/v1/contacts/${ann.id}/events`)).body.items.map((e: { name: string }) => e.name);
    expect(events).toEqual(expect.arrayContaining(['email.sent', 'email.opened', 'email.clicked']));
    expect((await api.get(`/api/v1/contacts/${evil.id}/events`)).body.items.map((e: { name: string }) => e.name)).not.toContain('email.opened');
  });

  it('freezes the audience at the start, sends each contact once, and keeps a sent broadcast from being changed', async () => {
    const { client: api } = await t.h.signUp();
    const { template, list } = await setUp(api);
    const first = await contact(api, 'first@example.com', { firstName: 'First' });
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [first.id] });
    const b = (await api.post('/api/v1/email/broadcasts', { name: 'Once', templateId: template.id, segmentId: list.id })).body;
    await sendAndWait(api, b.id);
    const late = await contact(api, 'late@example.com', { firstName: 'Late' });
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [late.id] });
    expect((await api.post(`/api/v1/email/broadcasts/${b.id}/send`, {})).status).toBe(409);
    expect((await api.patch(`/api/v1/email/broadcasts/${b.id}`, { name: 'Again' })).status).toBe(409);
    expect((await api.delete(`/api/v1/email/broadcasts/${b.id}`)).status).toBe(409);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailTo('first@example.com')).toHaveLength(1);
    expect(mailTo('late@example.com')).toEqual([]);
  });

  it('waits for its time when scheduled, and a cancelled one sends nothing', async () => {
    const { client: api } = await t.h.signUp();
    const { template, list } = await setUp(api);
    const sam = await contact(api, 'sam@example.com', { firstName: 'Sam' });
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [sam.id] });
    const at = new Date(t.h.clock.now().getTime() + 3600_000);
    const later = (await api.post('/api/v1/email/broadcasts', { name: 'Later', templateId: template.id, segmentId: list.id })).body;
    const past = await api.post(`/api/v1/email/broadcasts/${later.id}/send`, { at: new Date(t.h.clock.now().getTime() - 60_000).toISOString() });
    expect(past.status).toBe(400);
    expect((await api.post(`/api/v1/email/broadcasts/${later.id}/send`, { at: at.toISOString() })).body).toMatchObject({ state: 'scheduled', scheduledAt: at.toISOString() });
    const cancelled = (await api.post('/api/v1/email/broadcasts', { name: 'Cancelled', templateId: template.id, segmentId: list.id })).body;
    await api.post(`/api/v1/email/broadcasts/${cancelled.id}/send`, { at: at.toISOString() });
    expect((await api.post(`/api/v1/email/broadcasts/${cancelled.id}/cancel`)).body.state).toBe('cancelled');

    expect(await startDueBroadcasts(t.h.ctx)).toBe(0);
    t.h.clock.advance(3600_000 + 1000);
    expect(await startDueBroadcasts(t.h.ctx)).toBe(1);
    await until('the scheduled broadcast', async () => ((await api.get(`/api/v1/email/broadcasts/${later.id}`)).body.state === 'sent' ? true : undefined));
    expect(mailTo('sam@example.com', 'Spring for Sam')).toHaveLength(1);
    expect((await api.get(`/api/v1/email/broadcasts/${cancelled.id}`)).body.counts.recipients).toBeNull();
  });

  it('retries a message the server refused for now, after a wait, without holding up the others', async () => {
    const { client: api } = await t.h.signUp();
    const { template, list } = await setUp(api);
    const busy = await contact(api, 'busy@example.com', { firstName: 'Busy' });
    const free = await contact(api, 'free@example.com', { firstName: 'Free' });
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [busy.id, free.id] });
    const b = (await api.post('/api/v1/email/broadcasts', { name: 'Retry', templateId: template.id, segmentId: list.id })).body;
    await api.post(`/api/v1/email/broadcasts/${b.id}/send`, {});
    const waiting = await until('the refused message to wait', async () => {
      const [m] = await t.h.db.query<{ state: string; attempts: number; last_error: string; retry_at: Date }>(
        "select state, attempts, last_error, retry_at from email_messages where broadcast_id = $1 and to_email = 'busy@example.com' and retry_at is not null",
        [b.id],
      );
      return m;
    });
    expect(waiting).toMatchObject({ state: 'queued', attempts: 1 });
    expect(waiting.last_error).toContain('Mailbox busy');
    expect(new Date(waiting.retry_at).getTime() - t.h.clock.now().getTime()).toBe(30_000);
    expect(mailTo('free@example.com')).toHaveLength(1);
    expect((await api.get(`/api/v1/email/broadcasts/${b.id}`)).body).toMatchObject({ state: 'sending', counts: { sent: 1, queued: 1 } });
    // Not before its time.
    expect(await runBroadcast(t.h.ctx, b.id)).toEqual({ later: new Date(waiting.retry_at) });
    t.h.clock.advance(30_000);
    expect(await runBroadcast(t.h.ctx, b.id)).toBe('done');
    expect(mailTo('busy@example.com')).toHaveLength(1);
    const [m] = await t.h.db.query<{ state: string; attempts: number }>("select state, attempts from email_messages where broadcast_id = $1 and to_email = 'busy@example.com'", [b.id]);
    expect(m).toEqual({ state: 'sent', attempts: 2 });
  });

  it('says why it waits while its mail server cannot be reached, and goes on when it can', async () => {
    const { client: api } = await t.h.signUp();
    const { template, list } = await setUp(api);
    const ann = await contact(api, 'ann.waits@example.com', { firstName: 'Ann' });
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [ann.id] });
    // A port nothing listens on: the connection is refused.
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    await api.put('/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: closed, smtpSecurity: 'none', fromName: 'Acme', fromEmail: 'news@acme.test' });
    const b = (await api.post('/api/v1/email/broadcasts', { name: 'Waits', templateId: template.id, segmentId: list.id })).body;
    await api.post(`/api/v1/email/broadcasts/${b.id}/send`, {});
    const waiting = await until('the broadcast to say why it waits', async () => (await api.get(`/api/v1/email/broadcasts/${b.id}`)).body.waiting ?? undefined);
    expect(waiting.reason).toMatch(/could not connect/);
    expect((await api.get(`/api/v1/email/broadcasts/${b.id}`)).body).toMatchObject({ state: 'sending', counts: { sent: 0, queued: 1, failed: 0 } });
    // The server is back (here: the settings point at one that answers).
    await api.put('/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', fromName: 'Acme', fromEmail: 'news@acme.test' });
    expect(await runBroadcast(t.h.ctx, b.id)).toBe('done');
    expect((await api.get(`/api/v1/email/broadcasts/${b.id}`)).body).toMatchObject({ state: 'sent', waiting: null, counts: { sent: 1 } });
    expect(mailTo('ann.waits@example.com')).toHaveLength(1);
  });

  it('gives up at once on a message the server refuses for good, and the others still arrive', async () => {
    const { client: api } = await t.h.signUp();
    const { template, list } = await setUp(api);
    const gone = await contact(api, 'gone@example.com', { firstName: 'Gone' });
    const here = await contact(api, 'here@example.com', { firstName: 'Here' });
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [gone.id, here.id] });
    const b = (await api.post('/api/v1/email/broadcasts', { name: 'Permanent', templateId: template.id, segmentId: list.id })).body;
    const done = await sendAndWait(api, b.id);
    expect(done.counts).toMatchObject({ recipients: 2, sent: 1, failed: 1, queued: 0 });
    expect(mailTo('here@example.com')).toHaveLength(1);
    expect(mailTo('gone@example.com')).toHaveLength(0);
    const [m] = await t.h.db.query<{ state: string; attempts: number; last_error: string; retry_at: Date | null }>(
      "select state, attempts, last_error, retry_at from email_messages where broadcast_id = $1 and to_email = 'gone@example.com'",
      [b.id],
    );
    expect(m).toMatchObject({ state: 'failed', attempts: 1, retry_at: null });
    expect(m!.last_error).toContain('No such user here');
    expect((await api.get(`/api/v1/email/broadcasts/${b.id}/report`)).body).toMatchObject({ recipients: 2, delivered: 1, failed: 1 });
  });

  it('keeps to the sending rate', async () => {
    const { client: api } = await t.h.signUp();
    const { template, list } = await setUp(api);
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push((await contact(api, `rate${i}@example.com`, { firstName: `R${i}` })).id);
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: ids });
    // 300 a minute: one every 200 ms, so 8 messages leave over 1.4 s (arrival times jitter by a connection set-up: at least 1.2 s).
    const b = (await api.post('/api/v1/email/broadcasts', { name: 'Paced', templateId: template.id, segmentId: list.id, ratePerMinute: 300 })).body;
    await sendAndWait(api, b.id);
    const times = received.filter((r) => /^rate\d@/.test((r.mail.to as { value: { address: string }[] }).value[0]!.address)).map((r) => r.at);
    expect(times).toHaveLength(8);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1200);
  });

  it('refuses a template without an unsubscribe link, and audiences or templates of another workspace', async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    const { template, list } = await setUp(a.client);
    const bare = (await a.client.post('/api/v1/email/templates', { name: 'Bare', subject: 'Hi', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section></mj-body></mjml>' })).body;
    const draft = (await a.client.post('/api/v1/email/broadcasts', { name: 'Bare', templateId: bare.id, segmentId: list.id })).body;
    const refused = await a.client.post(`/api/v1/email/broadcasts/${draft.id}/send`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('{{ links.unsubscribe }}');

    const mine = await setUp(b.client, false);
    const theirs = await b.client.post('/api/v1/email/broadcasts', { name: 'Steal', templateId: template.id, segmentId: mine.list.id });
    expect(theirs.status).toBe(400);
    expect(theirs.body.error.details[0].path).toBe('body.templateId');
    const theirList = await b.client.post('/api/v1/email/broadcasts', { name: 'Steal', templateId: mine.template.id, segmentId: list.id });
    expect(theirList.body.error.details[0].path).toBe('body.segmentId');
    expect((await b.client.get(`/api/v1/email/broadcasts/${draft.id}`)).status).toBe(404);
    expect((await b.client.post(`/api/v1/email/broadcasts/${draft.id}/send`, {})).status).toBe(404);
    expect((await b.client.get(`/api/v1/email/broadcasts/${draft.id}/report`)).status).toBe(404);
    expect((await b.client.get('/api/v1/email/broadcasts')).body).toEqual([]);
  });

  it('without SMTP the broadcast lands in the outbox, readable with its tracking', async () => {
    const { client: api } = await t.h.signUp();
    const { template, list } = await setUp(api, false);
    const olga = await contact(api, 'olga@example.com', { firstName: 'Olga' });
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [olga.id] });
    const b = (await api.post('/api/v1/email/broadcasts', { name: 'Outbox', templateId: template.id, segmentId: list.id })).body;
    await sendAndWait(api, b.id);
    const [m] = ((await api.get('/api/v1/email/messages')).body as { id: string; to: string; transport: string; subject: string }[]).filter((x) => x.to === 'olga@example.com');
    expect(m).toMatchObject({ transport: 'outbox', subject: 'Spring for Olga' });
    const detail = (await api.get(`/api/v1/email/messages/${m!.id}`)).body;
    expect(detail.html).toContain('/t/o/');
    expect(detail.text).toContain('Hi Olga,');
  });

  it('lists a large outbox a page at a time, each message once, and filters by state and recipient', async () => {
    const { client: api, workspaceId } = await t.h.signUp();
    const { template, list } = await setUp(api, false);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await contact(api, `page${i}@example.com`, { firstName: `P${i}` })).id);
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: ids });
    await t.h.db.query("insert into suppressions (workspace_id, email_hash, reason) values ($1, encode(sha256(convert_to('page3@example.com', 'UTF8')), 'hex'), 'bounced')", [workspaceId]);
    const b = (await api.post('/api/v1/email/broadcasts', { name: 'Pages', templateId: template.id, segmentId: list.id })).body;
    await sendAndWait(api, b.id);
    // All seven were frozen in one statement (one timestamp): pages still neither repeat nor skip.
    type Row = { id: string; to: string; state: string };
    const seen: string[] = [];
    let before = '';
    for (let page = 0; page < 5; page++) {
      const res = await api.get(`/api/v1/email/messages?limit=3${before ? `&before=${before}` : ''}`);
      expect(res.status).toBe(200);
      const rows = res.body as Row[];
      seen.push(...rows.map((r) => r.to));
      if (rows.length < 3) break;
      before = rows[rows.length - 1]!.id;
    }
    expect(seen.sort()).toEqual(Array.from({ length: 7 }, (_, i) => `page${i}@example.com`));
    expect(((await api.get('/api/v1/email/messages?state=suppressed')).body as Row[]).map((r) => r.to)).toEqual(['page3@example.com']);
    expect(((await api.get('/api/v1/email/messages?to=PAGE5')).body as Row[]).map((r) => r.to)).toEqual(['page5@example.com']);
    expect((await api.get('/api/v1/email/messages?to=%25')).body).toEqual([]);
    // What to fix, not a 500.
    const badState = await api.get('/api/v1/email/messages?state=lost');
    expect(badState.status).toBe(400);
    expect(JSON.stringify(badState.body.error)).toContain('must be one of');
    const foreign = await t.h.signUp();
    const notHers = await foreign.client.get(`/api/v1/email/messages?before=${before}`);
    expect(notHers.status).toBe(400);
    expect(notHers.body.error.message).toContain('names no message of this workspace');
  });
});

async function unsubscribeLinkOf(contactId: string, workspaceId: string): Promise<string> {
  const { unsubscribeUrl } = await import('../consent/unsubscribe.ts');
  return unsubscribeUrl(t.h.ctx, workspaceId, contactId);
}

import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Inbox, startInbox, until } from '../../testing/inbox.ts';
import type { ApiClient } from '../../testing/client.ts';
import { useHarness } from '../../testing/harness.ts';
import { savePreferences } from '../consent/preferences.ts';
import { unsubscribe } from '../consent/unsubscribe.ts';
import { SendError, type SendOutcome, sendToContact } from './send-one.ts';
import { closeTransports } from './transport.ts';

const t = useHarness({ work: true });

// A real SMTP server on 127.0.0.1 that keeps every message it gets.
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
  await inbox.close();
});


const mailTo = (address: string) => received.filter((m) => (m.to as { value: { address: string }[] }).value.some((v) => v.address === address));

const stateOf = async (messageId: string) => (await t.h.db.query<{ state: string }>('select state from email_messages where id = $1', [messageId]))[0]?.state;
const sent = (messageId: string) => until(`message ${messageId} to be sent`, async () => ((await stateOf(messageId)) === 'sent' ? true : undefined));
const rowsWithKey = async (workspaceId: string, key: string) =>
  Number((await t.h.db.query<{ n: number }>('select count(*)::int as n from email_messages where workspace_id = $1 and idempotency_key = $2', [workspaceId, key]))[0]!.n);
const eventNames = async (api: ApiClient, contactId: string) => (await api.get(`/api/v1/contacts/${contactId}/events`)).body.items.map((e: { name: string }) => e.name) as string[];

const body = `<mjml><mj-body><mj-section><mj-column>
  <mj-text>Hi {{ contact.first_name }}, thank you for order {{ event.properties.order_id | default: "?" }} at {{ workspace.name }}.</mj-text>
  <mj-button href="https://shop.example.com/review?order={{ event.properties.order_id }}&amp;src=mail">Review it</mj-button>
  <mj-text><a href="{{ links.unsubscribe }}">Unsubscribe</a> · <a href="{{ links.preferences }}">Preferences</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;

async function setUp() {
  const owner = await t.h.signUp({ workspaceName: 'Corner Shop' });
  const api = owner.client;
  expect((await api.put('/api/v1/email/settings', { smtpHost: '127.0.0.1', smtpPort: port, smtpSecurity: 'none', fromName: 'Corner Shop', fromEmail: 'hello@corner.test' })).status).toBe(200);
  const template = (await api.post('/api/v1/email/templates', { name: 'Thanks', subject: 'Thanks, {{ contact.first_name }}', body, defaults: { 'contact.first_name': 'friend' } })).body as { id: string };
  const contact = async (fields: Record<string, unknown>) => {
    const res = await api.post('/api/v1/contacts', { emailStatus: 'subscribed', ...fields });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string };
  };
  const send = (contactId: string, idempotencyKey: string, more: Partial<Parameters<typeof sendToContact>[1]> = {}) =>
    sendToContact(t.h.ctx, { workspaceId: owner.workspaceId, contactId, templateId: template.id, idempotencyKey, ...more });
  return { ...owner, api, template, contact, send };
}

describe('the send of one template to one contact', () => {
  it('a subscribed contact gets one message, personalized, with tracked links and unsubscribe headers, on their timeline', async () => {
    const { api, contact, send, workspaceId, template } = await setUp();
    const ann = await contact({ email: 'ann@example.com', firstName: 'Ann' });
    const outcome = await send(ann.id, `order:A-17:${ann.id}`, { data: { event: { name: 'purchase', properties: { order_id: 'A-17' } } } });
    expect(outcome).toEqual({ status: 'queued', messageId: expect.any(String), repeated: false });
    const messageId = (outcome as Extract<SendOutcome, { status: 'queued' }>).messageId;
    await sent(messageId);

    const [mail] = mailTo('ann@example.com');
    expect(mail!.subject).toBe('Thanks, Ann');
    expect(mail!.from?.value[0]).toMatchObject({ name: 'Corner Shop', address: 'hello@corner.test' });
    expect(mail!.messageId).toBe(`<${messageId}@rapport>`);
    expect(mail!.text).toContain('thank you for order A-17 at Corner Shop.');
    const header = (key: string) => mail!.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]+:\s*/, '').replace(/\s+/g, ' ');
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toMatch(/^<http:\/\/localhost:\d+\/u\/[\w-]+>$/);

    // Tracked as a broadcast's messages are: the link through a signed redirect, an open pixel;
    // the unsubscribe and preference links as they are.
    const html = mail!.html as string;
    expect(html).not.toContain('href="https://shop.example.com');
    expect(html).toMatch(/href="http:\/\/localhost:\d+\/u\/[\w-]+"/);
    expect(html).toMatch(/href="http:\/\/localhost:\d+\/p\/[\w-]+"/);
    const tracked = new URL(/href="(http:\/\/localhost:\d+\/t\/c\/[^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&'));
    const pixel = new URL(/src="(http:\/\/localhost:\d+\/t\/o\/[^"]+)"/.exec(html)![1]!);
    t.h.clock.advance(60_000);
    const click = await t.h.app.inject({ method: 'GET', url: tracked.pathname + tracked.search, headers: { 'user-agent': 'Mozilla/5.0 (Macintosh) Safari/605' } });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe('https://shop.example.com/review?order=A-17&src=mail');
    const open = await t.h.app.inject({ method: 'GET', url: pixel.pathname, headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Mobile/15E148' } });
    expect(open.statusCode).toBe(200);

    const [row] = await t.h.db.query<{ kind: string; template_id: string; transport: string; contact_id: string }>(
      'select kind, template_id, transport, contact_id from email_messages where id = $1',
      [messageId],
    );
    expect(row).toEqual({ kind: 'workflow', template_id: template.id, transport: 'smtp', contact_id: ann.id });
    expect(await eventNames(api, ann.id)).toEqual(expect.arrayContaining(['email.sent', 'email.opened', 'email.clicked']));
    const [sentEvent] = await t.h.db.query<{ properties: Record<string, unknown> }>("select properties from events where workspace_id = $1 and contact_id = $2 and name = 'email.sent'", [
      workspaceId,
      ann.id,
    ]);
    expect(sentEvent!.properties).toEqual({ message_id: messageId, template_id: template.id, subject: 'Thanks, Ann' });
  });

  it('the same idempotency key twice sends once, and returns the first message', async () => {
    const { contact, send, workspaceId } = await setUp();
    const bo = await contact({ email: 'bo@example.com', firstName: 'Bo' });
    const first = await send(bo.id, 'welcome:bo');
    expect(first).toMatchObject({ status: 'queued', repeated: false });
    const id = (first as Extract<SendOutcome, { status: 'queued' }>).messageId;
    await sent(id);
    expect(await send(bo.id, 'welcome:bo')).toEqual({ status: 'queued', messageId: id, repeated: true });
    // Even when the template changed since: the cause was handled.
    expect(await send(bo.id, 'welcome:bo', { data: { event: { name: 'x', properties: { order_id: 'other' } } } })).toEqual({ status: 'queued', messageId: id, repeated: true });
    // Another contact with the same key is a mistake of the caller's, not a message.
    const cy = await contact({ email: 'cy@example.com', firstName: 'Cy' });
    await expect(send(cy.id, 'welcome:bo')).rejects.toMatchObject({ name: 'SendError', code: 'key_in_use' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('bo@example.com')).toHaveLength(1);
    expect(mailTo('cy@example.com')).toEqual([]);
    expect(await rowsWithKey(workspaceId, 'welcome:bo')).toBe(1);
  });

  it('concurrent calls with one key queue and send one message', async () => {
    const { contact, send, workspaceId } = await setUp();
    const di = await contact({ email: 'di@example.com', firstName: 'Di' });
    const outcomes = (await Promise.all(Array.from({ length: 6 }, () => send(di.id, 'birthday:2025:di')))) as Extract<SendOutcome, { status: 'queued' }>[];
    expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set(['queued']));
    expect(new Set(outcomes.map((o) => o.messageId)).size).toBe(1);
    expect(outcomes.filter((o) => !o.repeated)).toHaveLength(1);
    await sent(outcomes[0]!.messageId);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mailTo('di@example.com')).toHaveLength(1);
    expect(await rowsWithKey(workspaceId, 'birthday:2025:di')).toBe(1);
  });

  it('skips, with the reason, whoever the broadcast audience leaves out, and writes and sends nothing for them', async () => {
    const { api, contact, send, workspaceId } = await setUp();
    const left = await contact({ email: 'left@example.com', firstName: 'Left' });
    await unsubscribe(t.h.ctx, workspaceId, left.id, 'link');
    const listed = await contact({ email: 'listed@example.com', firstName: 'Listed' });
    await t.h.db.query("insert into suppressions (workspace_id, email_hash, reason) values ($1, encode(sha256(convert_to('listed@example.com', 'UTF8')), 'hex'), 'bounced')", [workspaceId]);
    const bounced = await contact({ email: 'bounced@example.com', firstName: 'Bounced', emailStatus: 'bounced' });
    const never = await contact({ email: 'never@example.com', firstName: 'Never', emailStatus: 'not_subscribed' });
    const phoneOnly = await contact({ phone: '+442071838750', firstName: 'Phone', emailStatus: 'not_subscribed' });
    const topic = (await api.post('/api/v1/email/topics', { name: 'Offers', description: 'Deals' })).body as { id: string };
    const noOffers = await contact({ email: 'no-offers@example.com', firstName: 'Choosy' });
    await savePreferences(t.h.ctx, workspaceId, noOffers.id, { topicIds: [], all: true });
    const elsewhere = await t.h.signUp();
    const stranger = (await elsewhere.client.post('/api/v1/contacts', { email: 'stranger@example.com', emailStatus: 'subscribed' })).body as { id: string };

    const skipped = async (contactId: string, key: string, more: Partial<Parameters<typeof sendToContact>[1]> = {}) => {
      const outcome = await send(contactId, key, more);
      expect(outcome.status, JSON.stringify(outcome)).toBe('skipped');
      expect(await rowsWithKey(workspaceId, key)).toBe(0);
      return outcome as Extract<SendOutcome, { status: 'skipped' }>;
    };
    expect(await skipped(left.id, 'k:left')).toEqual({ status: 'skipped', reason: 'unsubscribed', detail: 'on the suppression list (unsubscribed)' });
    expect(await skipped(listed.id, 'k:listed')).toEqual({ status: 'skipped', reason: 'suppressed', detail: 'on the suppression list (bounced)' });
    expect(await skipped(bounced.id, 'k:bounced')).toEqual({ status: 'skipped', reason: 'bounced', detail: 'the contact is bounced' });
    expect(await skipped(never.id, 'k:never')).toEqual({ status: 'skipped', reason: 'not_subscribed', detail: 'the contact is not subscribed' });
    expect(await skipped(phoneOnly.id, 'k:phone')).toEqual({ status: 'skipped', reason: 'no_email', detail: 'the contact has no email address' });
    expect(await skipped(noOffers.id, 'k:offers', { topicId: topic.id })).toEqual({ status: 'skipped', reason: 'left_topic', detail: "the contact left the message's topic" });
    expect(await skipped(stranger.id, 'k:stranger')).toMatchObject({ reason: 'no_contact' });
    expect(await skipped('not-a-uuid', 'k:nobody')).toMatchObject({ reason: 'no_contact' });

    // The broadcast audience leaves out the same people for the same reasons.
    const list = (await api.post('/api/v1/segments', { kind: 'list', name: 'Everyone' })).body as { id: string };
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [left.id, listed.id, bounced.id, never.id, phoneOnly.id, noOffers.id] });
    expect((await api.get(`/api/v1/email/audience?segmentId=${list.id}&topicId=${topic.id}`)).body).toEqual({
      members: 6,
      reachable: 0,
      leftOut: { noEmail: 1, suppressed: 2, notSubscribed: 2, leftTopic: 1, controlGroup: 0 },
    });

    // Without the topic, the choosy contact gets it; nobody else got anything.
    const offer = await send(noOffers.id, 'k:offers-untopical');
    expect(offer).toMatchObject({ status: 'queued' });
    await sent((offer as Extract<SendOutcome, { status: 'queued' }>).messageId);
    for (const address of ['left@example.com', 'listed@example.com', 'bounced@example.com', 'never@example.com', 'stranger@example.com']) expect(mailTo(address)).toEqual([]);
  });

  it('a transactional message skips consent and topics but never goes to an address that bounced; it has no unsubscribe headers', async () => {
    const { contact, send, workspaceId } = await setUp();
    const gone = await contact({ email: 'receipt@example.com', firstName: 'Rae' });
    await unsubscribe(t.h.ctx, workspaceId, gone.id, 'link');
    expect(await send(gone.id, 'marketing:rae')).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    const receipt = await send(gone.id, 'receipt:rae', { transactional: true, data: { event: { name: 'purchase', properties: { order_id: 'R-1' } } } });
    expect(receipt).toMatchObject({ status: 'queued', repeated: false });
    const id = (receipt as Extract<SendOutcome, { status: 'queued' }>).messageId;
    await sent(id);
    const [mail] = mailTo('receipt@example.com');
    expect(mail!.text).toContain('order R-1');
    expect(mail!.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(false);
    expect((await t.h.db.query<{ kind: string }>('select kind from email_messages where id = $1', [id]))[0]!.kind).toBe('transactional');

    const bounced = await contact({ email: 'hard@example.com', firstName: 'Hard' });
    await t.h.db.query("insert into suppressions (workspace_id, email_hash, reason) values ($1, encode(sha256(convert_to('hard@example.com', 'UTF8')), 'hex'), 'bounced')", [workspaceId]);
    expect(await send(bounced.id, 'receipt:hard', { transactional: true })).toEqual({ status: 'skipped', reason: 'suppressed', detail: 'on the suppression list (bounced)' });
  });

  it('raises errors with codes for what the caller must fix: no template, no topic, a template that fails', async () => {
    const { api, contact, send, workspaceId } = await setUp();
    const ed = await contact({ email: 'ed@example.com', firstName: 'Ed' });
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'resolved',
        (err: unknown) => (err instanceof SendError ? err.code : String(err)),
      );
    expect(await code(sendToContact(t.h.ctx, { workspaceId, contactId: ed.id, templateId: '00000000-0000-7000-8000-000000000000', idempotencyKey: 'e:1' }))).toBe('template_not_found');
    expect(await code(send(ed.id, 'e:2', { topicId: '00000000-0000-7000-8000-000000000000' }))).toBe('topic_not_found');
    expect(await code(send(ed.id, ''))).toBe('invalid_key');
    // Saved templates are checked; one that fails only for some contact's data fails at the send.
    const many = (
      await api.post('/api/v1/email/templates', {
        name: 'Many',
        subject: 'Hi',
        body: '<mjml><mj-body><mj-section><mj-column><mj-text>{% for i in (1..contact.properties.n) %}twenty characters!! {% endfor %}</mj-text></mj-column></mj-section></mj-body></mjml>',
      })
    ).body as { id: string };
    expect(many.id).toEqual(expect.any(String));
    expect((await api.post('/api/v1/properties', { key: 'n', label: 'N', type: 'number' })).status).toBe(201);
    const huge = await contact({ email: 'huge@example.com', properties: { n: 100000 } });
    expect(await code(sendToContact(t.h.ctx, { workspaceId, contactId: huge.id, templateId: many.id, idempotencyKey: 'e:3' }))).toBe('template_failed');
    expect(await rowsWithKey(workspaceId, 'e:3')).toBe(0);
  });
});

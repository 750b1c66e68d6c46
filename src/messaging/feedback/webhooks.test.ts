import { afterEach, describe, expect, it, vi } from 'vitest';
import { createUser } from '../../accounts/accounts.ts';
import { useHarness } from '../../testing/harness.ts';
import type { ApiClient } from '../../testing/client.ts';
import { addMember } from '../../workspaces/workspaces.ts';
import type { Role } from '../../workspaces/roles.ts';
import { deliverMessage, queueMessage } from '../delivery/send.ts';
import { postmarkBounceType, snsSubscribeUrl } from './webhooks.ts';

const t = useHarness();

afterEach(() => {
  vi.restoreAllMocks();
});

let n = 0;

/** A workspace with its webhook URLs (as paths, for inject). */
async function workspace() {
  const owner = await t.h.signUp();
  const urls = await owner.client.get('/api/v1/email/webhooks');
  expect(urls.status).toBe(200);
  const path = (url: string) => new URL(url).pathname;
  return { ...owner, api: owner.client, hooks: { generic: path(urls.body.generic), postmark: path(urls.body.postmark), ses: path(urls.body.ses) }, urls: urls.body };
}

async function contact(api: ApiClient, email: string) {
  const res = await api.post('/api/v1/contacts', { email, firstName: email.split('@')[0], emailStatus: 'subscribed' });
  expect(res.status).toBe(201);
  return res.body as { id: string };
}

/** A marketing message queued and delivered (into the outbox: no SMTP server is set). */
async function sendTo(workspaceId: string, contactId: string | null, to: string, subject = `Offer ${++n}`): Promise<string> {
  const id = await queueMessage(t.h.ctx, workspaceId, { contactId, templateId: null, kind: 'broadcast', idempotencyKey: `offer-${++n}:${to}`, to, subject, html: '<p>Offer</p>', text: 'Offer' });
  await deliverMessage(t.h.ctx, id);
  t.h.clock.advance(1000);
  return id;
}

const messageState = async (id: string) => (await t.h.db.query<{ state: string }>('select state from email_messages where id = $1', [id]))[0]?.state;
const contactStatus = async (api: ApiClient, id: string) => (await api.get(`/api/v1/contacts/${id}`)).body.emailStatus as string;
const suppressionOf = async (workspaceId: string, email: string) =>
  (
    await t.h.db.query<{ reason: string }>("select reason from suppressions where workspace_id = $1 and email_hash = encode(sha256(convert_to($2::text, 'UTF8')), 'hex')", [
      workspaceId,
      email,
    ])
  )[0]?.reason;
const eventsOf = (workspaceId: string, contactId: string, name?: string) =>
  t.h.db.query<{ name: string; properties: Record<string, unknown>; message_id: string }>(
    'select name, properties, message_id from events where workspace_id = $1 and contact_id = $2 and ($3::text is null or name = $3) order by received_at, id',
    [workspaceId, contactId, name ?? null],
  );

const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  t.h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });

/** How Amazon SNS delivers: the JSON as text/plain, with its headers. */
const postSns = (url: string, envelope: Record<string, unknown>) =>
  t.h.app.inject({
    method: 'POST',
    url,
    headers: {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': String(envelope.Type),
      'x-amz-sns-message-id': String(envelope.MessageId),
      'x-amz-sns-topic-arn': String(envelope.TopicArn),
      'user-agent': 'Amazon Simple Notification Service Agent',
    },
    payload: JSON.stringify(envelope),
  });

// Postmark's bounce webhook, as documented (https://postmarkapp.com/developer/webhooks/bounce-webhook).
const postmarkBounce = (over: Record<string, unknown>) => ({
  RecordType: 'Bounce',
  MessageStream: 'outbound',
  ID: 4323372036,
  Type: 'HardBounce',
  TypeCode: 1,
  Name: 'Hard bounce',
  Tag: 'spring-sale',
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
  Metadata: { campaign: 'spring' },
  ServerID: 23,
  Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
  Details: "smtp;550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces.",
  Email: 'ann@example.com',
  From: 'news@acme.test',
  BouncedAt: '2026-01-15T11:59:00.9070259Z',
  DumpAvailable: true,
  Inactive: true,
  CanActivate: true,
  Subject: 'Offer',
  ...over,
});

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-feedback';
const snsEnvelope = (message: unknown, over: Record<string, unknown> = {}) => ({
  Type: 'Notification',
  MessageId: `22b80b92-fdea-4c2c-8f9d-${String(++n).padStart(12, '0')}`,
  TopicArn: TOPIC,
  Message: JSON.stringify(message),
  Timestamp: '2026-01-15T11:59:30.000Z',
  SignatureVersion: '1',
  Signature: 'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
  SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
  UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC}:c9135db0-26c4-47ec-8998-413945fb5a96`,
  ...over,
});

// SES's notification contents (https://docs.aws.amazon.com/ses/latest/dg/notification-contents.html).
const sesMail = (to: string, headers: { name: string; value: string }[] = [], sesMessageId = '0102018d0a1b2c3d-9f2e4b6a-1c2d-4e5f-8a9b-0c1d2e3f4a5b-000000') => ({
  timestamp: '2026-01-15T11:58:00.000Z',
  source: 'news@acme.test',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/acme.test',
  sourceIp: '192.0.2.10',
  sendingAccountId: '123456789012',
  messageId: sesMessageId,
  destination: [to],
  headersTruncated: false,
  headers: [{ name: 'From', value: 'Acme <news@acme.test>' }, { name: 'To', value: to }, { name: 'Subject', value: 'Offer' }, ...headers],
  commonHeaders: { from: ['Acme <news@acme.test>'], to: [to], subject: 'Offer' },
});
const sesBounce = (to: string, bounceType: 'Permanent' | 'Transient', mail = sesMail(to)) => ({
  notificationType: 'Bounce',
  bounce: {
    bounceType,
    bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
    bouncedRecipients: [{ emailAddress: to, action: 'failed', status: bounceType === 'Permanent' ? '5.1.1' : '4.2.2', diagnosticCode: bounceType === 'Permanent' ? 'smtp; 550 5.1.1 user unknown' : 'smtp; 452 4.2.2 mailbox full' }],
    timestamp: '2026-01-15T11:59:00.000Z',
    feedbackId: `0102018d0a1b2c3d-feedback-${++n}-000000`,
    remoteMtaIp: '198.51.100.7',
    reportingMTA: 'dsn; a1-2.smtp-out.eu-west-1.amazonses.com',
  },
  mail,
});
const sesComplaint = (to: string, mail = sesMail(to)) => ({
  notificationType: 'Complaint',
  complaint: {
    userAgent: 'ExampleCorp Feedback Loop (V0.01)',
    complainedRecipients: [{ emailAddress: to }],
    complaintFeedbackType: 'abuse',
    arrivalDate: '2026-01-15T11:59:00.000Z',
    timestamp: '2026-01-15T11:59:01.000Z',
    feedbackId: `0102018d0a1b2c3d-complaint-${++n}-000000`,
  },
  mail,
});

async function memberWithRole(workspaceId: string, role: Role) {
  const user = await createUser(t.h.ctx, { email: `${role}${++n}@hooks.test`, name: role, password: 'long enough password' });
  await addMember(t.h.ctx, workspaceId, user.id, role);
  return t.h.signIn(user.id, workspaceId);
}

describe('bounce and complaint webhooks', () => {
  it('a Postmark hard bounce bounces the message, the contact and the address; later marketing mail is suppressed; a retry changes nothing', async () => {
    const { api, workspaceId, hooks } = await workspace();
    const ann = await contact(api, 'ann@example.com');
    const message = await sendTo(workspaceId, ann.id, 'ann@example.com');
    expect(await messageState(message)).toBe('sent');

    // Postmark's MessageID is its own: the message is found by its recipient.
    const bouncedAt = new Date(t.h.clock.now().getTime() - 60_000);
    const res = await postJson(hooks.postmark, postmarkBounce({ Email: 'Ann@Example.com', BouncedAt: bouncedAt.toISOString().replace('Z', '1234Z') }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect(await messageState(message)).toBe('bounced');
    expect(await contactStatus(api, ann.id)).toBe('bounced');
    expect(await suppressionOf(workspaceId, 'ann@example.com')).toBe('bounced');
    const events = await eventsOf(workspaceId, ann.id, 'email.bounced');
    expect(events).toHaveLength(1);
    expect(events[0]!.properties).toMatchObject({ message_id: message, broadcast_id: null, bounce_type: 'hard', diagnostic: expect.stringContaining('550 5.1.1') });
    // The bounce happened a minute before it was received: the event says when it happened.
    const [at] = await t.h.db.query<{ occurred_at: Date }>("select occurred_at from events where workspace_id = $1 and name = 'email.bounced'", [workspaceId]);
    expect(new Date(at!.occurred_at).toISOString()).toBe(bouncedAt.toISOString());

    // Postmark retries the same notification: nothing happens twice, even after an admin
    // took the address off the list in between.
    expect((await api.delete('/api/v1/email/suppressions/ann@example.com')).body).toMatchObject({ reason: 'bounced', contactStatus: 'subscribed' });
    const retry = await postJson(hooks.postmark, postmarkBounce({ Email: 'Ann@Example.com', BouncedAt: bouncedAt.toISOString().replace('Z', '1234Z') }));
    expect(retry.json()).toEqual({ applied: 0, duplicates: 1, ignored: 0 });
    expect(await eventsOf(workspaceId, ann.id, 'email.bounced')).toHaveLength(1);
    expect(await suppressionOf(workspaceId, 'ann@example.com')).toBeUndefined();
    expect(await contactStatus(api, ann.id)).toBe('subscribed');

    // A new bounce (a new Postmark ID) suppresses again, and the next offer is not sent.
    const second = await sendTo(workspaceId, ann.id, 'ann@example.com');
    expect((await postJson(hooks.postmark, postmarkBounce({ ID: 4323372037 }))).json()).toMatchObject({ applied: 1 });
    expect(await messageState(second)).toBe('bounced');
    const later = await sendTo(workspaceId, ann.id, 'ann@example.com');
    expect(await messageState(later)).toBe('suppressed');
    const [row] = await t.h.db.query<{ last_error: string }>('select last_error from email_messages where id = $1', [later]);
    expect(row!.last_error).toMatch(/suppressed \(bounced\)/);
  });

  it('a soft bounce is recorded on the timeline and suppresses nothing; replies that are not bounces are ignored', async () => {
    const { api, workspaceId, hooks } = await workspace();
    const bo = await contact(api, 'bo@example.com');
    const message = await sendTo(workspaceId, bo.id, 'bo@example.com');
    for (const [i, type] of ['SoftBounce', 'Transient', 'DnsError'].entries()) {
      const res = await postJson(hooks.postmark, postmarkBounce({ ID: 900 + i, Type: type, Email: 'bo@example.com', Details: 'smtp;452 4.2.2 The email account that you tried to reach is over quota.' }));
      expect(res.json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    }
    expect((await postJson(hooks.postmark, postmarkBounce({ ID: 990, Type: 'AutoResponder', TypeCode: 64, Email: 'bo@example.com' }))).json()).toEqual({ applied: 0, duplicates: 0, ignored: 1 });
    // Other Postmark webhooks pointed at the same URL are accepted and ignored.
    expect((await postJson(hooks.postmark, { RecordType: 'Delivery', MessageID: 'x', Recipient: 'bo@example.com', DeliveredAt: '2026-01-15T11:59:00Z' })).json()).toEqual({ applied: 0, duplicates: 0, ignored: 1 });
    expect(await messageState(message)).toBe('sent');
    expect(await contactStatus(api, bo.id)).toBe('subscribed');
    expect(await suppressionOf(workspaceId, 'bo@example.com')).toBeUndefined();
    const events = await eventsOf(workspaceId, bo.id, 'email.bounced');
    expect(events.map((e) => e.properties.bounce_type)).toEqual(['soft', 'soft', 'soft']);
    expect(events[0]!.properties).toMatchObject({ message_id: message, diagnostic: expect.stringContaining('smtp;452 4.2.2') });
    const next = await sendTo(workspaceId, bo.id, 'bo@example.com');
    expect(await messageState(next)).toBe('sent');
  });

  it("classifies Postmark's bounce types", () => {
    for (const type of ['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated']) expect(postmarkBounceType(type), type).toBe('hard');
    for (const type of ['SoftBounce', 'Transient', 'DnsError', 'Blocked', 'SpamNotification', 'DMARCPolicy', 'Unknown', 'SomethingNew']) expect(postmarkBounceType(type), type).toBe('soft');
    for (const type of ['AutoResponder', 'Subscribe', 'Unsubscribe', 'AddressChange', 'ChallengeVerification', 'VirusNotification', 'OpenRelayTest']) expect(postmarkBounceType(type), type).toBe('ignore');
    expect(postmarkBounceType('SpamComplaint')).toBe('complaint');
  });

  it('a Postmark spam complaint marks the contact complained and suppresses the address; our Message-ID in the bounce content names the message', async () => {
    const { api, workspaceId, hooks } = await workspace();
    const cy = await contact(api, 'cy@example.com');
    const first = await sendTo(workspaceId, cy.id, 'cy@example.com');
    const second = await sendTo(workspaceId, cy.id, 'cy@example.com');
    const res = await postJson(hooks.postmark, {
      RecordType: 'SpamComplaint',
      MessageStream: 'broadcast',
      ID: 42,
      Type: 'SpamComplaint',
      TypeCode: 100001,
      Name: 'Spam complaint',
      Tag: '',
      MessageID: '00000000-0000-0000-0000-000000000000',
      Metadata: {},
      ServerID: 1234,
      Description: 'The subscriber explicitly marked this message as spam.',
      Details: 'Test spam complaint details',
      Email: 'cy@example.com',
      From: 'news@acme.test',
      BouncedAt: '2026-01-15T11:59:00Z',
      DumpAvailable: true,
      Inactive: true,
      CanActivate: false,
      Subject: 'Offer',
      Content: `Received: from mail.acme.test\r\nMessage-ID: <${first}@rapport>\r\nSubject: Offer\r\n\r\nOffer`,
    });
    expect(res.json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect(await contactStatus(api, cy.id)).toBe('complained');
    expect(await suppressionOf(workspaceId, 'cy@example.com')).toBe('complained');
    const [event] = await eventsOf(workspaceId, cy.id, 'email.complained');
    expect(event!.properties).toMatchObject({ message_id: first, provider: 'postmark' });
    // A complaint is about a delivered message: it stays sent.
    expect(await messageState(first)).toBe('sent');
    expect(await messageState(second)).toBe('sent');
    // A later hard bounce does not weaken the complaint.
    await postJson(hooks.postmark, postmarkBounce({ Email: 'cy@example.com', ID: 43 }));
    expect(await contactStatus(api, cy.id)).toBe('complained');
    expect(await suppressionOf(workspaceId, 'cy@example.com')).toBe('complained');
  });

  it('Amazon SES through SNS: a permanent bounce bounces the message our Message-ID names; a transient one does not', async () => {
    const { api, workspaceId, hooks } = await workspace();
    const di = await contact(api, 'di@example.com');
    const first = await sendTo(workspaceId, di.id, 'di@example.com');
    await sendTo(workspaceId, di.id, 'di@example.com');

    const transient = await postSns(hooks.ses, snsEnvelope(sesBounce('di@example.com', 'Transient', sesMail('di@example.com', [{ name: 'Message-ID', value: `<${first}@rapport>` }]))));
    expect(transient.statusCode).toBe(200);
    expect(transient.json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    t.h.clock.advance(1000);
    expect(await messageState(first)).toBe('sent');
    expect(await suppressionOf(workspaceId, 'di@example.com')).toBeUndefined();

    const envelope = snsEnvelope(sesBounce('di@example.com', 'Permanent', sesMail('di@example.com', [{ name: 'Message-ID', value: `<${first}@rapport>` }])));
    expect((await postSns(hooks.ses, envelope)).json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect(await messageState(first)).toBe('bounced');
    expect(await contactStatus(api, di.id)).toBe('bounced');
    expect(await suppressionOf(workspaceId, 'di@example.com')).toBe('bounced');
    const bounces = await eventsOf(workspaceId, di.id, 'email.bounced');
    expect(bounces.map((e) => [e.properties.bounce_type, e.properties.message_id])).toEqual([
      ['soft', first],
      ['hard', first],
    ]);
    expect(bounces[1]!.properties.diagnostic).toBe('smtp; 550 5.1.1 user unknown');
    // SNS delivers at least once: the same notification again is a duplicate.
    expect((await postSns(hooks.ses, envelope)).json()).toEqual({ applied: 0, duplicates: 1, ignored: 0 });
  });

  it("Amazon SES: without our header, SES's message id in the stored SMTP answer names the message; complaints and other notifications", async () => {
    const { api, workspaceId, hooks } = await workspace();
    const ed = await contact(api, 'ed@example.com');
    const older = await sendTo(workspaceId, ed.id, 'ed@example.com');
    const newer = await sendTo(workspaceId, ed.id, 'ed@example.com');
    const sesId = '0102018d0a1b2c3d-aaaabbbb-cccc-dddd-eeee-ffff00001111-000000';
    // What SES's SMTP interface answers on acceptance, as the send stores it.
    await t.h.db.query('update email_messages set transport = $2, server_message_id = $3 where id = $1', [older, 'smtp', `250 Ok ${sesId}`]);
    await postSns(hooks.ses, snsEnvelope(sesBounce('ed@example.com', 'Permanent', sesMail('ed@example.com', [], sesId))));
    expect(await messageState(older)).toBe('bounced');
    expect(await messageState(newer)).toBe('sent');

    const fay = await contact(api, 'fay@example.com');
    const toFay = await sendTo(workspaceId, fay.id, 'fay@example.com');
    const complaint = sesComplaint('fay@example.com', { ...sesMail('fay@example.com'), commonHeaders: { from: ['news@acme.test'], to: ['fay@example.com'], messageId: `<${toFay}@rapport>`, subject: 'Offer' } } as ReturnType<typeof sesMail>);
    expect((await postSns(hooks.ses, snsEnvelope(complaint))).json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect(await contactStatus(api, fay.id)).toBe('complained');
    expect(await suppressionOf(workspaceId, 'fay@example.com')).toBe('complained');
    expect((await eventsOf(workspaceId, fay.id, 'email.complained'))[0]!.properties).toMatchObject({ message_id: toFay, provider: 'ses', feedback_type: 'abuse' });

    // Raw message delivery (no SNS envelope) works too; deliveries and SES's test message are ignored.
    const gil = await contact(api, 'gil@example.com');
    expect((await postJson(hooks.ses, sesBounce('gil@example.com', 'Permanent'))).json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect(await contactStatus(api, gil.id)).toBe('bounced');
    const delivery = { notificationType: 'Delivery', mail: sesMail('gil@example.com'), delivery: { timestamp: '2026-01-15T11:59:00Z', recipients: ['gil@example.com'], smtpResponse: '250 ok' } };
    expect((await postSns(hooks.ses, snsEnvelope(delivery))).json()).toEqual({ applied: 0, duplicates: 0, ignored: 1 });
    const setup = { notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'You have successfully subscribed your Amazon SNS topic to receive Bounce notifications from Amazon SES.' };
    expect((await postSns(hooks.ses, snsEnvelope(setup))).json()).toEqual({ applied: 0, duplicates: 0, ignored: 1 });
    expect((await postSns(hooks.ses, snsEnvelope('', { Type: 'UnsubscribeConfirmation' }))).statusCode).toBe(200);
  });

  it('the generic format: one notification or an array, with the path of every invalid field', async () => {
    const { api, workspaceId, hooks } = await workspace();
    const hal = await contact(api, 'hal@example.com');
    const ivy = await contact(api, 'ivy@example.com');
    const toHal = await sendTo(workspaceId, hal.id, 'hal@example.com');
    const toIvy = await sendTo(workspaceId, ivy.id, 'ivy@example.com');
    const broadcastId = '01a206a7-2d0a-790a-b933-c4c4833a7dfd';
    await t.h.db.query('update email_messages set broadcast_id = $2 where id = $1', [toIvy, broadcastId]);

    const one = await postJson(hooks.generic, { type: 'bounce', email: 'hal@example.com', messageId: `<${toHal}@rapport>`, bounceType: 'hard', reason: '550 5.1.1 no such user' });
    expect(one.json()).toEqual({ applied: 1, duplicates: 0, ignored: 0 });
    expect(await messageState(toHal)).toBe('bounced');
    expect((await eventsOf(workspaceId, hal.id, 'email.bounced'))[0]!.properties).toMatchObject({ message_id: toHal, bounce_type: 'hard', diagnostic: '550 5.1.1 no such user', provider: 'generic' });

    const many = await postJson(hooks.generic, [
      { type: 'complaint', email: 'ivy@example.com', messageId: toIvy },
      { type: 'bounce', email: 'jo@example.com', bounceType: 'soft', reason: 'mailbox full' },
      { type: 'bounce', email: 'kim@example.com' },
    ]);
    expect(many.json()).toEqual({ applied: 3, duplicates: 0, ignored: 0 });
    expect(await contactStatus(api, ivy.id)).toBe('complained');
    expect((await eventsOf(workspaceId, ivy.id, 'email.complained'))[0]!.properties).toMatchObject({ message_id: toIvy, broadcast_id: broadcastId, provider: 'generic' });
    expect(await suppressionOf(workspaceId, 'jo@example.com')).toBeUndefined();
    // An address that is no contact is suppressed all the same (a bounce without bounceType is hard).
    expect(await suppressionOf(workspaceId, 'kim@example.com')).toBe('bounced');
    // The same call again: all duplicates.
    expect(
      (
        await postJson(hooks.generic, [
          { type: 'complaint', email: 'ivy@example.com', messageId: toIvy },
          { type: 'bounce', email: 'jo@example.com', bounceType: 'soft', reason: 'mailbox full' },
          { type: 'bounce', email: 'kim@example.com' },
        ])
      ).json(),
    ).toEqual({ applied: 0, duplicates: 3, ignored: 0 });

    const bad = await postJson(hooks.generic, [{ type: 'bounce', email: 'ok@example.com' }, { type: 'delivered', email: 'x@example.com' }, { type: 'bounce' }, { type: 'bounce', email: 'not an address', bounceType: 'sometimes' }]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('validation_failed');
    expect(bad.json().error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.1.type', 'body.2.email', 'body.3.bounceType']);
    const badAddress = await postJson(hooks.generic, { type: 'complaint', email: 'not an address' });
    expect(badAddress.json().error.details).toEqual([{ path: 'body.email', message: 'is not an email address' }]);
    // Nothing of a call with an invalid notification is applied.
    expect(await suppressionOf(workspaceId, 'ok@example.com')).toBeUndefined();
    const tooMany = await postJson(hooks.generic, Array.from({ length: 1001 }, (_, i) => ({ type: 'bounce', email: `u${i}@example.com` })));
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.details[0].path).toBe('body');
  });

  it('a 1000-notification call is applied whole', async () => {
    const { workspaceId, hooks } = await workspace();
    const res = await postJson(hooks.generic, Array.from({ length: 1000 }, (_, i) => ({ type: 'bounce', bounceType: 'hard', email: `bulk${i}@example.com` })));
    expect(res.json()).toEqual({ applied: 1000, duplicates: 0, ignored: 0 });
    const [count] = await t.h.db.query<{ n: number }>("select count(*)::int as n from suppressions where workspace_id = $1 and reason = 'bounced'", [workspaceId]);
    expect(count!.n).toBe(1000);
  });

  it('an unknown or rotated secret is a 404, before the body is read', async () => {
    const { api, hooks, urls } = await workspace();
    expect(urls.generic).toMatch(/^http:\/\/localhost:\d+\/hooks\/email\/[\w-]{43}\/generic$/);
    expect(urls.postmark).toBe(urls.generic.replace(/generic$/, 'postmark'));
    // The secret is stored encrypted, and the same URLs come back.
    expect((await api.get('/api/v1/email/webhooks')).body.generic).toBe(urls.generic);
    const [row] = await t.h.db.query<{ secret_encrypted: string }>('select secret_encrypted from email_webhook_secrets');
    expect(row!.secret_encrypted).toMatch(/^v1\./);

    const secret = hooks.generic.split('/')[3]!;
    const wrong = `${secret.slice(0, -2)}${secret.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const url of [hooks.generic.replace(secret, wrong), '/hooks/email/short/generic', hooks.ses.replace(secret, wrong)]) {
      const res = await postJson(url, '{not json');
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('not_found');
    }

    const rotated = await api.post('/api/v1/email/webhooks/rotate');
    expect(rotated.status).toBe(200);
    expect(rotated.body.generic).not.toBe(urls.generic);
    expect(rotated.body.rotatedAt).not.toBeNull();
    expect((await postJson(hooks.generic, { type: 'bounce', email: 'a@example.com' })).statusCode).toBe(404);
    expect((await postJson(new URL(rotated.body.generic).pathname, { type: 'bounce', email: 'a@example.com' })).statusCode).toBe(200);
  });

  it("workspace B's secret cannot touch workspace A's messages, contacts or suppressions", async () => {
    const a = await workspace();
    const b = await workspace();
    const lee = await contact(a.api, 'lee@example.com');
    const toLee = await sendTo(a.workspaceId, lee.id, 'lee@example.com');
    for (const res of [
      await postJson(b.hooks.generic, { type: 'bounce', email: 'lee@example.com', messageId: `<${toLee}@rapport>` }),
      await postJson(b.hooks.generic, { type: 'complaint', email: 'lee@example.com' }),
      await postJson(b.hooks.postmark, postmarkBounce({ Email: 'lee@example.com', Content: `Message-ID: <${toLee}@rapport>` })),
      await postSns(b.hooks.ses, snsEnvelope(sesBounce('lee@example.com', 'Permanent', sesMail('lee@example.com', [{ name: 'Message-ID', value: `<${toLee}@rapport>` }])))),
    ]) {
      expect(res.statusCode).toBe(200);
    }
    expect(await messageState(toLee)).toBe('sent');
    expect(await contactStatus(a.api, lee.id)).toBe('subscribed');
    expect(await suppressionOf(a.workspaceId, 'lee@example.com')).toBeUndefined();
    expect(await eventsOf(a.workspaceId, lee.id, 'email.bounced')).toEqual([]);
    // B's own list has the address (B was told it bounces), A's does not.
    expect((await b.api.get('/api/v1/email/suppressions')).body.items).toHaveLength(1);
    expect((await a.api.get('/api/v1/email/suppressions')).body.items).toEqual([]);
  });

  it('bad bodies are 400s that say what is wrong, never 500s', async () => {
    const { hooks } = await workspace();
    const cases: [string, string, string][] = [
      [hooks.generic, 'application/json', '{"type": "bounce",'],
      [hooks.postmark, 'application/json', '[1, 2'],
      [hooks.ses, 'text/plain; charset=UTF-8', '{"Type": "Notification", "Message": '],
      [hooks.ses, 'text/plain; charset=UTF-8', ''],
      [hooks.generic, 'application/json', ''],
    ];
    for (const [url, type, payload] of cases) {
      const res = await t.h.app.inject({ method: 'POST', url, headers: { 'content-type': type }, payload });
      expect(res.statusCode, `${url} ${payload}`).toBe(400);
      expect(res.json().error.code).toBe('invalid_json');
    }
    const shapes: [string, unknown, string][] = [
      [hooks.generic, '"just a string"', 'body'],
      [hooks.generic, [], 'body'],
      [hooks.postmark, { RecordType: 'Bounce', Type: 'HardBounce' }, 'body.Email'],
      [hooks.postmark, [postmarkBounce({})], 'body'],
      [hooks.ses, { Type: 'Notification', TopicArn: TOPIC, Message: 'not json' }, 'body.Message'],
      [hooks.ses, { Type: 'Notification', TopicArn: TOPIC }, 'body.Message'],
      [hooks.ses, { Type: 'Something' }, 'body.Type'],
      [hooks.ses, { Type: 'Notification', Message: JSON.stringify({ notificationType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{}] } }) }, 'body.Message.bounce.bouncedRecipients.0.emailAddress'],
      [hooks.ses, { Type: 'Notification', Message: JSON.stringify({ mail: {} }) }, 'body.Message.notificationType'],
      [hooks.ses, 42, 'body'],
    ];
    for (const [url, body, path] of shapes) {
      const res = await postJson(url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(res.json().error.details.map((d: { path: string }) => d.path), JSON.stringify(body)).toContain(path);
    }
    const form = await t.h.app.inject({ method: 'POST', url: hooks.generic, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
    expect(form.statusCode).toBe(415);
  });

  it('confirms an SNS subscription only at SNS itself; any other SubscribeURL is a 400 and is never fetched', async () => {
    const { hooks } = await workspace();
    const fetchSpy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('<ConfirmSubscriptionResponse/>', { status: 200 }));
    const confirmation = (subscribeUrl: string, topic = TOPIC) => ({
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token: '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
      TopicArn: topic,
      Message: `You have chosen to subscribe to the topic ${topic}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
      SubscribeURL: subscribeUrl,
      Timestamp: '2026-01-15T11:00:00.000Z',
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
    });
    const good = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${encodeURIComponent(TOPIC)}&Token=2336412f37fb687f5d`;
    for (const url of [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://localhost:5432/',
      good.replace('https:', 'http:'),
      good.replace('sns.eu-west-1.amazonaws.com', 'sns.eu-west-1.amazonaws.com.evil.test'),
      good.replace('sns.eu-west-1.amazonaws.com', 'evil.test/sns.eu-west-1.amazonaws.com'),
      good.replace('sns.eu-west-1.amazonaws.com', 'user@sns.eu-west-1.amazonaws.com'),
      good.replace('sns.eu-west-1.amazonaws.com', 'sns.eu-west-1.amazonaws.com:8443'),
      good.replace('sns.eu-west-1', 'sns.us-east-1'), // not the topic's region
      good.replace('Action=ConfirmSubscription', 'Action=Publish'),
      'not a url',
    ]) {
      const res = await postSns(hooks.ses, confirmation(url));
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details[0].path).toBe('body.SubscribeURL');
    }
    expect(fetchSpy).not.toHaveBeenCalled();

    const ok = await postSns(hooks.ses, confirmation(good));
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ confirmed: true });
    expect(fetchSpy).toHaveBeenCalledTimes(1);
    expect(String(fetchSpy.mock.calls[0]![0])).toBe(good);
    expect(fetchSpy.mock.calls[0]![1]).toMatchObject({ method: 'GET', redirect: 'manual' });

    // SNS answering with an error is reported as such (a 502, not a 500).
    fetchSpy.mockResolvedValueOnce(new Response('denied', { status: 403 }));
    const refused = await postSns(hooks.ses, confirmation(good));
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error.code).toBe('confirmation_failed');
  });

  it('accepts only SNS endpoints as subscription URLs', () => {
    expect(snsSubscribeUrl('https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=x', 'arn:aws-us-gov:sns:us-gov-west-1:1:t')).toBeDefined();
    expect(snsSubscribeUrl('https://sns.cn-north-1.amazonaws.com.cn/?Action=ConfirmSubscription&Token=x', 'arn:aws-cn:sns:cn-north-1:1:t')).toBeDefined();
    expect(snsSubscribeUrl('https://SNS.AP-SOUTHEAST-2.amazonaws.com/?Action=ConfirmSubscription', undefined)).toBeDefined();
    expect(snsSubscribeUrl('https://sqs.us-east-1.amazonaws.com/?Action=ConfirmSubscription', undefined)).toBeUndefined();
    expect(snsSubscribeUrl('https://sns.us-east-1.amazonaws.com.attacker.test/?Action=ConfirmSubscription', undefined)).toBeUndefined();
    expect(snsSubscribeUrl('https://x.sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription', undefined)).toBeUndefined();
  });
});

describe('the suppression list', () => {
  it('lists newest first a page at a time, with the address where a contact has it', async () => {
    const { api, workspaceId } = await workspace();
    await contact(api, 'mo@example.com');
    for (const [email, reason] of [
      ['mo@example.com', 'bounced'],
      ['nobody@example.com', 'complained'],
      ['Pat@Example.com', 'unsubscribed'],
    ] as const) {
      const res = await api.post('/api/v1/email/suppressions', { email, reason });
      expect(res.status, email).toBe(201);
      t.h.clock.advance(1000);
    }
    // An erased contact leaves only the hash.
    await t.h.db.query("insert into suppressions (workspace_id, email_hash, reason, created_at) values ($1, repeat('ab', 32), 'erased', $2)", [workspaceId, t.h.clock.now()]);

    const first = await api.get('/api/v1/email/suppressions?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((s: { email: string | null; reason: string }) => [s.email, s.reason])).toEqual([
      [null, 'erased'],
      [null, 'unsubscribed'], // Pat is no contact: only the hash is kept
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(`/api/v1/email/suppressions?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((s: { email: string | null; reason: string }) => [s.email, s.reason])).toEqual([
      [null, 'complained'],
      ['mo@example.com', 'bounced'],
    ]);
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.items[1].createdAt).toMatch(/Z$/);
    expect((await api.get('/api/v1/email/suppressions?cursor=garbage')).status).toBe(400);
    expect((await api.get('/api/v1/email/suppressions?limit=0')).status).toBe(400);
  });

  it('admins add and remove addresses by hand; a bounced contact is subscribed again, an unsubscribed one is not', async () => {
    const { api, workspaceId } = await workspace();
    const quinn = await contact(api, 'quinn@example.com');
    const ray = await contact(api, 'ray@example.com');
    expect((await api.post('/api/v1/email/suppressions', { email: ' Quinn@Example.com ', reason: 'bounced' })).body).toMatchObject({ email: 'quinn@example.com', reason: 'bounced' });
    expect(await contactStatus(api, quinn.id)).toBe('bounced');
    const toQuinn = await sendTo(workspaceId, quinn.id, 'quinn@example.com');
    expect(await messageState(toQuinn)).toBe('suppressed');
    // Again with another reason: the entry takes it (200, not a second entry).
    const again = await api.post('/api/v1/email/suppressions', { email: 'quinn@example.com', reason: 'complained' });
    expect(again.status).toBe(200);
    expect(await contactStatus(api, quinn.id)).toBe('complained');
    expect((await api.post('/api/v1/email/suppressions', { email: 'quinn@example.com', reason: 'bounced' })).status).toBe(200);

    const removed = await api.delete('/api/v1/email/suppressions/quinn%40example.com');
    expect(removed.status).toBe(200);
    // The contact complained: that stays, whatever the list says.
    expect(removed.body).toEqual({ email: 'quinn@example.com', reason: 'bounced', contactStatus: 'complained' });

    expect((await api.post('/api/v1/email/suppressions', { email: 'ray@example.com', reason: 'unsubscribed' })).status).toBe(201);
    expect(await contactStatus(api, ray.id)).toBe('unsubscribed');
    expect((await api.delete('/api/v1/email/suppressions/ray@example.com')).body).toMatchObject({ reason: 'unsubscribed', contactStatus: 'unsubscribed' });
    expect((await api.delete('/api/v1/email/suppressions/ray@example.com')).status).toBe(404);

    const bad = await api.post('/api/v1/email/suppressions', { email: 'nope', reason: 'erased' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual(['body.reason']);
    expect((await api.post('/api/v1/email/suppressions', { email: 'nope', reason: 'bounced' })).body.error.details).toEqual([{ path: 'body.email', message: 'is not an email address' }]);
    expect((await api.delete('/api/v1/email/suppressions/nope')).status).toBe(400);
  });

  it('viewers and marketers read the list; only admins change it or see the webhook URLs', async () => {
    const { api, workspaceId } = await workspace();
    await api.post('/api/v1/email/suppressions', { email: 'sam@example.com', reason: 'bounced' });
    for (const role of ['viewer', 'marketer'] as const) {
      const member = await memberWithRole(workspaceId, role);
      expect((await member.get('/api/v1/email/suppressions')).body.items, role).toHaveLength(1);
      expect((await member.post('/api/v1/email/suppressions', { email: 'tia@example.com', reason: 'bounced' })).status, role).toBe(403);
      expect((await member.delete('/api/v1/email/suppressions/sam@example.com')).status, role).toBe(403);
      expect((await member.get('/api/v1/email/webhooks')).status, role).toBe(403);
      expect((await member.post('/api/v1/email/webhooks/rotate')).status, role).toBe(403);
    }
    const admin = await memberWithRole(workspaceId, 'admin');
    expect((await admin.post('/api/v1/email/suppressions', { email: 'tia@example.com', reason: 'bounced' })).status).toBe(201);
    const { client: key } = await t.h.apiKey(workspaceId, 'full');
    expect((await key.get('/api/v1/email/webhooks')).status).toBe(200);
  });
});

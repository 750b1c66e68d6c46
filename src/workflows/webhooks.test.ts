// The delivery of workflow webhook calls to a real HTTP server on 127.0.0.1, rows written with
// SQL as the engine writes them, time moved by the manual clock.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import type { JobDefinition, JobRunner } from '../jobs/runner.ts';
import { encryptSecret } from '../messaging/delivery/secrets.ts';
import type { AppContext } from '../server/context.ts';
import { useHarness } from '../testing/harness.ts';
import { newWebhookSecret, signWebhook, verifyWebhook } from './webhook-signing.ts';
import { defineWebhookJobs, deliverAllDueWebhooks, deliverDueWebhooks, retryDelayMs, WEBHOOK_JOB } from './webhooks.ts';

const t = useHarness();

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  path: string;
}
interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
}

// The receiver: answers what `reply` says, keeps every request.
let received: Received[] = [];
let reply: (req: Received) => Reply = () => ({});
let server: http.Server;
let port = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), path: req.url ?? '' };
      received.push(got);
      const r = reply(got);
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(r.status ?? 200, { 'content-type': 'text/plain', ...r.headers });
        res.end(r.body ?? 'ok');
      };
      if (r.delayMs) setTimeout(answer, r.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let workspaceId = '';
let workflowId = '';
let secret = '';
beforeAll(async () => {
  ({ workspaceId } = await t.h.signUp());
  secret = newWebhookSecret();
  [{ id: workflowId }] = (await t.h.db.query<{ id: string }>('insert into workflows (workspace_id, name, webhook_secret) values ($1, $2, $3) returning id', [
    workspaceId,
    'Win-back',
    encryptSecret(t.h.ctx.secret, secret),
  ])) as [{ id: string }];
});
beforeEach(async () => {
  await t.h.db.query('delete from workflow_webhook_calls');
  received = [];
  reply = () => ({});
});

/** The context of an instance whose operator set RAPPORT_WEBHOOK_ALLOW_PRIVATE (the receiver is on 127.0.0.1). */
const allowing = (): AppContext => ({ ...t.h.ctx, config: { ...t.h.ctx.config, webhookAllowPrivate: true } });
const strict = (): AppContext => ({ ...t.h.ctx, config: { ...t.h.ctx.config, webhookAllowPrivate: false } });
const hookUrl = (path = '/hook') => `http://127.0.0.1:${port}${path}`;
const nowSeconds = () => Math.floor(t.h.clock.now().getTime() / 1000);

interface CallRow {
  id: string;
  state: string;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  response_excerpt: string | null;
  delivered_at: Date | null;
}

/** A call as the engine's webhook step writes it. */
async function queueCall(more: { url?: string; key?: string; body?: unknown; state?: string; attempts?: number; nextAttemptAt?: Date } = {}): Promise<{ id: string; key: string }> {
  const key = more.key ?? `workflow:${randomUUID()}:webhook-1`;
  const [row] = await t.h.db.query<{ id: string }>(
    `insert into workflow_webhook_calls (workspace_id, workflow_id, enrollment_id, contact_id, step, idempotency_key, url, body, state, attempts, next_attempt_at, created_at)
     values ($1, $2, $3, $4, 'webhook-1', $5, $6, $7, $8, $9, $10, $11) returning id`,
    [workspaceId, workflowId, randomUUID(), randomUUID(), key, more.url ?? hookUrl(), JSON.stringify(more.body ?? { event: 'test' }), more.state ?? 'queued', more.attempts ?? 0, more.nextAttemptAt ?? t.h.clock.now(), t.h.clock.now()],
  );
  return { id: row!.id, key };
}
const callRow = async (id: string) => (await t.h.db.query<CallRow>('select * from workflow_webhook_calls where id = $1', [id]))[0]!;

describe('signing (Standard Webhooks)', () => {
  it('secrets are whsec_ and 24 random bytes; a signature verifies only with its secret, id, timestamp and body, within the tolerance', () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(s.slice(6), 'base64')).toHaveLength(24);
    expect(newWebhookSecret()).not.toBe(s);
    const body = '{"a":1}';
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'webhook-signature': signWebhook(s, 'msg_1', 1700000000, body) };
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhook(s, headers, body, 1700000000)).toBe(true);
    expect(verifyWebhook(s, new Headers(headers), Buffer.from(body), 1700000100)).toBe(true);
    expect(verifyWebhook(s, headers, '{"a":2}', 1700000000)).toBe(false);
    expect(verifyWebhook(newWebhookSecret(), headers, body, 1700000000)).toBe(false);
    expect(verifyWebhook(s, { ...headers, 'webhook-id': 'msg_2' }, body, 1700000000)).toBe(false);
    expect(verifyWebhook(s, headers, body, 1700000301)).toBe(false);
    expect(verifyWebhook(s, headers, body, 1700000301, 600)).toBe(true);
    // Several signatures (a rotation): one that matches is enough.
    expect(verifyWebhook(s, { ...headers, 'webhook-signature': `v1,AAAA ${headers['webhook-signature']}` }, body, 1700000000)).toBe(true);
    expect(verifyWebhook(s, { ...headers, 'webhook-signature': '' }, body, 1700000000)).toBe(false);
  });

  it('matches the example of the Standard Webhooks specification', () => {
    // From the specification's reference libraries' tests.
    const spec = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"test": 2432232314}';
    expect(signWebhook(spec, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

describe('delivering workflow webhook calls', () => {
  it('POSTs the body signed, with the idempotency key as webhook-id, and records the answer', async () => {
    reply = () => ({ body: 'x'.repeat(600) });
    const { id, key } = await queueCall({ body: { contact: { email: 'ann@example.com' }, note: 'naïve ✓' } });
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 1, failed: 0, retrying: 0 });
    expect(received).toHaveLength(1);
    const [got] = received;
    expect(got!.path).toBe('/hook');
    expect(got!.headers).toMatchObject({ 'webhook-id': key, 'user-agent': 'Rapport-Webhooks/1', 'content-type': 'application/json', 'webhook-timestamp': String(nowSeconds()) });
    expect(verifyWebhook(secret, got!.headers, got!.body, nowSeconds())).toBe(true);
    expect(JSON.parse(got!.body)).toEqual({ contact: { email: 'ann@example.com' }, note: 'naïve ✓' });
    const row = await callRow(id);
    expect(row).toMatchObject({ state: 'delivered', attempts: 1, last_status: 200, last_error: null, response_excerpt: 'x'.repeat(500) });
    expect(row.delivered_at).toEqual(t.h.clock.now());
    // Delivered: never sent again.
    t.h.clock.advance(3_600_000);
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 0, failed: 0, retrying: 0 });
    expect(received).toHaveLength(1);
  });

  it('connects to the address the host name resolved to and was checked, keeping the name in the Host header', async () => {
    const { id } = await queueCall({ url: `http://hooks.shop.test:${port}/in?x=1` });
    const lookup = async (host: string) => (host === 'hooks.shop.test' ? [{ address: '127.0.0.1' }] : []);
    expect((await deliverDueWebhooks(allowing(), { lookup })).delivered).toBe(1);
    expect(received[0]).toMatchObject({ path: '/in?x=1', headers: { host: `hooks.shop.test:${port}` } });
    expect((await callRow(id)).state).toBe('delivered');
    // A name DNS does not know is tried again later.
    const { id: unknown } = await queueCall({ url: 'http://nowhere.shop.test/hook' });
    expect(await deliverDueWebhooks(allowing(), { lookup })).toEqual({ delivered: 0, failed: 0, retrying: 1 });
    expect(await callRow(unknown)).toMatchObject({ state: 'queued', last_error: 'the host nowhere.shop.test could not be found: DNS has no address for it' });
  });

  it('a 503 is tried again after the backoff, with the same webhook-id, and delivered once', async () => {
    let n = 0;
    reply = () => (++n === 1 ? { status: 503, body: 'busy' } : { status: 200, body: 'thanks' });
    const { id, key } = await queueCall();
    const start = t.h.clock.now().getTime();
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 0, failed: 0, retrying: 1 });
    let row = await callRow(id);
    expect(row).toMatchObject({ state: 'queued', attempts: 1, last_status: 503, last_error: 'the server answered 503', response_excerpt: 'busy' });
    expect(row.next_attempt_at.getTime()).toBe(start + 30_000);
    // Not due yet.
    t.h.clock.advance(29_000);
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 0, failed: 0, retrying: 0 });
    expect(received).toHaveLength(1);
    t.h.clock.advance(1_000);
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 1, failed: 0, retrying: 0 });
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([key, key]);
    for (const r of received) expect(verifyWebhook(secret, r.headers, r.body, nowSeconds())).toBe(true);
    row = await callRow(id);
    expect(row).toMatchObject({ state: 'delivered', attempts: 2, last_status: 200, last_error: null, response_excerpt: 'thanks' });
    t.h.clock.advance(86_400_000);
    await deliverDueWebhooks(allowing());
    expect(received).toHaveLength(2);
  });

  it('waits as long as Retry-After asks, within the 6-hour cap; the backoff doubles up to 6 hours', async () => {
    expect([1, 2, 3, 8].map((a) => retryDelayMs(a))).toEqual([30_000, 60_000, 120_000, 3_840_000]);
    expect(retryDelayMs(12)).toBe(6 * 3_600_000);
    expect(retryDelayMs(1, 5_000)).toBe(30_000);
    expect(retryDelayMs(1, 48 * 3_600_000)).toBe(6 * 3_600_000);
    reply = () => ({ status: 429, headers: { 'retry-after': '120' } });
    const { id } = await queueCall();
    const start = t.h.clock.now().getTime();
    expect((await deliverDueWebhooks(allowing())).retrying).toBe(1);
    expect(await callRow(id)).toMatchObject({ state: 'queued', last_status: 429, last_error: 'the server answered 429', next_attempt_at: new Date(start + 120_000) });
  });

  it('gives up after 8 attempts', async () => {
    reply = () => ({ status: 500 });
    const { id } = await queueCall();
    for (let attempt = 1; attempt <= 8; attempt++) {
      const totals = await deliverDueWebhooks(allowing());
      expect(totals, `attempt ${attempt}`).toEqual(attempt < 8 ? { delivered: 0, failed: 0, retrying: 1 } : { delivered: 0, failed: 1, retrying: 0 });
      t.h.clock.advance(6 * 3_600_000);
    }
    expect(received).toHaveLength(8);
    expect(await callRow(id)).toMatchObject({ state: 'failed', attempts: 8, last_status: 500, last_error: 'the server answered 500; no more attempts after 8' });
    await deliverDueWebhooks(allowing());
    expect(received).toHaveLength(8);
  });

  it('a 400 fails at once: the receiver refused it', async () => {
    reply = () => ({ status: 400, body: '{"error":"unknown field"}' });
    const { id } = await queueCall();
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 0, failed: 1, retrying: 0 });
    expect(await callRow(id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      last_status: 400,
      last_error: 'the server answered 400: the receiver refused the call, so it is not sent again',
      response_excerpt: '{"error":"unknown field"}',
    });
    t.h.clock.advance(86_400_000);
    await deliverDueWebhooks(allowing());
    expect(received).toHaveLength(1);
  });

  it('a redirect is not followed', async () => {
    reply = () => ({ status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } });
    const { id } = await queueCall();
    expect((await deliverDueWebhooks(allowing())).failed).toBe(1);
    expect((await callRow(id)).last_error).toMatch(/^the server answered 302, a redirect; Rapport does not follow redirects/);
    expect(received).toHaveLength(1);
  });

  it('no answer in time is tried again, and the next attempt can succeed', async () => {
    let n = 0;
    reply = () => (++n === 1 ? { delayMs: 1_000 } : {});
    const { id, key } = await queueCall();
    expect(await deliverDueWebhooks(allowing(), { timeoutMs: 200 })).toEqual({ delivered: 0, failed: 0, retrying: 1 });
    expect(await callRow(id)).toMatchObject({ state: 'queued', attempts: 1, last_status: null, last_error: 'no answer within 0.2 seconds' });
    t.h.clock.advance(30_000);
    expect(await deliverDueWebhooks(allowing(), { timeoutMs: 200 })).toEqual({ delivered: 1, failed: 0, retrying: 0 });
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([key, key]);
    expect(await callRow(id)).toMatchObject({ state: 'delivered', attempts: 2 });
  });

  it('a refused connection is tried again, said in plain words', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { id } = await queueCall({ url: `http://127.0.0.1:${freePort}/hook` });
    expect((await deliverDueWebhooks(allowing())).retrying).toBe(1);
    const row = await callRow(id);
    expect(row).toMatchObject({ state: 'queued', last_error: 'the connection was refused' });
  });

  it('refuses private and loopback addresses unless RAPPORT_WEBHOOK_ALLOW_PRIVATE is set, and metadata addresses always, before connecting', async () => {
    expect(loadConfig({}).webhookAllowPrivate).toBe(false);
    expect(loadConfig({ RAPPORT_WEBHOOK_ALLOW_PRIVATE: '1' }).webhookAllowPrivate).toBe(true);
    expect(() => loadConfig({ RAPPORT_WEBHOOK_ALLOW_PRIVATE: 'maybe' })).toThrow(/RAPPORT_WEBHOOK_ALLOW_PRIVATE must be 1 or 0/);

    const privateCall = await queueCall({ url: 'http://10.0.0.5/hook' });
    const loopback = await queueCall({ url: hookUrl() });
    const metadata = await queueCall({ url: 'http://169.254.169.254/latest/meta-data/' });
    const internalName = await queueCall({ url: 'https://hooks.corp.test/in' });
    const lookup = async () => [{ address: '192.168.1.20' }];
    expect(await deliverDueWebhooks(strict(), { lookup })).toEqual({ delivered: 0, failed: 4, retrying: 0 });
    expect(received).toHaveLength(0);
    expect(await callRow(privateCall.id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      last_error: 'the address 10.0.0.5 is on a private network; Rapport does not call private addresses unless RAPPORT_WEBHOOK_ALLOW_PRIVATE is set',
    });
    expect((await callRow(loopback.id)).last_error).toBe('the address 127.0.0.1 is on this machine (loopback); Rapport does not call private addresses unless RAPPORT_WEBHOOK_ALLOW_PRIVATE is set');
    expect((await callRow(metadata.id)).last_error).toBe('the address 169.254.169.254 is a cloud metadata service address; Rapport never calls such addresses');
    // A name's internal address is not said.
    expect((await callRow(internalName.id)).last_error).toBe(
      'hooks.corp.test resolves to an address that is on a private network; Rapport does not call private addresses unless RAPPORT_WEBHOOK_ALLOW_PRIVATE is set',
    );

    // Metadata stays refused when private addresses are allowed.
    const again = await queueCall({ url: 'http://[::ffff:169.254.169.254]/' });
    expect((await deliverDueWebhooks(allowing())).failed).toBe(1);
    expect((await callRow(again.id)).last_error).toMatch(/is a cloud metadata service address; Rapport never calls such addresses$/);
    // Not http(s).
    const ftp = await queueCall({ url: 'ftp://example.com/x' });
    expect((await deliverDueWebhooks(allowing())).failed).toBe(1);
    expect((await callRow(ftp.id)).last_error).toBe('the URL must start with http:// or https://, not ftp://');
  });

  it('sends again a call left in "sending" by a process that died once its lease ran out, and leaves a held lease alone', async () => {
    const now = t.h.clock.now().getTime();
    const expired = await queueCall({ state: 'sending', attempts: 1, nextAttemptAt: new Date(now - 1_000) });
    const held = await queueCall({ state: 'sending', attempts: 1, nextAttemptAt: new Date(now + 30_000) });
    const exhausted = await queueCall({ state: 'sending', attempts: 8, nextAttemptAt: new Date(now - 1_000) });
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 1, failed: 1, retrying: 0 });
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([expired.key]);
    expect(await callRow(expired.id)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(await callRow(held.id)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(await callRow(exhausted.id)).toMatchObject({ state: 'failed', attempts: 8 });
    expect((await callRow(exhausted.id)).last_error).toMatch(/no outcome was recorded for the last attempt/);
    // Its lease runs out too: sent once.
    t.h.clock.advance(30_000);
    expect((await deliverDueWebhooks(allowing())).delivered).toBe(1);
    expect(received.map((r) => r.headers['webhook-id'])).toEqual([expired.key, held.key]);
  });

  it('a claimed call is not claimed again while its lease holds', async () => {
    // The receiver answers slowly; a second delivery started meanwhile finds nothing due.
    reply = () => ({ delayMs: 300 });
    const { id } = await queueCall();
    const first = deliverDueWebhooks(allowing());
    await new Promise((r) => setTimeout(r, 100));
    expect((await callRow(id)).state).toBe('sending');
    expect(await deliverDueWebhooks(allowing())).toEqual({ delivered: 0, failed: 0, retrying: 0 });
    expect(await first).toEqual({ delivered: 1, failed: 0, retrying: 0 });
    expect(received).toHaveLength(1);
  });

  it('two deliveries at once never send the same call twice: 200 calls, each received once', async () => {
    reply = () => ({ delayMs: Math.floor(Math.random() * 5) });
    const keys = new Set<string>();
    for (let i = 0; i < 200; i += 50) {
      const batch = Array.from({ length: 50 }, (_, j) => `workflow:${randomUUID()}:webhook-${i + j}`);
      batch.forEach((k) => keys.add(k));
      await t.h.db.query(
        `insert into workflow_webhook_calls (workspace_id, workflow_id, enrollment_id, contact_id, step, idempotency_key, url, body, next_attempt_at, created_at)
         select $1, $2, gen_random_uuid(), gen_random_uuid(), 'webhook-1', k, $3, jsonb_build_object('key', k), $4, $4 from unnest($5::text[]) as k`,
        [workspaceId, workflowId, hookUrl(), t.h.clock.now(), batch],
      );
    }
    const ctx = allowing();
    const [a, b] = await Promise.all([deliverAllDueWebhooks(ctx, { limit: 25 }), deliverAllDueWebhooks(ctx, { limit: 25 })]);
    expect(a.delivered + b.delivered).toBe(200);
    // Both took part.
    expect(a.delivered).toBeGreaterThan(0);
    expect(b.delivered).toBeGreaterThan(0);
    expect(a.failed + b.failed + a.retrying + b.retrying).toBe(0);
    const ids = received.map((r) => r.headers['webhook-id'] as string);
    expect(ids).toHaveLength(200);
    expect(new Set(ids)).toEqual(keys);
    for (const r of received) expect(JSON.parse(r.body).key).toBe(r.headers['webhook-id']);
    const [{ n }] = (await t.h.db.query<{ n: number }>("select count(*)::int as n from workflow_webhook_calls where state = 'delivered' and attempts = 1")) as [{ n: number }];
    expect(n).toBe(200);
  });

  it('the workflows.webhooks job sends everything due', async () => {
    const defs: JobDefinition<object, AppContext>[] = [];
    defineWebhookJobs({ define: (d: JobDefinition<object, AppContext>) => defs.push(d) } as unknown as JobRunner<AppContext>);
    expect(defs.map((d) => [d.name, d.cron])).toEqual([[WEBHOOK_JOB, '* * * * *']]);
    for (let i = 0; i < 40; i++) await queueCall();
    expect(await defs[0]!.handler({}, allowing(), { id: 'job', name: WEBHOOK_JOB, retryCount: 0 })).toEqual({ delivered: 40, failed: 0, retrying: 0 });
    expect(received).toHaveLength(40);
  });
});

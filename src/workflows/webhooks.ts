// The delivery of workflow webhook calls. A webhook step writes a `workflow_webhook_calls` row
// (the outbox) in the transaction that moves the contact on; this sends those rows:
//
// - Claim: due rows (queued, or left in `sending` by a process that died: its lease ran out)
//   are taken with `for update skip locked`, set `sending` with a lease (next_attempt_at = now
//   + 60 s) and attempts + 1, and committed before anything is sent, so two processes never
//   send the same row at the same time. `attempts` is the claim's token: an outcome is written
//   only while the row is still `sending` under the attempt that sent it.
// - Send: POSTed a few at a time (8), each within a deadline (10 s, DNS included), signed per
//   Standard Webhooks (webhook-signing.ts) with the idempotency key as `webhook-id`, the same on
//   every retry, so that a receiver drops a call it already has (a process that died after the
//   receiver answered sends it again).
// - Where: the URL is typed by a workspace member, so its host is resolved and every address
//   checked with the SMTP settings' rules (src/messaging/delivery/destination.ts): no metadata,
//   link-local or reserved addresses, no private or loopback ones unless the operator set
//   RAPPORT_WEBHOOK_ALLOW_PRIVATE; the connection goes to the address checked (Host header and
//   TLS name kept), so DNS cannot answer one address to the check and another to the connection.
//   Redirects are not followed (they would lead past the check).
// - Outcome: 2xx delivered; 408, 429, 5xx, timeouts and connection errors are tried again after
//   30 s · 2^(attempts − 1) (at most 6 h, longer if Retry-After asks, within the 6 h), failed
//   after 8 attempts; any other answer fails at once (the receiver refused the call). last_error
//   is in Rapport's words; response_excerpt keeps the start of what the receiver said.
import http from 'node:http';
import https from 'node:https';
import type { JobRunner } from '../jobs/runner.ts';
import type { AppContext } from '../server/context.ts';
import { ADDRESS_CLASS_WORDS, checkHost, type HostCheck, type LookupAll } from '../messaging/delivery/destination.ts';
import { decryptSecret } from '../messaging/delivery/secrets.ts';
import { webhookHeaders } from './webhook-signing.ts';

/** The job that sends due calls: every minute, and whenever the engine has written some (`ctx.jobs.send(WEBHOOK_JOB, {})`). */
export const WEBHOOK_JOB = 'workflows.webhooks';
export const WEBHOOK_USER_AGENT = 'Rapport-Webhooks/1';
/** How long a claimed call is held before another process may take it over. */
export const WEBHOOK_LEASE_MS = 60_000;
/** How long one call may take, from looking up the host to the end of the answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_MAX_ATTEMPTS = 8;
const CONCURRENCY = 8;
const DEFAULT_LIMIT = 32;
const BASE_DELAY_MS = 30_000;
const MAX_DELAY_MS = 6 * 3_600_000;
const EXCERPT_CHARS = 500;
/** Contexts shutting down: calls not started are given back, no more are claimed (graceful shutdown). */
const stopping = new WeakSet<AppContext>();

export function stopWebhooks(ctx: AppContext): void {
  stopping.add(ctx);
}
// Enough bytes for 500 characters of UTF-8; the rest of an answer is not read.
const EXCERPT_BYTES = EXCERPT_CHARS * 4;
// A claimed call is started only while its lease has the timeout and this much left.
const LEASE_MARGIN_MS = 5_000;

export interface DeliverOptions {
  /** The most calls claimed at once (default 32: at 8 at a time and 10 s each, well within the lease). */
  limit?: number;
  /** How long one call may take (default 10 s); tests shorten it. */
  timeoutMs?: number;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** DNS, for tests (default: the system's). */
  lookup?: LookupAll;
}

export interface DeliveryTotals {
  delivered: number;
  failed: number;
  retrying: number;
}

interface ClaimedRow {
  id: string;
  workflow_id: string;
  idempotency_key: string;
  url: string;
  body: string;
  state: 'sending' | 'failed';
  attempts: number;
  webhook_secret: string;
}

/** What became of one call. */
type Outcome =
  | { kind: 'delivered'; status: number; excerpt: string }
  | { kind: 'retry'; error: string; status?: number; excerpt?: string; retryAfterMs?: number }
  | { kind: 'fail'; error: string; status?: number; excerpt?: string };

/** The wait before the next attempt, after `attempts` attempts: 30 s · 2^(attempts − 1), at least what Retry-After asks, at most 6 h. */
export function retryDelayMs(attempts: number, retryAfterMs?: number): number {
  const backoff = BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1);
  return Math.min(Math.max(backoff, retryAfterMs ?? 0), MAX_DELAY_MS);
}

/** Retry-After as milliseconds from now: seconds, or an HTTP date. */
function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} seconds`;

/** A failed connection or exchange in Rapport's words (never the error's own text or stack). */
function describeNetworkError(err: unknown, timeoutMs: number): string {
  const code = String((err as { code?: unknown })?.code ?? '');
  if (code === 'ECONNREFUSED') return 'the connection was refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'the connection was closed before an answer came';
  if (['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN'].includes(code)) return 'the server cannot be reached (no route to it)';
  if (code === 'ETIMEDOUT') return `no answer within ${seconds(timeoutMs)}`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) return "the server's TLS certificate could not be verified";
  if (code.startsWith('ERR_SSL') || code === 'EPROTO' || code.startsWith('ERR_TLS')) return 'the TLS handshake failed';
  if (code.startsWith('HPE_')) return 'the answer was not valid HTTP';
  return `the call failed${code ? ` (${code})` : ''}`;
}

/** Why an address may not be called, said of the host as typed (a name's internal addresses are not named). */
function describeRefusal(check: Extract<HostCheck, { outcome: 'refused' }>): string {
  const subject = check.literal ? `the address ${check.address} is` : `${check.host} resolves to an address that is`;
  if (check.refused === 'private' || check.refused === 'loopback') {
    const where = check.refused === 'loopback' ? 'on this machine (loopback)' : 'on a private network';
    return `${subject} ${where}; Rapport does not call private addresses unless RAPPORT_WEBHOOK_ALLOW_PRIVATE is set`;
  }
  return `${subject} ${ADDRESS_CLASS_WORDS[check.refused]}; Rapport never calls such addresses`;
}

class Deadline extends Error {}

/** A user name or password of a URL (Basic authentication), as typed when it is not valid percent-encoding. */
function decodeUserInfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

interface Answer {
  status: number;
  retryAfter: string | string[] | undefined;
  excerpt: string;
}

/** POSTs `body` to the checked address; the answer's status and start, or throws (a Deadline when out of time). */
function post(url: URL, check: Extract<HostCheck, { outcome: 'allowed' }>, headers: Record<string, string>, body: Buffer, timeLeftMs: number): Promise<Answer> {
  const secure = url.protocol === 'https:';
  return new Promise<Answer>((resolve, reject) => {
    const request = (secure ? https : http).request({
      host: check.address,
      port: url.port ? Number(url.port) : secure ? 443 : 80,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      // The certificate is verified against the name typed, not the address connected to.
      ...(secure && check.servername ? { servername: check.servername } : {}),
      ...(url.username ? { auth: `${decodeUserInfo(url.username)}:${decodeUserInfo(url.password)}` } : {}),
      agent: false,
      headers: { host: url.host, ...headers, 'content-length': String(body.length) },
    });
    let finish: (() => void) | undefined;
    const timer = setTimeout(() => {
      // An answer that has begun counts, even when the rest of its body is slow.
      if (finish) finish();
      else request.destroy(new Deadline());
    }, timeLeftMs);
    request.on('error', (err) => {
      // After the answer began (the rest of it cut off), the answer stands.
      if (finish) return finish();
      clearTimeout(timer);
      reject(err);
    });
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      finish = () => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        // Control characters out (a NUL cannot be stored in text), the rest as received.
        // eslint-disable-next-line no-control-regex
        const text = new TextDecoder('utf-8').decode(Buffer.concat(chunks)).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], excerpt: [...text].slice(0, EXCERPT_CHARS).join('') });
        res.destroy();
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= EXCERPT_BYTES) finish?.();
      });
      res.on('end', () => finish?.());
      res.on('close', () => finish?.());
      res.on('error', () => finish?.());
    });
    request.end(body);
  });
}

/** Sends one call: resolves and checks the host, POSTs the signed body to the checked address. */
async function callOnce(ctx: AppContext, row: ClaimedRow, secret: string, timeoutMs: number, lookup: LookupAll | undefined): Promise<Outcome> {
  const startedAt = performance.now();
  let url: URL;
  try {
    url = new URL(row.url);
  } catch {
    return { kind: 'fail', error: 'the URL is not a valid address' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { kind: 'fail', error: `the URL must start with http:// or https://, not ${url.protocol}//` };
  const timedOut: Outcome = { kind: 'retry', error: `no answer within ${seconds(timeoutMs)}` };

  let timer: NodeJS.Timeout | undefined;
  const lookupDeadline = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), timeoutMs)));
  const check = await Promise.race([checkHost(url.hostname, { allowPrivate: ctx.config.webhookAllowPrivate, lookup }), lookupDeadline]).finally(() => clearTimeout(timer));
  if (check === 'late') return timedOut;
  if (check.outcome === 'unresolved') return { kind: 'retry', error: `the host ${check.host} ${check.why}` };
  if (check.outcome === 'refused') return { kind: 'fail', error: describeRefusal(check) };

  const timestamp = Math.floor(ctx.clock.now().getTime() / 1000);
  const body = Buffer.from(row.body, 'utf8');
  const headers = { 'user-agent': WEBHOOK_USER_AGENT, 'content-type': 'application/json', ...webhookHeaders(secret, row.idempotency_key, timestamp, body) };
  let answer: Answer;
  try {
    answer = await post(url, check, headers, body, Math.max(1, timeoutMs - (performance.now() - startedAt)));
  } catch (err) {
    return err instanceof Deadline ? timedOut : { kind: 'retry', error: describeNetworkError(err, timeoutMs) };
  }
  const { status, excerpt } = answer;
  if (status >= 200 && status < 300) return { kind: 'delivered', status, excerpt };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', status, excerpt, error: `the server answered ${status}`, retryAfterMs: parseRetryAfter(answer.retryAfter, ctx.clock.now()) };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'fail', status, excerpt, error: `the server answered ${status}, a redirect; Rapport does not follow redirects, so use the address it points to` };
  }
  return { kind: 'fail', status, excerpt, error: `the server answered ${status}: the receiver refused the call, so it is not sent again` };
}

/** Takes due calls under a lease (committed before anything is sent). */
async function claim(ctx: AppContext, limit: number): Promise<ClaimedRow[]> {
  const now = ctx.clock.now();
  return ctx.db.transaction((tx) =>
    tx.query<ClaimedRow>(
      `with due as (
         select id from workflow_webhook_calls
         where state in ('queued', 'sending') and next_attempt_at <= $1
         order by next_attempt_at, id
         limit $2
         for update skip locked
       ), claimed as (
         update workflow_webhook_calls c set
           -- A call left in 'sending' by a process that died uses up an attempt: none left, it fails.
           state = case when c.attempts >= $4 then 'failed' else 'sending' end,
           attempts = case when c.attempts >= $4 then c.attempts else c.attempts + 1 end,
           next_attempt_at = case when c.attempts >= $4 then c.next_attempt_at else $3 end,
           last_error = case
             when c.attempts >= $4 then 'no outcome was recorded for the last attempt (the process sending it stopped); no more attempts after ' || $4
             when c.state = 'sending' then 'no outcome was recorded for attempt ' || c.attempts || ' (the process sending it stopped); sent again'
             else c.last_error end
         from due where c.id = due.id
         returning c.id, c.workflow_id, c.idempotency_key, c.url, c.body::text as body, c.state, c.attempts
       )
       select claimed.*, w.webhook_secret from claimed join workflows w on w.id = claimed.workflow_id`,
      [now, limit, new Date(now.getTime() + WEBHOOK_LEASE_MS), WEBHOOK_MAX_ATTEMPTS],
    ),
  );
}

/** Writes one call's outcome, if the row is still held by the attempt that sent it. */
async function record(ctx: AppContext, row: ClaimedRow, outcome: Outcome): Promise<keyof DeliveryTotals | undefined> {
  const now = ctx.clock.now();
  const held = 'id = $1 and state = $2 and attempts = $3';
  const base = [row.id, 'sending', row.attempts];
  let result: keyof DeliveryTotals;
  let rows: unknown[];
  if (outcome.kind === 'delivered') {
    result = 'delivered';
    rows = await ctx.db.query(
      `update workflow_webhook_calls set state = 'delivered', delivered_at = $4, last_status = $5, response_excerpt = $6, last_error = null
       where ${held} returning id`,
      [...base, now, outcome.status, outcome.excerpt],
    );
  } else {
    const retry = outcome.kind === 'retry' && row.attempts < WEBHOOK_MAX_ATTEMPTS;
    result = retry ? 'retrying' : 'failed';
    const error = outcome.kind === 'retry' && !retry ? `${outcome.error}; no more attempts after ${WEBHOOK_MAX_ATTEMPTS}` : outcome.error;
    const next = retry ? new Date(now.getTime() + retryDelayMs(row.attempts, outcome.retryAfterMs)) : now;
    rows = await ctx.db.query(
      `update workflow_webhook_calls set state = $4, next_attempt_at = $5, last_status = $6, last_error = $7, response_excerpt = $8
       where ${held} returning id`,
      [...base, retry ? 'queued' : 'failed', next, outcome.status ?? null, error, outcome.excerpt ?? null],
    );
  }
  // Taken over by another process (this one was too slow): its outcome is the one kept.
  return rows.length > 0 ? result : undefined;
}

/**
 * Sends the calls that are due (up to `limit`), a few at a time, and records each outcome.
 * Safe to run in any number of processes at once: each call is claimed by one of them.
 */
export async function deliverDueWebhooks(ctx: AppContext, options: DeliverOptions = {}): Promise<DeliveryTotals> {
  const totals: DeliveryTotals = { delivered: 0, failed: 0, retrying: 0 };
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const claimed = await claim(ctx, options.limit ?? DEFAULT_LIMIT);
  if (claimed.length === 0) return totals;
  // Real time, not ctx.clock: what matters is how long this process has held the lease.
  const startBy = performance.now() + WEBHOOK_LEASE_MS - timeoutMs - LEASE_MARGIN_MS;
  const queue = claimed.filter((r) => {
    if (r.state === 'failed') totals.failed++;
    return r.state === 'sending';
  });
  const secrets = new Map<string, string | Error>();
  const secretOf = (row: ClaimedRow) => {
    let s = secrets.get(row.workflow_id);
    if (s === undefined) {
      try {
        s = decryptSecret(ctx.secret, row.webhook_secret);
      } catch (err) {
        s = err as Error;
      }
      secrets.set(row.workflow_id, s);
    }
    return s;
  };
  const unstarted: ClaimedRow[] = [];
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (performance.now() > startBy || stopping.has(ctx)) {
        unstarted.push(row);
        continue;
      }
      const secret = secretOf(row);
      const outcome: Outcome =
        secret instanceof Error
          ? { kind: 'retry', error: "the workflow's signing secret could not be read (was the instance secret changed?)" }
          : await callOnce(ctx, row, secret, timeoutMs, options.lookup).catch((): Outcome => ({ kind: 'retry', error: 'the call failed' }));
      const result = await record(ctx, row, outcome);
      if (result) totals[result]++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? CONCURRENCY, queue.length)) }, worker));
  if (unstarted.length > 0) {
    // Not begun before the lease ran short: given back as they were, due at once.
    await ctx.db.query(
      `update workflow_webhook_calls c set state = 'queued', attempts = c.attempts - 1, next_attempt_at = $3
       from unnest($1::uuid[], $2::int[]) as u(id, attempts)
       where c.id = u.id and c.state = 'sending' and c.attempts = u.attempts`,
      [unstarted.map((r) => r.id), unstarted.map((r) => r.attempts), ctx.clock.now()],
    );
  }
  return totals;
}

/** Sends until nothing is due (or for at most `budgetMs`, the next run takes the rest); the totals. */
export async function deliverAllDueWebhooks(ctx: AppContext, options: DeliverOptions & { budgetMs?: number } = {}): Promise<DeliveryTotals> {
  const totals: DeliveryTotals = { delivered: 0, failed: 0, retrying: 0 };
  const stopAt = performance.now() + (options.budgetMs ?? 5 * 60_000);
  while (performance.now() < stopAt && !stopping.has(ctx)) {
    const batch = await deliverDueWebhooks(ctx, options);
    totals.delivered += batch.delivered;
    totals.failed += batch.failed;
    totals.retrying += batch.retrying;
    if (batch.delivered + batch.failed + batch.retrying === 0) break;
  }
  return totals;
}

export function defineWebhookJobs(runner: JobRunner<AppContext>): void {
  // Every minute for retries and what a crash left; sent on demand when the engine writes calls.
  runner.define({
    name: WEBHOOK_JOB,
    cron: '* * * * *',
    retryLimit: 1,
    expireInSeconds: 15 * 60,
    handler: (_data, ctx) => deliverAllDueWebhooks(ctx),
  });
}

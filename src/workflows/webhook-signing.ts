// How workflow webhook calls are signed, and how a receiver checks them: the Standard Webhooks
// specification (https://www.standardwebhooks.com). Every call carries
//
//   webhook-id:        the call's idempotency key, the same on every retry (receivers dedupe on it)
//   webhook-timestamp: when it was sent, in seconds since 1970
//   webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">
//
// under the workflow's secret, `whsec_<base64 of 24 random bytes>`; the HMAC key is the
// base64-decoded part after `whsec_`. A receiver in Node:
//
//   import { verifyWebhook } from './webhook-signing.ts';
//   if (!verifyWebhook(secret, req.headers, rawBody, Math.floor(Date.now() / 1000))) return res.writeHead(401).end();
//
// (any Standard Webhooks library does the same). Check the raw body as received, before parsing it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new signing secret in its plain form, `whsec_<base64 of 24 random bytes>`. Store it sealed (encryptSecret). */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(24).toString('base64');
}

/** The HMAC key of a secret: the base64 after `whsec_` (a secret without the prefix is taken as the base64 itself). */
function keyOf(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new Error('The webhook secret is empty or not base64.');
  return key;
}

/** The signature of one call: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`. */
export function signWebhook(secret: string, id: string, timestampSeconds: number | string, body: string | Buffer): string {
  const mac = createHmac('sha256', keyOf(secret)).update(`${id}.${timestampSeconds}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/** The three headers of a signed call. */
export function webhookHeaders(secret: string, id: string, timestampSeconds: number, body: string | Buffer): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signWebhook(secret, id, timestampSeconds, body) };
}

/** Request headers as Node (IncomingHttpHeaders), fetch (Headers) or a plain object give them. */
export type WebhookRequestHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookRequestHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const plain = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(plain).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : plain[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether a call is genuine: its `webhook-signature` holds a v1 signature of its id, timestamp
 * and body under `secret`, and its timestamp is within `toleranceSeconds` of `nowSeconds` (an
 * old call replayed is refused). Several signatures separated by spaces (during a secret's
 * rotation) pass if one matches.
 */
export function verifyWebhook(secret: string, headers: WebhookRequestHeaders, body: string | Buffer, nowSeconds: number, toleranceSeconds = 300): boolean {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d{1,15}$/.test(timestamp)) return false;
  const seconds = Number(timestamp);
  if (Math.abs(nowSeconds - seconds) > toleranceSeconds) return false;
  let expected: Buffer;
  try {
    expected = Buffer.from(signWebhook(secret, id, timestamp, body).slice('v1,'.length), 'base64');
  } catch {
    return false;
  }
  return signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .some((s) => {
      const given = Buffer.from(s.slice('v1,'.length), 'base64');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

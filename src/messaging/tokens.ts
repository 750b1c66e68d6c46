// Signed tokens in links that are used without signing in (unsubscribe; later tracking): ids
// packed as bytes and an HMAC, short enough for a URL path segment (Fastify's limit is 100
// characters); a changed token is simply unknown.
import { createHmac, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAC_BYTES = 16;
const mac = (secret: string, purpose: string, payload: Buffer) => createHmac('sha256', secret).update(purpose).update('\n').update(payload).digest().subarray(0, MAC_BYTES);

/** A token naming these ids (UUIDs), for one purpose. */
export function signIds(secret: string, purpose: string, ids: string[]): string {
  if (!ids.every((id) => UUID.test(id))) throw new Error('signIds takes UUIDs');
  const payload = Buffer.concat(ids.map((id) => Buffer.from(id.replaceAll('-', ''), 'hex')));
  return Buffer.concat([payload, mac(secret, purpose, payload)]).toString('base64url');
}

/** The ids of a token made by signIds for this purpose and count, or undefined. */
export function verifyIds(secret: string, purpose: string, token: string, count: number): string[] | undefined {
  if (token.length > 200 || !/^[\w-]+$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== count * 16 + MAC_BYTES) return undefined;
  const payload = bytes.subarray(0, count * 16);
  if (!timingSafeEqual(bytes.subarray(count * 16), mac(secret, purpose, payload))) return undefined;
  return Array.from({ length: count }, (_, i) => {
    const h = payload.subarray(i * 16, i * 16 + 16).toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  });
}

// Known devices: a browser where someone has signed in before carries a long-lived cookie
// naming it, signed with the instance secret and bound to the user. A sign-in on that user's
// address carrying it is throttled by the device alone, so that guesses on the address from
// everywhere else (which the address-wide limit holds back) do not lock the person out of
// their own laptop. The cookie proves nothing else: it signs nobody in, and a stolen one is
// worth as many guesses as any single source.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../server/context.ts';
import { hmac, randomToken, safeEqual } from './crypto.ts';

export const DEVICE_COOKIE = 'rapport_device';
// Browsers keep a cookie at most 400 days; a year, renewed at every sign-in.
const DEVICE_MAX_AGE_S = 365 * 86_400;
// Sent only where it is read: signing in.
const DEVICE_COOKIE_PATH = '/api/v1/session';

const signature = (ctx: AppContext, userId: string, deviceId: string) => hmac(ctx.secret, `device:${userId}:${deviceId}`);

/** The device a cookie value names, when it was issued to this user by this instance. */
export function knownDevice(ctx: AppContext, userId: string, cookie: string | undefined): string | undefined {
  const [deviceId, sig, extra] = (cookie ?? '').split('.');
  if (!deviceId || !sig || extra !== undefined) return undefined;
  return safeEqual(sig, signature(ctx, userId, deviceId)) ? deviceId : undefined;
}

/** After a successful sign-in: keeps (and renews) the device's name for this user, or gives it one. */
export function rememberDevice(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, userId: string): void {
  const deviceId = knownDevice(ctx, userId, req.cookies[DEVICE_COOKIE]) ?? randomToken(16);
  void reply.setCookie(DEVICE_COOKIE, `${deviceId}.${signature(ctx, userId, deviceId)}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.secureCookies,
    path: DEVICE_COOKIE_PATH,
    maxAge: DEVICE_MAX_AGE_S,
  });
}

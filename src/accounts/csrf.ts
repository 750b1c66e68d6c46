// The CSRF token of a session: an HMAC of its cookie under the instance secret. The web app
// sends it back as the X-CSRF-Token header on every write made with the cookie
// (checked by src/workspaces/authenticate.ts).
import type { AppContext } from '../server/context.ts';
import { hmac, safeEqual } from './crypto.ts';

export function csrfTokenFor(ctx: AppContext, sessionToken: string): string {
  return hmac(ctx.secret, `csrf:${sessionToken}`);
}

/** Whether `sent` (the header, if any) is the token of this session cookie. */
export function csrfTokenMatches(ctx: AppContext, sessionToken: string, sent: unknown): boolean {
  return typeof sent === 'string' && safeEqual(sent, csrfTokenFor(ctx, sessionToken));
}

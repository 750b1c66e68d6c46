// Security headers on every response (web app, API, public pages), through @fastify/helmet.
//
// The Content-Security-Policy lets scripts come only from Rapport itself (the built app has
// no inline script; the API reference at /api/docs loads its scripts as files too), so a
// markup injection that slipped past React's escaping could not run anything. Styles may be
// inline: Mantine and CodeMirror inject <style> elements. Images may come from anywhere: the
// email preview renders a message's HTML in a sandboxed srcdoc frame, which inherits this
// policy, and a message's images are hosted wherever its author put them (images run no
// code; the frame sends no referrer). Nothing may frame Rapport (clickjacking), and forms
// post only to it. The pages reached from an email (unsubscribe, preferences) send their own,
// stricter policy (see src/messaging/consent/public-page.ts), which replaces this one.
//
// Helmet (the library) computes the headers once, at start-up; each response gets the same
// list. (@fastify/helmet built Helmet's middleware anew on every request: 3% of the server's
// time under single tracking calls, which answer in well under a millisecond otherwise.)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { AppContext } from './context.ts';

export function servedOverHttps(ctx: AppContext): boolean {
  return (ctx.config.publicUrl ?? '').startsWith('https:');
}

function helmetOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', 'https:', 'http:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Only where Rapport is reached over https: on a laptop or a LAN address over plain
        // http, upgrading its own requests would break every page.
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS over http is ignored by browsers; over https it pins this host only (the operator
    // decides about subdomains at their proxy).
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  };
}

/** The headers Helmet sets with these options (it only sets and removes headers, synchronously). */
export function securityHeaders(https: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failed: unknown;
  helmet(helmetOptions(https))({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => (failed = err));
  if (failed) throw failed instanceof Error ? failed : new Error(String(failed));
  return headers;
}

/** Registered before the routes; a route may replace a header (the open pixel does). */
export function registerSecurityHeaders(app: FastifyInstance, ctx: AppContext): void {
  const headers = securityHeaders(servedOverHttps(ctx));
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** For the open pixel: loaded as an image by webmail pages on other sites. */
export const CROSS_ORIGIN_RESOURCE = ['cross-origin-resource-policy', 'cross-origin'] as const;

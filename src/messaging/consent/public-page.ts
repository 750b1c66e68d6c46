// The small HTML pages people reach from an email without signing in (unsubscribe,
// preferences): every value escaped, no scripts, forms posting only to ourselves.
import type { FastifyReply } from 'fastify';

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function page(reply: FastifyReply, status: number, title: string, body: string) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#4c6ef5;color:#fff;cursor:pointer}
label{display:block;margin:.8rem 0}label small{display:block;color:#616e7c;margin-left:1.6rem}a{color:#4c6ef5}</style></head>
<body>${body}</body></html>`);
}

export const unknownLink = (reply: FastifyReply) =>
  page(reply, 404, 'Link not recognized', '<h1>This link is not recognized</h1><p>It may have been cut short or changed. Use the link in the email again.</p>');

/** Where previews and test sends point their unsubscribe and preference links. */
export const PREVIEW_TOKEN = 'preview';

export const previewLink = (reply: FastifyReply, what: string) =>
  page(reply, 200, 'Preview link', `<h1>This is a preview</h1><p>In the real email, this link ${what}.</p>`);

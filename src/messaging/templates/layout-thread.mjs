// Lays out email (MJML → HTML, and the HTML's plain-text version) off the main thread (see
// layout.ts): a large template takes MJML seconds, during which no other request would be
// answered. Plain JavaScript so that a worker thread needs no TypeScript loader.
import { parentPort } from 'node:worker_threads';

let mjml;
let convert;

parentPort.on('message', async ({ id, source, options, text }) => {
  try {
    mjml ??= (await import('mjml')).default;
    const out = await mjml(source, options);
    let plain;
    if (text && out.html) {
      convert ??= (await import('html-to-text')).convert;
      plain = convert(out.html, text);
    }
    const errors = out.errors.map((e) => ({ line: e.line, message: e.message }));
    parentPort.postMessage({ id, html: out.html, errors, text: plain });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.message ?? err) });
  }
});

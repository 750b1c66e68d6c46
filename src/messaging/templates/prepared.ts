// A template prepared once for many recipients (broadcasts): MJML is compiled once, with
// every Liquid construct shielded behind a placeholder, and the plain-text part is derived
// once the same way; each message is then only a Liquid render of ready HTML and text.
// A template for which that is not provably the same as rendering each message in full
// (Liquid that builds MJML structure, snippets with arguments, …) falls back to the full
// render per message: the result is checked against the full render for sample recipients.
// Messages sent one at a time (the send to one contact) render through templates prepared the
// same way and kept between sends (renderOne).
import { createHash, randomBytes } from 'node:crypto';
import { Liquid, type Template } from 'liquidjs';
import { layoutBody, LIMITS, renderTemplate, tidyText, TemplateError, withDefaults, withPreheader, TEXT_OPTIONS, type RenderData, type Rendered, type TemplateSource } from './render.ts';

export interface PreparedTemplate {
  /** fast: compiled once; full: rendered whole for every message. */
  mode: 'fast' | 'full';
  render(data: RenderData): Promise<Rendered>;
}

const LIQUID = /\{%-?\s*raw\s*-?%\}[\s\S]*?\{%-?\s*endraw\s*-?%\}|\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const SNIPPET_TAG = /\{%-?\s*(?:render|include)\s+(['"])([a-z][a-z0-9_-]{0,62})\1\s*-?%\}/g;

/** Snippets used without arguments, written in place (they may hold MJML), up to 3 deep. */
function inlineSnippets(body: string, snippets: Record<string, string>): string {
  let out = body;
  for (let depth = 0; depth < 3; depth++) {
    const next = out.replace(SNIPPET_TAG, (tag, _q, name: string) => (name in snippets ? snippets[name]! : tag));
    if (next === out) break;
    out = next;
  }
  return out;
}

/** A value as Liquid prints it. */
const textOf = (v: unknown): string => (v === undefined || v === null ? '' : Array.isArray(v) ? v.map(textOf).join('') : String(v));

/**
 * escape: HTML-escaped output (the HTML part); text: output with its whitespace collapsed,
 * as it would be once the HTML became text (the text part); plain: as is (subject, preheader).
 */
function engine(output: 'escape' | 'text' | 'plain'): Liquid {
  return new Liquid({
    templates: {},
    relativeReference: false,
    ownPropertyOnly: true,
    strictFilters: true,
    outputEscape: output === 'escape' ? 'escape' : output === 'text' ? (v: unknown) => textOf(v).replace(/\s+/g, ' ') : undefined,
    parseLimit: LIMITS.sourceChars * 2,
    renderLimit: LIMITS.renderMs,
    memoryLimit: LIMITS.memory,
  });
}

interface Compiled {
  edges: { start: string; end: string };
  html: Template[];
  text: Template[];
  subject: Template[];
  preheader: Template[];
}

/** The MJML compiled once with Liquid left in place, or undefined when that cannot work. */
async function compileOnce(src: TemplateSource, snippets: Record<string, string>): Promise<Compiled | undefined> {
  const body = inlineSnippets(src.body, snippets);
  if (SNIPPET_TAG.test(body) || /\{%-?\s*(render|include|layout)\b/.test(body)) return undefined;
  const nonce = randomBytes(6).toString('hex');
  // MJML trims the content of text and buttons; with values in place it trims what they
  // render to. Markers at the content's edges let each message be trimmed the same way.
  const edges = { start: `xq${nonce}s`, end: `xq${nonce}e` };
  const framed = body.replace(/(<mj-(text|button)\b[^>]*>)([\s\S]*?)(<\/mj-\2>)/g, (_m, open: string, _tag, content: string, close: string) => `${open}${edges.start}${content}${edges.end}${close}`);
  const shielded: string[] = [];
  const marked = framed.replace(LIQUID, (m) => `xq${nonce}n${shielded.push(m) - 1}x`);
  const out = await layoutBody(marked, { validationLevel: 'soft', keepComments: false }, TEXT_OPTIONS);
  if (!out.html) return undefined;
  const token = new RegExp(`xq${nonce}n(\\d+)x`, 'g');
  const seen = new Set<number>();
  for (const m of out.html.matchAll(token)) seen.add(Number(m[1]));
  // Every piece of Liquid must have come through MJML as text (not dropped, not moved into
  // structure MJML rewrote).
  if (seen.size !== shielded.length) return undefined;
  const restore = (s: string) => s.replace(token, (_m, i: string) => shielded[Number(i)]!);
  const html = restore(out.html);
  const text = restore(out.text ?? '');
  try {
    const plain = engine('plain');
    return { html: engine('escape').parse(html), text: engine('text').parse(text), subject: plain.parse(src.subject), preheader: plain.parse(src.preheader), edges };
  } catch {
    return undefined;
  }
}

/** Removes the edge markers and the whitespace inside them, as MJML trims content (split and trim: a regex with \s* before a marker backtracks at every space). */
function trimEdges(s: string, edges: { start: string; end: string }): string {
  const opened = s.split(edges.start);
  const rest = opened.length === 1 ? s : opened[0]! + opened.slice(1).map((p) => p.trimStart()).join('');
  const closed = rest.split(edges.end);
  if (closed.length === 1) return rest;
  const last = closed.pop()!;
  return closed.map((p) => p.trimEnd()).join('') + last;
}

const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim().slice(0, 500);

/**
 * Prepares a template for many messages. `samples` are recipients' data the fast path is
 * checked against (the full render must give exactly the same subject, HTML and text).
 */
export async function prepareTemplate(src: TemplateSource, snippets: Record<string, string>, samples: RenderData[]): Promise<PreparedTemplate> {
  const full: PreparedTemplate = { mode: 'full', render: (data) => renderTemplate(src, data, snippets) };
  const compiled = await compileOnce(src, snippets);
  if (!compiled) return full;
  const escaped = engine('escape');
  const asText = engine('text');
  const plain = engine('plain');
  const fast: PreparedTemplate = {
    mode: 'fast',
    async render(data) {
      const scope = withDefaults(data, src.defaults);
      try {
        // Synchronous: these templates include nothing (no file, no snippet lookups), and a
        // promise per tag costs more than the rendering itself.
        const subject = plain.renderSync(compiled.subject, scope) as string;
        const preheader = plain.renderSync(compiled.preheader, scope) as string;
        const html = trimEdges(escaped.renderSync(compiled.html, scope) as string, compiled.edges);
        const text = trimEdges(asText.renderSync(compiled.text, scope) as string, compiled.edges);
        if (html.length > LIMITS.outputChars) throw new Error(`the rendered body is longer than ${LIMITS.outputChars} characters`);
        const pre = oneLine(preheader);
        return { subject: oneLine(subject), preheader: pre, html: withPreheader(html, pre), text: tidyText(text) };
      } catch (err) {
        if (err instanceof TemplateError) throw err;
        throw new TemplateError([{ part: 'body', line: 1, column: 1, message: (err as Error).message.split('\n')[0]! }]);
      }
    },
  };
  for (const sample of samples) {
    const [a, b] = await Promise.all([fast.render(sample).catch(() => undefined), full.render(sample).catch(() => undefined)]);
    if (!a || !b || a.subject !== b.subject || a.html !== b.html || a.text !== b.text) return full;
  }
  return fast;
}

/** Recipients of a kept template whose fast render is checked against the full one, as a broadcast checks its first three. */
const CHECKED_RECIPIENTS = 3;
/** Templates kept prepared between single sends (the least recently used go first). */
const KEEP = 100;
const kept = new Map<string, { prepared: PreparedTemplate; checked: number }>();

/**
 * One message rendered through the template prepared once for every message sent from it one
 * at a time (workflows, the send to one contact): kept by content (template and snippets), so
 * an edit prepares it again. Throws TemplateError as renderTemplate does.
 */
export async function renderOne(src: TemplateSource, snippets: Record<string, string>, data: RenderData): Promise<Rendered> {
  const key = createHash('sha256').update(JSON.stringify([src.subject, src.preheader, src.body, src.defaults ?? {}, snippets])).digest('base64url');
  const entry = kept.get(key);
  if (!entry) {
    const prepared = await prepareTemplate(src, snippets, [data]);
    kept.set(key, { prepared, checked: 1 });
    if (kept.size > KEEP) kept.delete(kept.keys().next().value!);
    return prepared.render(data);
  }
  kept.delete(key);
  kept.set(key, entry);
  if (entry.prepared.mode === 'fast' && entry.checked < CHECKED_RECIPIENTS) {
    entry.checked++;
    const full = await renderTemplate(src, data, snippets);
    const fast = await entry.prepared.render(data).catch(() => undefined);
    if (!fast || fast.subject !== full.subject || fast.html !== full.html || fast.text !== full.text) {
      entry.prepared = { mode: 'full', render: (d) => renderTemplate(src, d, snippets) };
    }
    return full;
  }
  return entry.prepared.render(data);
}

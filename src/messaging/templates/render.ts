// A template (subject, preheader, MJML body with Liquid merge fields) rendered for one
// contact: Liquid first, in a sandbox (no file system: snippets come from the workspace's own
// map; own properties only; bounded time, memory and size; every output HTML-escaped unless a
// template asks for `| raw`), then MJML to responsive HTML, then a plain-text part from it.
import { Liquid, LiquidError } from 'liquidjs';
import { layoutEmail, LayoutTimeout, type LayoutOptions } from './layout.ts';

/** What a template may say, as the person who wrote it wrote it. */
export interface TemplateSource {
  subject: string;
  preheader: string;
  /** MJML (`<mjml>…</mjml>`) with Liquid merge fields. */
  body: string;
  /**
   * Values for missing fields, by path ("contact.first_name": "there"): no one reads
   * "Hi ,". A template can also say `{{ contact.first_name | default: "there" }}`.
   */
  defaults?: Record<string, string>;
}

/** The data a template is rendered with. */
export interface RenderData {
  contact: Record<string, unknown> & { properties?: Record<string, unknown> };
  workspace: { name: string; postal_address?: string };
  /** The event that triggered the message (workflows), when there is one. */
  event?: { name: string; properties: Record<string, unknown> };
  /** Links the sender adds (unsubscribe, preferences, view in browser). */
  links?: Record<string, string>;
  /** Roots later domains add (src/server/module.ts mergeData): "loyalty". */
  [root: string]: unknown;
}

export interface Rendered {
  subject: string;
  preheader: string;
  html: string;
  text: string;
}

export interface TemplateIssue {
  /** subject, preheader or body. */
  part: 'subject' | 'preheader' | 'body';
  line: number;
  column: number;
  message: string;
}

/** Bounds of one render: a template that loops forever or builds huge strings stops here. */
export const LIMITS = { renderMs: 500, memory: 20_000_000, sourceChars: 200_000, outputChars: 1_000_000 };

export class TemplateError extends Error {
  constructor(readonly issues: TemplateIssue[]) {
    super(issues.map((i) => `${i.part} line ${i.line}, column ${i.column}: ${i.message}`).join('; '));
    this.name = 'TemplateError';
  }
}

function engine(snippets: Record<string, string>, escape: boolean): Liquid {
  return new Liquid({
    // Snippets ({% render 'footer' %}) come from this map only: no file system at all.
    templates: snippets,
    relativeReference: false,
    ownPropertyOnly: true,
    strictFilters: true,
    outputEscape: escape ? 'escape' : undefined,
    parseLimit: LIMITS.sourceChars,
    renderLimit: LIMITS.renderMs,
    memoryLimit: LIMITS.memory,
  });
}

function issueOf(part: TemplateIssue['part'], err: unknown): TemplateIssue {
  if (err instanceof LiquidError && err.token) {
    const [line, column] = err.token.getPosition();
    // LiquidJS appends ", line:1, col:5" to its messages; the position is reported apart.
    return { part, line: line ?? 1, column: column ?? 1, message: err.message.replace(/, line:\d+, col:\d+$/, '').split('\n')[0]! };
  }
  return { part, line: 1, column: 1, message: (err as Error).message.split('\n')[0]! };
}

/** The data with a template's defaults filled in where a value is missing or empty. */
export function withDefaults(data: RenderData, defaults: Record<string, string> = {}): RenderData {
  // Copied only along the paths a default is written to: the caller's data stays untouched.
  const root = { ...data } as unknown as Record<string, unknown>;
  for (const [path, value] of Object.entries(defaults)) {
    const keys = path.split('.');
    if (keys.some((k) => k === '__proto__' || k === 'constructor' || k === 'prototype')) continue;
    let node = root;
    for (const k of keys.slice(0, -1)) {
      const child = node[k];
      node[k] = typeof child === 'object' && child !== null && !Array.isArray(child) ? { ...(child as Record<string, unknown>) } : {};
      node = node[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1]!;
    const current = node[last];
    if (current === undefined || current === null || (typeof current === 'string' && current.trim() === '')) node[last] = value;
  }
  return root as unknown as RenderData;
}

/**
 * How the plain-text part is made from the HTML: no images, link targets after their text,
 * headings as written (not upper-cased), lines not wrapped (mail clients wrap; a wrap
 * depends on each contact's values, and the text is derived once per broadcast).
 */
export const TEXT_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((h) => ({ selector: h, options: { uppercase: false } })),
  ],
};

/**
 * The text part's whitespace made regular: no spaces at line ends or starts, runs of spaces
 * as one, at most one blank line. (A value that is empty for one contact leaves the same text
 * whether it is inserted before or after the HTML becomes text.)
 */
export function tidyText(text: string): string {
  return text
    // A link whose address is empty (a merge field without a value) has nothing to show.
    .replace(/ ?\[\]/g, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/^[ \t]+/gm, '')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The preheader as the hidden first text of the body, which inboxes show after the subject. */
export function withPreheader(html: string, preheader: string): string {
  if (!preheader) return html;
  const body = html.search(/<body[^>]*>/i);
  if (body < 0) return html;
  const at = html.indexOf('>', body) + 1;
  const hidden = `<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all">${escapeHtml(preheader)}</div>`;
  return html.slice(0, at) + hidden + html.slice(at);
}

/** Liquid syntax only (a snippet is a fragment of MJML, checked where it is used). */
export function checkLiquid(text: string): TemplateIssue[] {
  try {
    engine({}, true).parse(text);
    return [];
  } catch (err) {
    return [issueOf('body', err)];
  }
}

/** Checks a template without data: Liquid syntax in every part, MJML structure of the body. */
export async function checkTemplate(src: TemplateSource, snippets: Record<string, string> = {}): Promise<TemplateIssue[]> {
  const issues: TemplateIssue[] = [];
  for (const part of ['subject', 'preheader', 'body'] as const) {
    try {
      engine(snippets, part === 'body').parse(src[part]);
    } catch (err) {
      issues.push(issueOf(part, err));
    }
  }
  if (issues.length === 0) {
    // The MJML of the body as Liquid leaves it for a contact with no data at all.
    try {
      const empty = withDefaults({ contact: {}, workspace: { name: '' } }, src.defaults);
      const body = await engine(snippets, true).parseAndRender(src.body, empty, { globals: empty });
      const out = await layoutBody(body, { validationLevel: 'soft' });
      for (const e of out.errors) issues.push({ part: 'body', line: e.line, column: 1, message: e.message });
    } catch (err) {
      issues.push(issueOf('body', err));
    }
  }
  return issues;
}

/** MJML to HTML (on the layout thread); a layout that takes too long is the template's error. */
export async function layoutBody(body: string, options: LayoutOptions, text?: typeof TEXT_OPTIONS) {
  try {
    return await layoutEmail(body, options, text);
  } catch (err) {
    if (err instanceof LayoutTimeout) throw new TemplateError([{ part: 'body', line: 1, column: 1, message: err.message }]);
    throw err;
  }
}

/** Renders a template for one contact; throws TemplateError with positions when it cannot. */
export async function renderTemplate(src: TemplateSource, data: RenderData, snippets: Record<string, string> = {}): Promise<Rendered> {
  const scope = withDefaults(data, src.defaults);
  const render = async (part: TemplateIssue['part'], escape: boolean) => {
    try {
      // The data as globals too: a snippet ({% render 'footer' %}) sees the contact and links.
      return await engine(snippets, escape).parseAndRender(src[part], scope, { globals: scope });
    } catch (err) {
      throw new TemplateError([issueOf(part, err)]);
    }
  };
  // Subject and preheader are text, not HTML: not escaped, and kept on one line (no header
  // injection through a merge field).
  const oneLine = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/\s{2,}/g, ' ').trim().slice(0, 500);
  const subject = oneLine(await render('subject', false));
  const preheader = oneLine(await render('preheader', false));
  const body = await render('body', true);
  if (body.length > LIMITS.outputChars) throw new TemplateError([{ part: 'body', line: 1, column: 1, message: `the rendered body is longer than ${LIMITS.outputChars} characters` }]);
  const out = await layoutBody(body, { validationLevel: 'soft', keepComments: false }, TEXT_OPTIONS);
  if (!out.html) throw new TemplateError(out.errors.map((e) => ({ part: 'body' as const, line: e.line, column: 1, message: e.message })));
  const text = tidyText(out.text ?? '');
  return { subject, preheader, html: withPreheader(out.html, preheader), text };
}

// Status text as Mastodon reads it: the URLs, mentions and hashtags in it (patterns after
// Account::MENTION_RE, Tag::HASHTAG_RE and twitter-text's URL extraction, simplified), the length
// StatusLengthValidator counts, and the HTML that TextFormatter renders.

export interface Entity {
  kind: 'url' | 'mention' | 'hashtag';
  start: number;
  end: number;
  /** The URL, the mentioned username, or the hashtag name as written. */
  value: string;
  /** The domain of `@user@domain`, if written. */
  domain?: string;
}

const URL_RE = /(?<![\p{L}\p{N}_@$#/])https?:\/\/[^\s<>"]+/giu;
const MENTION_RE = /(?<![=/\p{L}\p{N}_])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@([\p{L}\p{N}_.-]+[\p{L}\p{N}_]+))?/giu;
const HASHTAG_RE = /(?<![/)\p{L}\p{N}_])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;

/** Drops trailing punctuation a URL in prose ends with, and a closing paren it did not open. */
function trimUrl(url: string): string {
  let out = url;
  for (;;) {
    const last = out.at(-1);
    if (last && '.,:;!?\'"'.includes(last)) out = out.slice(0, -1);
    else if (last === ')' && out.split('(').length < out.split(')').length) out = out.slice(0, -1);
    else return out;
  }
}

/** Entities in order of position, overlaps removed (the earlier one wins, as Extractor does). */
export function extractEntities(text: string, kinds: Entity['kind'][] = ['url', 'mention', 'hashtag']): Entity[] {
  const found: Entity[] = [];
  if (kinds.includes('url')) {
    for (const m of text.matchAll(URL_RE)) {
      const value = trimUrl(m[0]);
      found.push({ kind: 'url', start: m.index, end: m.index + value.length, value });
    }
  }
  if (kinds.includes('mention')) {
    for (const m of text.matchAll(MENTION_RE)) {
      found.push({ kind: 'mention', start: m.index, end: m.index + m[0].length, value: m[1]!, domain: m[2] });
    }
  }
  if (kinds.includes('hashtag')) {
    for (const m of text.matchAll(HASHTAG_RE)) found.push({ kind: 'hashtag', start: m.index, end: m.index + m[0].length, value: m[1]! });
  }
  found.sort((a, b) => a.start - b.start);
  const kept: Entity[] = [];
  for (const e of found) if (!kept.length || e.start >= kept.at(-1)!.end) kept.push(e);
  return kept;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * StatusLengthValidator: spoiler text plus the text with every URL replaced by `urlChars`
 * placeholder characters and every `@user@domain` by `@user`, counted in grapheme clusters
 * (Ruby's `each_grapheme_cluster.size`, so a flag or a family emoji counts as one).
 */
export function countableLength(text: string, spoilerText: string, urlChars: number): number {
  let countable = '';
  let at = 0;
  for (const e of extractEntities(text, ['url', 'mention'])) {
    countable += text.slice(at, e.start) + (e.kind === 'url' ? 'x'.repeat(urlChars) : `@${e.value}`);
    at = e.end;
  }
  countable += text.slice(at);
  return [...segmenter.segment(spoilerText + countable)].length;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function linkHtml(url: string): string {
  const prefix = /^https?:\/\/(?:www\.)?/i.exec(url)![0];
  const rest = url.slice(prefix.length);
  const shown = rest.length > 30
    ? `<span class="ellipsis">${escapeHtml(rest.slice(0, 30))}</span><span class="invisible">${escapeHtml(rest.slice(30))}</span>`
    : `<span class="">${escapeHtml(rest)}</span><span class="invisible"></span>`;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="nofollow noopener" translate="no"><span class="invisible">${escapeHtml(prefix)}</span>${shown}</a>`;
}

export interface Linker {
  /** The profile URL and username of a mentioned account this server knows, or null (left as text). */
  mention(username: string, domain: string | undefined): { url: string; username: string } | null;
  tagUrl(name: string): string;
}

/** TextFormatter's HTML: escaped text, anchors for entities, `<p>` per paragraph, `<br />` per line. */
export function renderContent(text: string, linker: Linker): string {
  let html = '';
  let at = 0;
  for (const e of extractEntities(text)) {
    html += escapeHtml(text.slice(at, e.start));
    const written = text.slice(e.start, e.end);
    if (e.kind === 'url') html += linkHtml(e.value);
    else if (e.kind === 'hashtag') {
      html += `<a href="${escapeHtml(linker.tagUrl(e.value.toLowerCase()))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(e.value)}</span></a>`;
    } else {
      const target = linker.mention(e.value, e.domain);
      html += target
        ? `<span class="h-card" translate="no"><a href="${escapeHtml(target.url)}" class="u-url mention">@<span>${escapeHtml(target.username)}</span></a></span>`
        : escapeHtml(written);
    }
    at = e.end;
  }
  html += escapeHtml(text.slice(at));
  return html
    .split(/(?:\r?\n){2,}/)
    .map((p) => `<p>${p.replace(/\r?\n/g, '<br />')}</p>`)
    .join('');
}

// Text PostgreSQL cannot store: a NUL character (text and jsonb refuse \u0000) and a lone UTF-16
// surrogate (half of a character; it has no UTF-8 form). Where Rapport takes text it does not
// control (a file's cells, what Segment's SDKs send, a post fetched from a social network) it
// keeps the rest: NULs removed, half characters replaced by U+FFFD. Without this one such
// character failed the whole upload, batch or fetch. The API's own routes refuse them instead
// (src/server/text-hygiene.ts), so a caller learns what to fix.

// eslint-disable-next-line no-control-regex -- NUL is what is looked for
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
/** One character PostgreSQL cannot store: a NUL, or a high or low surrogate without its other half. */
// eslint-disable-next-line no-control-regex -- NUL is what is looked for
export const UNSTORABLE_CHAR = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE = new RegExp(UNSTORABLE_CHAR.source, 'g');

/** `value` as PostgreSQL can store it: NULs removed, lone surrogates replaced by U+FFFD. */
export function storableText(value: string): string {
  if (!SUSPECT.test(value)) return value;
  return value.replace(UNSTORABLE, (ch) => (ch === '\u0000' ? '' : '\ufffd'));
}

// html-to-text (with its HTML parser), loaded with the first plain-text part made: an idle
// server need not hold it.
import type { convert as convertType, HtmlToTextOptions } from 'html-to-text';

let loading: Promise<typeof convertType> | undefined;

/** The plain-text version of an email's HTML. */
export async function htmlToText(html: string, options: HtmlToTextOptions): Promise<string> {
  loading ??= import('html-to-text').then((m) => m.convert);
  return (await loading)(html, options);
}

// MJML, loaded the first time a template is checked or rendered: the library and its
// dependencies hold ~45 MB, which an idle server (or one that never sends email) need not.
import type mjml2htmlType from 'mjml';

type Mjml = typeof mjml2htmlType;
let loading: Promise<Mjml> | undefined;

export async function mjml2html(...args: Parameters<Mjml>): Promise<Awaited<ReturnType<Mjml>>> {
  loading ??= import('mjml').then((m) => m.default);
  const compile = await loading;
  return compile(...args);
}

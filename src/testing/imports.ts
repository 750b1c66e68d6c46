import { readFileSync } from 'node:fs';
import type { ApiClient } from './client.ts';

/** A multipart/form-data body with one file, as a browser would send it. */
export async function multipartFile(fileName: string, content: Buffer | string, field = 'file'): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  form.append(field, new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), fileName);
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

export async function upload(client: ApiClient, fileName: string, content: Buffer | string, kind: 'contacts' | 'orders' = 'contacts') {
  const { body, contentType } = await multipartFile(fileName, content);
  return client.request('POST', `/api/v1/imports?kind=${kind}`, body, { 'content-type': contentType });
}

/** A file of test/fixtures/ (e.g. "exports/outlook-de.csv"). */
export function fixture(path: string): Buffer {
  return readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url));
}

export function messy(path: string): Buffer {
  return readFileSync(new URL(`../../test/fixtures/contacts-messy/${path}`, import.meta.url));
}

/** Polls an import until it is finished (or undone), as the web app does. */
export async function waitForImport(client: ApiClient, id: string, timeoutMs = 120_000): Promise<any> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await client.get(`/api/v1/imports/${id}`);
    if (['completed', 'failed', 'undone', 'uploaded'].includes(res.body.status)) return res.body;
    if (Date.now() > until) throw new Error(`import ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Upload, start with the suggested mapping (or the one given), and wait. */
export async function importFile(
  client: ApiClient,
  fileName: string,
  content: Buffer | string,
  options: {
    kind?: 'contacts' | 'orders';
    mapping?: (suggested: string[]) => string[];
    acceptNewProperties?: boolean;
    /** Change the suggested new properties (a person picking another type). */
    editProperties?: (suggested: any[]) => any[];
    body?: Record<string, unknown>;
    /** The answer to "did these people agree to marketing email?", sent when an email column is mapped (default: not_subscribed). */
    consent?: 'subscribed' | 'not_subscribed';
  } = {},
) {
  const uploaded = await upload(client, fileName, content, options.kind);
  if (uploaded.status !== 201) throw new Error(`upload failed: ${JSON.stringify(uploaded.body)}`);
  const preview = uploaded.body.preview;
  const mapping: string[] = options.mapping ? options.mapping(preview.suggestedMapping) : [...preview.suggestedMapping];
  let newProperties = options.acceptNewProperties ? preview.suggestedProperties : [];
  if (options.editProperties) newProperties = options.editProperties(newProperties);
  for (const p of newProperties) mapping[p.column] = `properties.${p.key}`;
  const emailMapped = mapping.includes('email') || mapping.includes('customer_email');
  const consent = emailMapped ? { emailConsent: options.consent ?? 'not_subscribed' } : {};
  const started = await client.post(`/api/v1/imports/${uploaded.body.id}/start`, { mapping, newProperties, ...consent, ...options.body });
  if (started.status !== 202) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  return { preview, result: await waitForImport(client, uploaded.body.id) };
}

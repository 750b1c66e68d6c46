// One consent rule for every way a contact arrives (docs/decisions.md, "Consent"): nobody is
// subscribed unless someone said they agreed, nobody without an email address is subscribed,
// and every change is recorded with its source and time.
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile } from '../testing/imports.ts';

const t = useHarness({ work: true });

async function statusOf(ws: string, where: string, value: string) {
  const [row] = await t.h.db.query<{ email_status: string }>(`select email_status from contacts where workspace_id = $1 and ${where} = $2`, [ws, value]);
  return row?.email_status;
}

describe('consent', () => {
  it('the web form and the API subscribe only when told to, and record who said so', async () => {
    const owner = await t.h.signUp();
    const web = owner.client;
    const { client: api } = await t.h.apiKey(owner.workspaceId, 'full');

    const plain = (await web.post('/api/v1/contacts', { email: 'plain@example.com' })).body;
    expect(plain.emailStatus).toBe('not_subscribed');
    const agreed = (await web.post('/api/v1/contacts', { email: 'agreed@example.com', emailStatus: 'subscribed' })).body;
    expect(agreed.emailStatus).toBe('subscribed');
    const byApi = (await api.post('/api/v1/contacts', { email: 'api@example.com', emailStatus: 'subscribed' })).body;
    expect((await api.post('/api/v1/contacts', { email: 'api2@example.com' })).body.emailStatus).toBe('not_subscribed');

    expect((await web.get(`/api/v1/contacts/${plain.id}/consent`)).body.items).toEqual([]);
    expect((await web.get(`/api/v1/contacts/${agreed.id}/consent`)).body.items).toEqual([
      expect.objectContaining({ status: 'subscribed', previous: null, source: 'web', importFile: null }),
    ]);
    expect((await web.get(`/api/v1/contacts/${byApi.id}/consent`)).body.items).toEqual([expect.objectContaining({ status: 'subscribed', source: 'api' })]);

    // Subscribing later, and losing the address, are changes with their source too.
    await web.patch(`/api/v1/contacts/${plain.id}`, { emailStatus: 'subscribed' });
    const cleared = (await api.patch(`/api/v1/contacts/${plain.id}`, { email: null })).body;
    expect(cleared.emailStatus).toBe('not_subscribed');
    const history = (await web.get(`/api/v1/contacts/${plain.id}/consent`)).body.items;
    expect(history.map((h: { status: string; previous: string; source: string }) => [h.previous, h.status, h.source])).toEqual([
      ['subscribed', 'not_subscribed', 'api'],
      ['not_subscribed', 'subscribed', 'web'],
    ]);
  });

  it('a contact without an email address is never subscribed, whatever is asked', async () => {
    const owner = await t.h.signUp();
    const res = await owner.client.post('/api/v1/contacts', { phone: '+442071838750', firstName: 'Pat', emailStatus: 'subscribed' });
    expect(res.status).toBe(201);
    expect(res.body.emailStatus).toBe('not_subscribed');
    await expect(t.h.db.query("update contacts set email_status = 'subscribed' where id = $1 returning email_status", [res.body.id])).resolves.toEqual([
      { email_status: 'not_subscribed' },
    ]);
  });

  it('an import subscribes the people in the file only when the person importing says they agreed', async () => {
    const owner = await t.h.signUp({ email: 'importer@example.com' });
    const ws = owner.workspaceId;
    const csv = 'Email,First name,Phone\nyes1@example.com,Ann,\n,Bo,+442071838750\n';
    const yes = await importFile(owner.client, 'agreed.csv', csv, { consent: 'subscribed' });
    expect(yes.result.status).toBe('completed');
    expect(await statusOf(ws, 'email', 'yes1@example.com')).toBe('subscribed');
    expect(await statusOf(ws, 'first_name', 'Bo')).toBe('not_subscribed');
    const [ann] = await t.h.db.query<{ id: string }>("select id from contacts where workspace_id = $1 and email = 'yes1@example.com'", [ws]);
    expect((await owner.client.get(`/api/v1/contacts/${ann!.id}/consent`)).body.items).toEqual([
      expect.objectContaining({ status: 'subscribed', source: 'import', importFile: 'agreed.csv', statedBy: expect.stringMatching(/^User \d+$/) }),
    ]);

    await importFile(owner.client, 'unknown.csv', 'Email\nno1@example.com\n', { consent: 'not_subscribed' });
    expect(await statusOf(ws, 'email', 'no1@example.com')).toBe('not_subscribed');

    // Without an answer, an import with an email column does not start.
    const upload = await owner.client.request('POST', '/api/v1/imports?kind=contacts', ...(await multipart('silent.csv', 'Email\nsilent@example.com\n')));
    const started = await owner.client.post(`/api/v1/imports/${upload.body.id}/start`, { mapping: upload.body.preview.suggestedMapping, newProperties: [] });
    expect(started.status).toBe(400);
    expect(JSON.stringify(started.body)).toMatch(/emailConsent|agreed/i);
    expect(await statusOf(ws, 'email', 'silent@example.com')).toBeUndefined();
  });

  it('the order import, identify and track never subscribe anyone on their own', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    const orders = 'Order ID,Customer ID,Email,Date,Total\n1,c1,buyer@example.com,2026-11-01,10.00\n2,c2,,2026-11-02,12.00\n';
    const { result } = await importFile(owner.client, 'orders.csv', orders, { kind: 'orders', consent: 'not_subscribed', body: { currency: 'GBP' } });
    expect(result.status).toBe('completed');
    expect(await statusOf(ws, 'external_id', 'c1')).toBe('not_subscribed');
    expect(await statusOf(ws, 'external_id', 'c2')).toBe('not_subscribed');

    const { key } = await t.h.apiKey(ws, 'ingest');
    const track = (batch: unknown[]) => t.h.app.inject({ method: 'POST', url: '/v1/batch', headers: { authorization: `Bearer ${key}` }, payload: { batch } });
    expect(
      (
        await track([
          { type: 'identify', userId: 'u1', traits: { email: 'tracked@example.com' } },
          { type: 'track', userId: 'u2', event: 'Signed Up' },
        ])
      ).statusCode,
    ).toBe(200);
    expect(await statusOf(ws, 'external_id', 'u1')).toBe('not_subscribed');
    expect(await statusOf(ws, 'external_id', 'u2')).toBe('not_subscribed');
  });
});

async function multipart(fileName: string, content: string): Promise<[Buffer, Record<string, string>]> {
  const { multipartFile } = await import('../testing/imports.ts');
  const { body, contentType } = await multipartFile(fileName, content);
  return [body, { 'content-type': contentType }];
}

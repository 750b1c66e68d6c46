// The consent question of the import (contacts and orders): asked whenever an email column is
// mapped, answered explicitly, applied by the rule (never to anyone without an address, never
// over an unsubscribe), and kept with who answered and when.
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile, upload } from '../testing/imports.ts';

const t = useHarness({ work: true });

const statuses = async (workspaceId: string) =>
  Object.fromEntries(
    (
      await t.h.db.query<{ who: string; email_status: string }>(
        'select coalesce(email, external_id, first_name) as who, email_status from contacts where workspace_id = $1',
        [workspaceId],
      )
    ).map((r) => [r.who, r.email_status]),
  );

const group = (condition: unknown) => ({ kind: 'group', op: 'and', children: [condition] });

describe('consent stated for an import', () => {
  it('refuses to start without an answer when an email column is mapped, and says what to send', async () => {
    const owner = await t.h.signUp();
    const uploaded = await upload(owner.client, 'list.csv', 'Kontakt,Vorname\nanna@beispiel.de,Anna\n');
    const started = await owner.client.post(`/api/v1/imports/${uploaded.body.id}/start`, { mapping: uploaded.body.preview.suggestedMapping });
    expect(started.status).toBe(400);
    expect(started.body.error).toMatchObject({
      message:
        'Say whether the people in this file agreed to receive marketing email: send emailConsent "subscribed" (they did) or "not_subscribed" (they did not, or you do not know).',
      details: [{ path: 'body.emailConsent', message: 'is required when a column is mapped to the email: "subscribed" or "not_subscribed"' }],
    });
    // Without an email column there is nobody to ask about.
    const ids = await upload(owner.client, 'ids.csv', 'Customer ID,First name\nc-1,Ann\n');
    expect((await owner.client.post(`/api/v1/imports/${ids.body.id}/start`, { mapping: ids.body.preview.suggestedMapping })).status).toBe(202);
  });

  it('"they agreed" subscribes new contacts with an address and existing ones who were not subscribed, never those who unsubscribed, nor anyone without an address', async () => {
    const owner = await t.h.signUp({ email: 'owner@shop.example' });
    const ws = owner.workspaceId;
    await owner.client.post('/api/v1/contacts', { email: 'known@example.com' });
    const left = (await owner.client.post('/api/v1/contacts', { email: 'left@example.com', emailStatus: 'subscribed' })).body;
    await owner.client.patch(`/api/v1/contacts/${left.id}`, { emailStatus: 'unsubscribed' });
    const csv = 'Email,First name,Customer ID\nnew@example.com,Nia,\nknown@example.com,Kim,\nleft@example.com,Lee,\n,Noemail,c-9\n';
    const { result } = await importFile(owner.client, 'agreed.csv', csv, { consent: 'subscribed' });
    expect(result).toMatchObject({
      outcome: 'imported',
      consent: { emailConsent: 'subscribed', via: 'web', statedBy: 'owner@shop.example', statedAt: expect.any(String) },
    });
    expect(await statuses(ws)).toEqual({
      'new@example.com': 'subscribed',
      'known@example.com': 'subscribed',
      'left@example.com': 'unsubscribed',
      'c-9': 'not_subscribed',
    });
  });

  it('"they did not" leaves everyone as they are and creates contacts not subscribed; an API key is recorded as the one who said it', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    await owner.client.post('/api/v1/contacts', { email: 'fan@example.com', emailStatus: 'subscribed' });
    const { client: api } = await t.h.apiKey(ws, 'full');
    const { result } = await importFile(api, 'crm.csv', 'Email\nfan@example.com\nfresh@example.com\n', { consent: 'not_subscribed' });
    expect(result.consent).toMatchObject({ emailConsent: 'not_subscribed', via: 'api', statedBy: expect.stringMatching(/^API key ".*" \(rap_/) });
    expect(await statuses(ws)).toEqual({ 'fan@example.com': 'subscribed', 'fresh@example.com': 'not_subscribed' });
  });

  it('the order import asks too when it has customer emails: customers with an address get the answer, those without are never subscribed', async () => {
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    const orders = 'Order ID,Customer ID,Customer Email,Order Date,Total,Country\n1,c1,buyer@example.com,2026-11-01,10.00,United Kingdom\n2,c2,,2026-11-02,12.00,Deutschland\n3,c3,third@example.com,2026-11-03,8.00,Channel Islands\n';
    const refused = await upload(owner.client, 'orders.csv', orders, 'orders');
    const noAnswer = await owner.client.post(`/api/v1/imports/${refused.body.id}/start`, { mapping: refused.body.preview.suggestedMapping, currency: 'GBP' });
    expect(noAnswer.status).toBe(400);
    expect(noAnswer.body.error.details[0].path).toBe('body.emailConsent');

    const { result } = await importFile(owner.client, 'orders.csv', orders, { kind: 'orders', consent: 'subscribed', body: { currency: 'GBP' } });
    expect(result).toMatchObject({ outcome: 'imported_with_problems', valuesLeftOut: 1, stats: { purchases: 3, customers: 3, orders: 3 } });
    expect(await statuses(ws)).toEqual({ 'buyer@example.com': 'subscribed', c2: 'not_subscribed', 'third@example.com': 'subscribed' });
    // The customer's country is a code, one the segment builder can pick.
    const countries = await t.h.db.query<{ external_id: string; country: string | null }>(
      "select external_id, properties ->> 'country' as country from contacts where workspace_id = $1 order by external_id",
      [ws],
    );
    expect(countries).toEqual([
      { external_id: 'c1', country: 'GB' },
      { external_id: 'c2', country: 'DE' },
      { external_id: 'c3', country: null },
    ]);
    expect((await owner.client.get(`/api/v1/imports/${result.id}/errors`)).body).toEqual([
      { rowNumber: 4, kind: 'left_out', column: 'Country', reason: 'Country: "Channel Islands" is not a country (a name like "Germany" or a code like "DE")', raw: '' },
    ]);
    const uk = await owner.client.post('/api/v1/segments/preview', { definition: group({ kind: 'field', field: 'properties.country', op: 'in', value: ['GB', 'DE'] }) });
    expect(uk.body.count, JSON.stringify(uk.body)).toBe(2);
    const bad = await owner.client.post('/api/v1/segments/preview', { definition: group({ kind: 'field', field: 'properties.country', op: 'eq', value: 'Germany' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual({ path: 'body.definition.children.0.value', message: '"Germany" is not a country code (two capital letters, like "GB")' });
    const listed = await owner.client.get(`/api/v1/contacts?filters=${encodeURIComponent(JSON.stringify([{ field: 'properties.country', op: 'eq', value: 'de' }]))}`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  });
});

describe('the workspace default country', () => {
  it('is set in the workspace settings and refused when it is not a country code', async () => {
    const owner = await t.h.signUp();
    expect((await owner.client.get('/api/v1/workspace')).body.defaultCountry).toBeNull();
    const set = await owner.client.patch('/api/v1/workspace', { defaultCountry: 'GB' });
    expect(set.status).toBe(200);
    expect(set.body.defaultCountry).toBe('GB');
    const bad = await owner.client.patch('/api/v1/workspace', { defaultCountry: 'United Kingdom' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ path: 'body.defaultCountry', message: 'must be a country code of two capital letters, like GB' }]);
    expect((await owner.client.patch('/api/v1/workspace', { defaultCountry: null })).body.defaultCountry).toBeNull();
  });
});

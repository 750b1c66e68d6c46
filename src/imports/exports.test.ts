// Importing exports as people make them (test/fixtures/exports/, written for these tests in
// the shape of Outlook, Excel and Thunderbird files): the mapping suggested for them, values
// that do not fit left out and listed, and imports that cannot work refused or called failures.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { fixture, importFile, upload, waitForImport } from '../testing/imports.ts';

const t = useHarness({ work: true });

async function contactsOf(workspaceId: string) {
  return t.h.db.query<Record<string, any>>(
    'select email, phone, first_name, last_name, properties, email_status from contacts where workspace_id = $1 order by email',
    [workspaceId],
  );
}
const propertyTypes = async (workspaceId: string) =>
  Object.fromEntries(
    (await t.h.db.query<{ key: string; type: string }>('select key, type from property_definitions where workspace_id = $1', [workspaceId])).map((d) => [d.key, d.type]),
  );
const problems = async (client: any, id: string) => (await client.get(`/api/v1/imports/${id}/errors?limit=1000`)).body;

describe('exports as people make them', () => {
  it('a German Outlook export: E-Mail-Adresse is the email, national mobile numbers read in the default country, countries stored as codes', async () => {
    const owner = await t.h.signUp();
    expect((await owner.client.patch('/api/v1/workspace', { defaultCountry: 'DE' })).body.defaultCountry).toBe('DE');
    const { preview, result } = await importFile(owner.client, 'Kontakte.CSV', fixture('exports/outlook-de.csv'), { acceptNewProperties: true, consent: 'subscribed' });
    expect(preview).toMatchObject({ encoding: 'windows-1252', delimiter: ',', hasHeader: true });
    const mapped = Object.fromEntries(preview.columns.map((c: string, i: number) => [c, preview.suggestedMapping[i]]));
    expect(mapped).toMatchObject({ 'E-Mail-Adresse': 'email', Vorname: 'first_name', Nachname: 'last_name', Mobiltelefon: 'phone' });
    const suggested = Object.fromEntries(preview.suggestedProperties.map((p: any) => [preview.columns[p.column], `${p.key} (${p.type})`]));
    expect(suggested).toMatchObject({
      Firma: 'company (string)',
      Position: 'job_title (string)',
      'Ort privat': 'city (string)',
      'Land/Region privat': 'country (country)',
      Geburtstag: 'birthday (date)',
      Notizen: 'notes (string)',
    });

    expect(result).toMatchObject({ outcome: 'imported_with_problems', createdCount: 3, skippedCount: 0, valuesLeftOut: 2 });
    const [anna, juergen, zoe] = await contactsOf(owner.workspaceId);
    expect(anna).toMatchObject({
      email: 'anna.schmidt@beispiel.de',
      first_name: 'Anna',
      last_name: 'Schmidt',
      phone: '+4915123456789',
      email_status: 'subscribed',
      properties: expect.objectContaining({ company: 'Bäckerei Schmidt GmbH', job_title: 'Inhaberin', city: 'München', country: 'DE', birthday: '1984-07-21', notes: 'Mag Roggenbrot.' }),
    });
    // Outlook's "0.0.00" is no birthday, not a bad one.
    expect(juergen).toMatchObject({ email: 'j.mueller@beispiel.at', first_name: 'Jürgen', phone: '+436641234567', properties: expect.objectContaining({ country: 'AT' }) });
    expect(juergen!.properties.birthday).toBeUndefined();
    expect(zoe).toMatchObject({ email: 'zoe.keller@beispiel.ch', phone: null, properties: expect.objectContaining({ birthday: '1979-12-03', company: 'Keller & Söhne AG' }) });
    expect(zoe!.properties.country).toBeUndefined();
    expect(await problems(owner.client, result.id)).toEqual([
      { rowNumber: 4, kind: 'left_out', column: 'Mobiltelefon', reason: '"0151 234567890123" is not a phone number', raw: expect.stringContaining('Zoë') },
      { rowNumber: 4, kind: 'left_out', column: 'Land/Region privat', reason: 'Country: "Bayern" is not a country (a name like "Germany" or a code like "DE")', raw: expect.stringContaining('Zoë') },
    ]);
    expect(await propertyTypes(owner.workspaceId)).toMatchObject({ country: 'country', birthday: 'date', land_region_geschaftlich: 'country' });
  });

  it('a French export re-saved by Excel: Adresse de messagerie, a row with a bad birthday and a national phone number is kept and reported', async () => {
    const owner = await t.h.signUp();
    const { preview, result } = await importFile(owner.client, 'contacts.csv', fixture('exports/outlook-fr.csv'), { acceptNewProperties: true });
    expect(preview).toMatchObject({ encoding: 'UTF-8', delimiter: ';' });
    const mapped = Object.fromEntries(preview.columns.map((c: string, i: number) => [c, preview.suggestedMapping[i]]));
    expect(mapped).toMatchObject({ 'Adresse de messagerie': 'email', Prénom: 'first_name', Nom: 'last_name', 'Tél. mobile': 'phone' });
    expect(result).toMatchObject({ outcome: 'imported_with_problems', createdCount: 3, skippedCount: 0, valuesLeftOut: 2 });
    const rows = await contactsOf(owner.workspaceId);
    expect(rows.map((r) => [r.email, r.first_name, r.last_name, r.phone, r.properties.country, r.properties.birthday ?? null, r.email_status])).toEqual([
      ['camille.lefevre@exemple.fr', 'Camille', 'Lefèvre', '+33612345678', 'FR', '1990-02-14', 'not_subscribed'],
      // Row 3: its phone has no country code (and the workspace has no default country), its
      // birthday is 31 April; the row is imported without them.
      ['eric.dubois@exemple.be', 'Éric', 'Dubois', null, 'BE', null, 'not_subscribed'],
      ['sophie.martin@exemple.co.uk', 'Sophie', 'Martin', '+447911123457', 'GB', null, 'not_subscribed'],
    ]);
    const listed = await problems(owner.client, result.id);
    expect(listed.map((p: any) => [p.rowNumber, p.kind, p.column])).toEqual([
      [3, 'left_out', 'Tél. mobile'],
      [3, 'left_out', 'Anniversaire'],
    ]);
    expect(listed[0].reason).toBe('"06 12 34 56 78" is not a phone number (write it with its country code, like +44…, or set the default country in Settings › Workspace)');
    const csv = String((await owner.client.get(`/api/v1/imports/${result.id}/errors.csv`)).body).trim().split('\n');
    expect(csv[0]).toBe('row,what happened,column,reason,original row');
    expect(csv[1]).toMatch(/^3,value left out,Tél. mobile,"""06 12 34 56 78"" is not a phone number/);
    expect(csv[2]).toMatch(/^3,value left out,Anniversaire,"Birthday: ""31\/04\/1985"" is not a date",/);
  });

  it('a list whose email column is headed "Kontakt": the addresses are found by their values', async () => {
    const owner = await t.h.signUp();
    const { preview, result } = await importFile(owner.client, 'kontaktliste.csv', fixture('exports/kontaktliste.csv'), { acceptNewProperties: true });
    expect(preview.suggestedMapping.slice(0, 3)).toEqual(['name', 'email', 'phone']);
    expect(preview.suggestedProperties).toEqual([{ column: 3, key: 'kundin_seit', label: 'Kundin seit', type: 'date' }]);
    expect(result).toMatchObject({ outcome: 'imported', createdCount: 3 });
    expect((await contactsOf(owner.workspaceId)).map((r) => [r.email, r.first_name, r.last_name, r.properties.kundin_seit])).toEqual([
      ['ida.wolf@beispiel.de', 'Ida', 'Wolf', '2023-02-01'],
      ['lena.vogel@beispiel.de', 'Lena', 'Vogel', '2021-05-03'],
      ['tom.becker@beispiel.de', 'Tom', 'Becker', '2022-11-17'],
    ]);
  });

  it('a Thunderbird export: Birth Year, Month and Day make one birthday; without a year, a month and a day; 30 February is reported', async () => {
    const owner = await t.h.signUp();
    const { preview, result } = await importFile(owner.client, 'thunderbird.csv', fixture('exports/thunderbird-birthdays.csv'), { acceptNewProperties: true });
    expect(preview.suggestedMapping.slice(29, 32)).toEqual(['birthday.year', 'birthday.month', 'birthday.day']);
    expect(result).toMatchObject({ outcome: 'imported_with_problems', createdCount: 4, valuesLeftOut: 1 });
    const byEmail = Object.fromEntries((await contactsOf(owner.workspaceId)).map((r) => [r.email, r.properties]));
    expect(byEmail['ruth.baker@example.org']).toMatchObject({ birthday: '1984-07-21', country: 'GB', city: 'Leeds' });
    expect((await contactsOf(owner.workspaceId)).find((r) => r.email === 'ruth.baker@example.org')!.phone).toBe('+447400123456');
    expect(byEmail['olu@example.org']).toMatchObject({ birthday_month: 12, birthday_day: 3, country: 'NG', notes: 'Met at the Leeds market' });
    expect(byEmail['kenji.sato@example.jp']).toEqual({ country: 'JP' });
    expect(byEmail['mia.jones@example.org']).toEqual({});
    expect(await problems(owner.client, result.id)).toEqual([
      { rowNumber: 5, kind: 'left_out', column: 'Birth Month', reason: 'Birthday: 1990-2-30 is not a date', raw: expect.stringContaining('Mia') },
    ]);
    expect(await propertyTypes(owner.workspaceId)).toMatchObject({ birthday: 'date', birthday_month: 'number', birthday_day: 'number', country: 'country' });
  });

  it('a file with no column that says who each person is is refused before it starts, with what to map', async () => {
    const owner = await t.h.signUp();
    const uploaded = await upload(owner.client, 'names.csv', 'First name,Last name,City\nAnna,Schmidt,Berlin\nAnna,Schmidt,Berlin\n');
    const started = await owner.client.post(`/api/v1/imports/${uploaded.body.id}/start`, { mapping: uploaded.body.preview.suggestedMapping });
    expect(started.status).toBe(400);
    expect(started.body.error.message).toBe(
      'The mapping needs a column for the email or the external ID: without one, every row becomes a new contact, and importing the file again would add everyone a second time.',
    );
    expect(started.body.error.details).toContainEqual({ path: 'body.mapping', message: expect.stringMatching(/^needs a column for the email or the external ID/) });
    expect((await owner.client.get(`/api/v1/imports/${uploaded.body.id}`)).body.status).toBe('uploaded');
    const [n] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contacts where workspace_id = $1', [owner.workspaceId]);
    expect(n!.n).toBe(0);
  });

  it('a property is created only when an imported row uses it', async () => {
    const owner = await t.h.signUp();
    const csv = 'Email,Tier,Fax\nann@example.com,Gold,\nnot-an-address,Silver,+44 20 7946 0000\n';
    const { result } = await importFile(owner.client, 'tiers.csv', csv, { acceptNewProperties: true });
    expect(result).toMatchObject({ createdCount: 1, skippedCount: 1 });
    // "Fax" had a value only in the row that was skipped: no property for it.
    expect(await propertyTypes(owner.workspaceId)).toEqual({ tier: 'string' });
  });

  it('an import that imports nothing is a failure with the reason, not "complete"', async () => {
    const owner = await t.h.signUp();
    const ragged = await importFile(owner.client, 'ragged.csv', 'email,first name,last name\nann@example.com,Ann\nbob@example.com,Bob\n');
    expect(ragged.result).toMatchObject({
      status: 'completed',
      outcome: 'nothing_imported',
      outcomeReason: 'No contact was imported: all 2 rows were skipped. Most often (2 rows): has 2 fields where the file has 3 columns (row 2, for example).',
    });
    const empty = await importFile(owner.client, 'header-only.csv', 'email,first name\n');
    expect(empty.result).toMatchObject({ outcome: 'nothing_imported', outcomeReason: 'The file has no rows to import: only column names, or empty lines.' });
    const orders = await importFile(owner.client, 'orders.csv', 'Order ID,Customer ID,Order Date,Total\n1001,,2024-03-01,19.90\n1002,,2024-03-02,5.00\n', {
      kind: 'orders',
      body: { currency: 'EUR' },
    });
    expect(orders.result).toMatchObject({
      outcome: 'nothing_imported',
      outcomeReason: 'No order was imported: none of the 2 order lines names a customer (a customer ID or email). Map the column that says who bought.',
    });
  });

  it('progress of a compressed file is counted in bytes of the file as uploaded', async () => {
    const owner = await t.h.signUp();
    const lines = ['email,first name'];
    for (let i = 0; i < 3000; i++) lines.push(`person${i}@example.com,Person ${i}`);
    const gz = gzipSync(lines.join('\n'));
    const uploaded = await upload(owner.client, 'people.csv.gz', gz);
    expect(uploaded.body).toMatchObject({ fileSize: gz.length, bytesRead: 0, phase: null });
    await owner.client.post(`/api/v1/imports/${uploaded.body.id}/start`, { mapping: ['email', 'first_name'], emailConsent: 'not_subscribed' });
    const done = await waitForImport(owner.client, uploaded.body.id);
    expect(done).toMatchObject({ outcome: 'imported', createdCount: 3000, bytesRead: gz.length });
  });
});

import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile, messy, upload } from '../testing/imports.ts';

const t = useHarness({ work: true });

async function contactsOf(workspaceId: string) {
  return t.h.db.query<Record<string, any>>(
    'select email, external_id, phone, first_name, last_name, properties, email_status from contacts where workspace_id = $1 order by email nulls last, first_name',
    [workspaceId],
  );
}

describe('importing the messy address books', () => {
  it('Thunderbird CSV exports (comma, semicolon, no header, UTF-16, Shift-JIS) give the contacts Thunderbird expects', async () => {
    const cases: [string, string, { email: string; first_name: string; last_name: string }[]][] = [
      ['thunderbird/basic_csv_addressbook.csv', 'UTF-8', [
        { email: 'jane@doe.invalid', first_name: 'Jane', last_name: 'Doe' },
        { email: 'john@doe.invalid', first_name: 'John', last_name: 'Doe' },
      ]],
      ['thunderbird/csv_semicolon.csv', 'UTF-8', [
        { email: 'jane@doe.invalid', first_name: 'Jane', last_name: 'Doe' },
        { email: 'john@doe.invalid', first_name: 'John', last_name: 'Doe' },
      ]],
      ['thunderbird/utf16_addressbook.csv', 'UTF-16LE', [{ email: 'johndoe@host.invalid', first_name: 'John', last_name: 'Doe' }]],
      ['thunderbird/basic_addressbook.csv', 'UTF-8', [{ email: 'johndoe@host.invalid', first_name: 'John', last_name: 'Doe' }]],
      ['thunderbird/shiftjis_addressbook.csv', 'Shift_JIS', [{ email: '名無しの権兵衛@host.invalid', first_name: '権兵衛', last_name: '名無し' }]],
    ];
    for (const [file, encoding, expected] of cases) {
      const owner = await t.h.signUp();
      const { preview, result } = await importFile(owner.client, file.split('/')[1]!, messy(file));
      expect(preview.encoding, file).toBe(encoding);
      expect(result, file).toMatchObject({ status: 'completed', createdCount: expected.length, skippedCount: 0 });
      const rows = await contactsOf(owner.workspaceId);
      expect(rows.map((r) => ({ email: r.email, first_name: r.first_name, last_name: r.last_name })), file).toEqual(expected);
    }
  });

  it('a file without a header row imports with the mapping the person chooses', async () => {
    const owner = await t.h.signUp();
    const { preview, result } = await importFile(owner.client, 'csv_no_header.csv', messy('thunderbird/csv_no_header.csv'), {
      mapping: () => ['ignore', 'first_name', 'last_name', 'email'],
    });
    expect(preview.hasHeader).toBe(false);
    expect(preview.suggestedMapping).toEqual(['ignore', 'ignore', 'ignore', 'email']);
    expect(result.createdCount).toBe(2);
    expect((await contactsOf(owner.workspaceId)).map((r) => `${r.first_name} ${r.last_name} <${r.email}>`)).toEqual([
      'Jane Doe <jane@doe.invalid>',
      'John Doe <john@doe.invalid>',
    ]);
  });

  it('quoted fields with line breaks, tabs and doubled quotes survive, in CSV and tab-separated exports', async () => {
    for (const file of ['export.csv', 'export.txt']) {
      const owner = await t.h.signUp();
      const { preview, result } = await importFile(owner.client, file, messy(`thunderbird/${file}`), { acceptNewProperties: true });
      expect(preview.delimiter).toBe(file.endsWith('.txt') ? '\t' : ',');
      expect(result.createdCount).toBe(2);
      const [one, two] = await contactsOf(owner.workspaceId);
      expect(one).toMatchObject({ email: 'contact1@invalid', first_name: 'contact', last_name: 'one' });
      expect(two!.properties).toEqual({
        job_title: '"worker"',
        custom_1: 'custom, 1',
        custom_2: 'custom\t2',
        custom_3: 'custom\r3',
        custom_4: 'custom\n4',
        notes: 'here’s some unicode text…'.replace('’', "'"),
      });
    }
  });

  it('a contact with only a name and a work phone (quote.csv) is kept', async () => {
    const owner = await t.h.signUp();
    const { result } = await importFile(owner.client, 'quote.csv', messy('thunderbird/quote.csv'), { acceptNewProperties: true });
    expect(result.createdCount).toBe(1);
    const [acer] = await contactsOf(owner.workspaceId);
    // "Organization" is the company, as "Firma" or "Société" would be.
    expect(acer).toMatchObject({ email: null, first_name: 'Acer', last_name: 'America', properties: { work_phone: '(800) 000-0000', company: 'Acer America' } });
  });

  it('rows split by another delimiter than the rest are reported, the others kept', async () => {
    const owner = await t.h.signUp();
    const { preview, result } = await importFile(owner.client, 'tab_comma_mixed.csv', messy('thunderbird/tab_comma_mixed.csv'), {
      mapping: () => ['external_id', 'first_name', 'last_name', 'ignore', 'email'],
    });
    expect(preview.delimiter).toBe('\t');
    expect(result).toMatchObject({ createdCount: 3, skippedCount: 1 });
    const errors = (await owner.client.get(`/api/v1/imports/${result.id}/errors`)).body;
    expect(errors).toEqual([
      { rowNumber: 1, kind: 'skipped', column: null, reason: 'has 1 field where the file has 5 columns', raw: expect.stringContaining('1@host.invalid') },
    ]);
    expect((await contactsOf(owner.workspaceId)).map((r) => r.email)).toEqual(['2@host.invalid', '3@host.invalid', '4@host.invalid']);
  });

  it('Chatwoot: existing contacts update; a duplicate email, a too-short phone and ragged rows are reported with row numbers; undo restores', async () => {
    const owner = await t.h.signUp();
    const first = await importFile(owner.client, 'existing_contacts.csv', messy('chatwoot/existing_contacts.csv'));
    expect(first.result).toMatchObject({ createdCount: 3, updatedCount: 0, skippedCount: 0 });
    const second = await importFile(owner.client, 'invalid_contacts.csv', messy('chatwoot/invalid_contacts.csv'));
    expect(second.result).toMatchObject({ status: 'completed', createdCount: 0, updatedCount: 2, skippedCount: 23, processedRows: 25 });
    const errors = (await owner.client.get(`/api/v1/imports/${second.result.id}/errors?limit=100`)).body as { rowNumber: number; reason: string }[];
    expect(errors).toHaveLength(23);
    // Row numbers as a spreadsheet shows them: the header is row 1.
    expect(errors[0]).toMatchObject({ rowNumber: 4, reason: expect.stringContaining('"+91848484848" is not a phone number') });
    expect(errors[1]).toMatchObject({ rowNumber: 5, reason: 'has 7 fields where the file has 8 columns' });
    const phones = async () => (await contactsOf(owner.workspaceId)).map((r) => r.phone);
    expect(await phones()).toEqual(['+918484848484', '+918484848485', '+918080808082']);

    const csv = await owner.client.get(`/api/v1/imports/${second.result.id}/errors.csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(String(csv.body).split('\n')[0]).toBe('row,what happened,column,reason,original row');
    expect(String(csv.body).trim().split('\n')).toHaveLength(24);

    const undo = await owner.client.post(`/api/v1/imports/${second.result.id}/undo`);
    expect(undo.status).toBe(202);
    await waitUntil(async () => (await owner.client.get(`/api/v1/imports/${second.result.id}`)).body.status === 'undone');
    expect(await phones()).toEqual(['+918080808080', '+918080808081', '+918080808082']);
    // Undoing the first import removes the contacts it created: destroying contacts, which a
    // marketer may not do (as deleting them), and which is recorded with who asked.
    const marketer = await t.h.signUp();
    await t.h.db.query("insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'marketer')", [owner.workspaceId, marketer.userId]);
    const asMarketer = await t.h.signIn(marketer.userId, owner.workspaceId);
    expect((await asMarketer.post(`/api/v1/imports/${first.result.id}/undo`)).status).toBe(403);
    expect((await owner.client.get(`/api/v1/imports/${first.result.id}`)).body.status).toBe('completed');
    await owner.client.post(`/api/v1/imports/${first.result.id}/undo`);
    await waitUntil(async () => (await owner.client.get(`/api/v1/imports/${first.result.id}`)).body.status === 'undone');
    expect(await contactsOf(owner.workspaceId)).toEqual([]);
    const deletions = (await owner.client.get('/api/v1/contacts/deletions')).body.items;
    expect(deletions).toEqual([expect.objectContaining({ kind: 'import-undo', deleted: 3, selection: { importId: first.result.id }, userId: owner.userId })]);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bad input to the import API', () => {
  it('says what to fix and keeps the data there', async () => {
    const owner = await t.h.signUp();
    const none = await owner.client.request('POST', '/api/v1/imports', '{}', { 'content-type': 'application/json' });
    expect(none.status).toBe(415);
    const empty = await upload(owner.client, 'empty.csv', '');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/empty/);
    const badKind = await owner.client.request('POST', '/api/v1/imports?kind=people', '', {});
    expect(badKind.status).toBe(400);

    const ok = await upload(owner.client, 'a.csv', 'email,first name\nann@example.com,Ann\n');
    const short = await owner.client.post(`/api/v1/imports/${ok.body.id}/start`, { mapping: ['email'] });
    expect(short.status).toBe(400);
    expect(short.body.error.details[0]).toEqual({ path: 'body.mapping', message: 'must have one target per column: the file has 2 columns' });
    const unknown = await owner.client.post(`/api/v1/imports/${ok.body.id}/start`, { mapping: ['email', 'properties.nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].path).toBe('body.mapping.1');
    const twice = await owner.client.post(`/api/v1/imports/${ok.body.id}/start`, { mapping: ['email', 'email'] });
    expect(twice.body.error.details[0].message).toMatch(/already the target of column 1/);

    const other = await t.h.signUp();
    expect((await other.client.get(`/api/v1/imports/${ok.body.id}`)).status).toBe(404);
    expect((await other.client.post(`/api/v1/imports/${ok.body.id}/start`, { mapping: ['email', 'first_name'] })).status).toBe(404);
    expect((await other.client.get('/api/v1/imports')).body).toEqual([]);
  });
});

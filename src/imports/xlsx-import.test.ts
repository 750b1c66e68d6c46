import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile } from '../testing/imports.ts';

const t = useHarness({ work: true });

async function workbook(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Customers');
  for (const r of rows) sheet.addRow(r);
  wb.addWorksheet('Notes').addRow(['not imported']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('importing an Excel workbook', () => {
  it('reads the first sheet with typed cells (numbers, dates, booleans) into typed properties', async () => {
    const owner = await t.h.signUp();
    const file = await workbook([
      ['E-mail Address', 'Given Name', 'Family Name', 'Mobile Phone', 'Lifetime Spend', 'Member Since', 'VIP'],
      ['ada@example.com', 'Ada', 'Lovelace', '+44 20 7946 0958', 1234.5, new Date(Date.UTC(2021, 2, 5)), true],
      ['grace@example.com', 'Grace', 'Hopper', '', 99, new Date(Date.UTC(2022, 10, 30)), false],
      [],
      ['not-an-email', 'Bad', 'Row', '', 'lots', '', ''],
    ]);
    const { preview, result } = await importFile(owner.client, 'customers.xlsx', file, {
      acceptNewProperties: true,
      // "lots" in one row makes the column look like text; the person says it is a number.
      editProperties: (props) => props.map((p) => (p.key === 'lifetime_spend' ? { ...p, type: 'number' } : p)),
    });
    expect(preview.format).toBe('xlsx');
    expect(preview.suggestedMapping.slice(0, 4)).toEqual(['email', 'first_name', 'last_name', 'phone']);
    expect(preview.suggestedProperties.map((p: { key: string; type: string }) => [p.key, p.type])).toEqual([
      ['lifetime_spend', 'string'],
      ['member_since', 'date'],
      ['vip', 'boolean'],
    ]);
    expect(result).toMatchObject({ status: 'completed', createdCount: 2, skippedCount: 1 });
    const rows = await t.h.db.query<Record<string, any>>('select email, phone, properties from contacts where workspace_id = $1 order by email', [owner.workspaceId]);
    expect(rows).toEqual([
      { email: 'ada@example.com', phone: '+442079460958', properties: { lifetime_spend: 1234.5, member_since: '2021-03-05', vip: true } },
      { email: 'grace@example.com', phone: null, properties: { lifetime_spend: 99, member_since: '2022-11-30', vip: false } },
    ]);
    const errors = (await owner.client.get(`/api/v1/imports/${result.id}/errors`)).body;
    // The email is the row's only identity: without it the row would become a nameless new contact.
    expect(errors).toEqual([
      { rowNumber: 5, kind: 'skipped', column: null, reason: '"not-an-email" is not an email address; Lifetime Spend: "lots" is not a number', raw: expect.any(String) },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile, upload } from '../testing/imports.ts';
import { rowXml, sheetXml, workbookEntries, zip } from '../testing/zip.ts';

const t = useHarness({ work: true });

const people = rowXml(1, [['A1', 'email'], ['B1', 'name']]) + rowXml(2, [['A2', 'ada@example.com'], ['B2', 'Ada']]);

async function refused(fileName: string, content: Buffer) {
  const owner = await t.h.signUp();
  const res = await upload(owner.client, fileName, content);
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(await t.h.db.query('select id from imports where workspace_id = $1', [owner.workspaceId])).toEqual([]);
  return res.body.error as { code: string; message: string };
}

describe('a hostile workbook', () => {
  it('a workbook written by hand (the fixtures below differ from it in one way each) imports', async () => {
    const owner = await t.h.signUp();
    const { result } = await importFile(owner.client, 'people.xlsx', await zip(workbookEntries(sheetXml(people))));
    expect(result).toMatchObject({ status: 'completed', createdCount: 1 });
  });

  it('an .xlsx that is not a zip, or a broken one, is refused with what to do', async () => {
    expect((await refused('contacts.xlsx', Buffer.from('email,name\nada@example.com,Ada\n'))).message).toMatch(/is not an Excel workbook/);
    expect((await refused('contacts.xlsx', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(3000, 0x41)]))).message).toMatch(/is not an Excel workbook/);
    const good = await zip(workbookEntries(sheetXml(people)));
    expect((await refused('cut.xlsx', good.subarray(0, Math.floor(good.length / 2)))).message).toMatch(/is not an Excel workbook|cut off/);
    // A zip that is not a workbook.
    expect((await refused('photos.xlsx', await zip([{ name: 'photo.txt', content: 'hello' }]))).message).toMatch(/no worksheet/);
  });

  it('an impossible cell reference is refused, naming the cell', async () => {
    const cases: [number, string, RegExp][] = [
      [0, 'A0', /a row 0,/],
      [2, 'XFE2', /a cell in column "XFE"/],
      [1_048_577, 'A1048577', /a row 1,048,577,/],
      [9, 'ZZZZZZZZ9', /column "ZZZZZZZZ"/],
    ];
    for (const [row, ref, named] of cases) {
      const sheet = sheetXml(rowXml(1, [['A1', 'email']]) + rowXml(row, [[ref, 'ada@example.com']]));
      const error = await refused('cells.xlsx', await zip(workbookEntries(sheet)));
      expect(error.message, ref).toMatch(named);
    }
  });

  it('a zip bomb (parts that expand past the limit, or lie about their size) is refused before it is expanded', async () => {
    // 16 MB of compressed-to-nothing spaces repeated: 260 MB expanded, about 250 kB on the wire.
    const bomb = { repeat: ' '.repeat(1024 * 1024), times: 260 };
    const declared = await zip(workbookEntries(sheetXml(people), bomb));
    const memory = process.memoryUsage().rss;
    expect((await refused('bomb.xlsx', declared)).message).toMatch(/expands to 260 MB/);
    // The same part claiming to be 1 kB: the bytes are counted as they are expanded.
    const lying = await zip(workbookEntries(sheetXml(people), { ...bomb }).map((e) => (e.name === 'xl/sharedStrings.xml' ? { ...e, declaredSize: 1024 } : e)));
    expect((await refused('liar.xlsx', lying)).message).toMatch(/more than it says/);
    // A part its table of contents does not list (ExcelJS reads the archive as a stream: it would read it).
    const hidden = await zip([{ name: 'xl/sharedStrings.xml', content: bomb, unlisted: true }, ...workbookEntries(sheetXml(people))]);
    expect((await refused('hidden.xlsx', hidden)).message).toMatch(/does not list/);
    expect(process.memoryUsage().rss - memory).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);
});

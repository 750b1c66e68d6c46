import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { safeCell } from '../shared/csv-writer.ts';
import { upsertContacts } from '../contacts/upsert.ts';

const t = useHarness();

describe('CSV export', () => {
  it('streams the contacts a search and filters select, in keyset batches, with every column and property', async () => {
    const { client: c, workspaceId } = await t.h.signUp();
    await c.post('/api/v1/properties', { label: 'Plan', type: 'enum', options: ['free', 'pro'] });
    await c.post('/api/v1/properties', { label: 'Spend', type: 'number' });
    await c.post('/api/v1/properties', { key: 'id', label: 'Legacy id', type: 'string' });
    const inputs = Array.from({ length: 3500 }, (_, i) => ({
      email: `person${i}@shop.test`,
      firstName: `Person ${i}`,
      properties: { plan: i % 3 === 0 ? 'pro' : 'free', spend: i, id: `L${i}` },
    }));
    await t.h.db.transaction((tx) => upsertContacts(tx, workspaceId, inputs, { now: t.h.clock.now(), source: 'api', defaultEmailStatus: 'subscribed' }));

    const queries: string[] = [];
    const db = t.h.ctx.db;
    const original = db.query.bind(db);
    db.query = (async (text: string, params?: unknown[]) => {
      queries.push(text);
      return original(text, params);
    }) as typeof db.query;
    let res;
    try {
      const filters = JSON.stringify([{ field: 'properties.plan', op: 'eq', value: 'pro' }]);
      res = await c.get(`/api/v1/contacts/export.csv?filters=${encodeURIComponent(filters)}&sort=email&order=asc`);
    } finally {
      db.query = original;
    }
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body.startsWith('\ufeff')).toBe(true);
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const expected = inputs.filter((x) => x.properties.plan === 'pro');
    expect(rows).toHaveLength(expected.length);
    expect(rows.map((r) => r.email)).toEqual(expected.map((x) => x.email).sort());
    expect(Object.keys(rows[0]!)).toEqual([
      'id', 'email', 'external_id', 'phone', 'first_name', 'last_name', 'lifecycle_stage', 'email_status', 'created_at', 'updated_at',
      'properties.id', 'plan', 'spend',
    ]);
    const p3 = rows.find((r) => r.email === 'person3@shop.test')!;
    expect(p3).toMatchObject({ first_name: 'Person 3', plan: 'pro', spend: '3', 'properties.id': 'L3', email_status: 'subscribed', external_id: '' });
    // Read in batches of 1,000 rows (then the segment of contacts without an email), not all at once.
    const batches = queries.filter((q) => q.includes('sort_key'));
    expect(batches.filter((q) => q.includes('is not null'))).toHaveLength(Math.ceil(expected.length / 1000));
    expect(batches).toHaveLength(Math.ceil(expected.length / 1000) + 1);
  });

  it('exports everything without filters, and refuses a bad filter before sending a byte', async () => {
    const { client: c } = await t.h.signUp();
    await c.post('/api/v1/contacts', { email: 'one@x.test', firstName: '=HYPERLINK("http://evil","click")', phone: '+447911123456' });
    await c.post('/api/v1/contacts', { email: 'two@x.test', lastName: '-12' });
    const res = await c.get('/api/v1/contacts/export.csv');
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.email).sort()).toEqual(['one@x.test', 'two@x.test']);
    const one = rows.find((r) => r.email === 'one@x.test')!;
    expect(one.first_name).toBe('\'=HYPERLINK("http://evil","click")');
    expect(one.phone).toBe('+447911123456');
    expect(rows.find((r) => r.email === 'two@x.test')!.last_name).toBe('-12');

    const bad = await c.get(`/api/v1/contacts/export.csv?filters=${encodeURIComponent('[{"field":"properties.nope","op":"eq","value":1}]')}`);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/json');
  });

  it('defuses spreadsheet formulas but leaves numbers and phone numbers alone', () => {
    expect(safeCell('=1+1')).toBe("'=1+1");
    expect(safeCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(safeCell('+cmd|calc')).toBe("'+cmd|calc");
    expect(safeCell('-2+3')).toBe("'-2+3");
    expect(safeCell('-12.5')).toBe('-12.5');
    expect(safeCell('+44 7700 900123')).toBe('+44 7700 900123');
    expect(safeCell('plain')).toBe('plain');
  });
});

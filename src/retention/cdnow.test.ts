// The published results, reproduced through the path a user takes: the CDNOW transactions
// (test/fixtures/cdnow/, with their licence) imported by the order importer, summarised by the
// purchase model in SQL, fitted by `rapport retention fit`'s code.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { rapportIn } from '../testing/cli.ts';
import { useHarness } from '../testing/harness.ts';
import { importFile } from '../testing/imports.ts';
import { DAYS_PER_UNIT } from './definitions.ts';
import { bgnbd, paretonbd } from './models/index.ts';
import { frequencyRows, spendRows } from './summaries.ts';

const t = useHarness({ work: true });
const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/cdnow/${name}`, import.meta.url), 'utf8');

/** CDNOW_sample.txt (master id, sample id, YYYYMMDD, CDs, dollars) as an order export: one order per line. */
function ordersCsv(): string {
  const lines = fixture('CDNOW_sample.txt').trim().split(/\r?\n/);
  const rows = lines.map((line, i) => {
    const [, id, date, cds, dollars] = line.trim().split(/\s+/);
    return `${Number(id)},${Number(id)}-${i + 1},${date!.slice(0, 4)}-${date!.slice(4, 6)}-${date!.slice(6, 8)},${cds},${dollars}`;
  });
  return `Customer ID,Order ID,Order Date,Quantity,Total\n${rows.join('\n')}\n`;
}

const rapport = (...argv: string[]) => rapportIn(t.h, ...argv);

const published = parse(fixture('cdnow_customers_summary_with_transactions.csv'), { columns: true, cast: true }) as { ID: number; x: number; t_x: number; T: number; zbar: number }[];

describe('the retention models on the CDNOW data (Fader, Hardie & Lee 2005)', () => {
  let workspaceId: string;
  // What `rapport retention fit --json` printed.
  let fit: any;

  beforeAll(async () => {
    const owner = await t.h.signUp();
    workspaceId = owner.workspaceId;
    const { preview, result } = await importFile(owner.client, 'cdnow.csv', ordersCsv(), { kind: 'orders', body: { currency: 'USD' } });
    expect(preview.suggestedMapping).toEqual(['customer_id', 'order_id', 'ordered_at', 'quantity', 'order_total']);
    expect(result).toMatchObject({ status: 'completed', createdCount: 2357 });
    const [ws] = await t.h.db.query<{ name: string }>('select name from workspaces where id = $1', [workspaceId]);
    const run = await rapport('retention', 'fit', '--workspace', ws!.name, '--until', '1997-09-30', '--json');
    expect(run.code, run.err).toBe(0);
    fit = JSON.parse(run.out);
    const human = await rapport('retention', 'fit', '--workspace', ws!.name, '--until', '1997-09-30');
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/BG\/NBD +r +0\.24\d\d/);
    expect(human.out).toMatch(/Holdout check: fitted up to 1997-0\d-\d\d/);
  }, 300_000);

  it('summarises every customer as the published summary does: repeat purchase days, recency and age in weeks, mean repeat spend', async () => {
    // The summaries come grouped; the published file lists customers one by one.
    const rows = await frequencyRows(t.h.db, { workspaceId, until: '1997-09-30', since: null });
    const key = (x: number, tx: number, T: number) => `${x}:${tx.toFixed(2)}:${T.toFixed(2)}`;
    const ours = new Map<string, number>();
    for (const r of rows) ours.set(key(r.x, r.tx / DAYS_PER_UNIT, r.T / DAYS_PER_UNIT), r.n);
    const theirs = new Map<string, number>();
    for (const p of published) theirs.set(key(p.x, p.t_x, p.T), (theirs.get(key(p.x, p.t_x, p.T)) ?? 0) + 1);
    expect(ours).toEqual(theirs);

    const spend = await spendRows(t.h.db, { workspaceId, until: '1997-09-30', since: null });
    const ourSpend = new Map<string, number>();
    // The mean in cents, rounded half up as the published file is (35.175 → 35.18).
    const mean = (r: { x: number; sum: number }) => `${r.x}:${(Math.round(r.sum / r.x) / 100).toFixed(2)}`;
    for (const r of spend) ourSpend.set(mean(r), (ourSpend.get(mean(r)) ?? 0) + r.n);
    const theirSpend = new Map<string, number>();
    for (const p of published.filter((p) => p.x > 0)) theirSpend.set(`${p.x}:${p.zbar.toFixed(2)}`, (theirSpend.get(`${p.x}:${p.zbar.toFixed(2)}`) ?? 0) + 1);
    expect(ourSpend).toEqual(theirSpend);
  });

  it('BG/NBD gives the published parameters and log-likelihood (r 0.243, α 4.414, a 0.793, b 2.426, LL −9582.4)', () => {
    const m = fit.bgnbd;
    expect(m.r).toBeCloseTo(0.243, 3);
    expect(m.alpha).toBeCloseTo(4.414, 2);
    expect(m.a).toBeCloseTo(0.793, 3);
    expect(m.b).toBeCloseTo(2.426, 2);
    expect(m.loglik).toBeCloseTo(-9582.4, 1);
    for (const v of Object.values(m.se)) expect(v).toBeGreaterThan(0);
  });

  it('and the published conditional expectation: x = 2, t_x = 30.43, T = 38.86 weeks, over the next 39 weeks, 1.226', () => {
    const { r, alpha, a, b } = fit.bgnbd;
    expect(bgnbd.conditionalExpected({ r, alpha, a, b }, 39, 2, 30.43, 38.86)).toBeCloseTo(1.226, 3);
  });

  it('Pareto/NBD gives the published parameters (r 0.5534, α 10.5802, s 0.6061, β 11.6562, LL −9595.0)', () => {
    const m = fit.paretonbd;
    expect(m.r).toBeCloseTo(0.5534, 2);
    expect(m.alpha).toBeCloseTo(10.5802, 0);
    expect(m.s).toBeCloseTo(0.6061, 1);
    expect(m.beta).toBeCloseTo(11.6562, -1);
    expect(m.loglik).toBeCloseTo(-9595.0, 0);
  });

  it('Gamma-Gamma gives the published parameters in dollars (p 6.25, q 3.74, v 15.44)', () => {
    const m = fit.gammagamma;
    expect(m.currency).toBe('USD');
    expect(fit.spend[0].customers).toBe(946);
    expect(m.p).toBeCloseTo(6.25, 2);
    expect(m.q).toBeCloseTo(3.74, 2);
    expect(m.v).toBeCloseTo(15.44, 1);
  });

  it('checks itself on a holdout period and reports only: a fit up to an earlier day writes no scores', async () => {
    const r = fit;
    expect(r.customers).toBe(2357);
    expect(r.repeatBuyers).toBe(946);
    expect(r.scored).toBe(0);
    expect(r.check).not.toBeNull();
    const check = r.check!;
    expect(check.groups.reduce((n: number, g: { customers: number }) => n + g.customers, 0)).toBe(check.customers);
    expect(check.total.actual).toBeGreaterThan(0);
    expect(check.calibrationEnd < '1997-09-30').toBe(true);
    const [scores] = await t.h.db.query<{ n: number }>('select count(*)::int as n from contact_scores where workspace_id = $1', [workspaceId]);
    expect(scores!.n).toBe(0);
  });

  it('the holdout check of the published design: calibration to 1997-09-30, 39 weeks predicted, against what the customers did', async () => {
    const client = (await t.h.apiKey(workspaceId)).client;
    const saved = await client.put('/api/v1/retention/settings', {
      windowDays: null,
      holdoutDays: 273,
      horizonMonths: 12,
      discountRate: 0.1,
      refit: 'manual',
      renewalEvent: null,
      renewalPeriod: 'month',
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const [ws] = await t.h.db.query<{ name: string }>('select name from workspaces where id = $1', [workspaceId]);
    const run = await rapport('retention', 'fit', '--workspace', ws!.name, '--until', '1998-06-30', '--json');
    expect(run.code, run.err).toBe(0);
    const check = JSON.parse(run.out).check;
    expect(check.calibrationEnd).toBe('1997-09-30');
    // Fitted on the calibration period only: the published parameters again.
    const bg = check.models.bgnbd;
    expect(bg.params.r).toBeCloseTo(0.243, 3);
    expect(bg.params.b).toBeCloseTo(2.426, 2);
    expect(check.models.paretonbd.params.r).toBeCloseTo(0.5534, 2);
    // What they did in the 39 weeks, counted from the raw file: days with purchases after 1997-09-30.
    const days = new Set(
      fixture('CDNOW_sample.txt')
        .trim()
        .split(/\r?\n/)
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f[2]! > '19970930')
        .map((f) => `${Number(f[1])}:${f[2]}`),
    );
    expect(check.total.actual).toBe(days.size);
    // What each calibration fit predicts for them, computed again from the published summaries
    // (t_x and T rounded to 0.01 week there): the same totals. The scores' model (Pareto/NBD)
    // is the one the check judges.
    const again = (f: (p: any, t: number, x: number, tx: number, T: number) => number, params: unknown) => published.reduce((sum, p) => sum + f(params, 39, p.x, p.t_x, p.T), 0);
    expect(bg.predicted).toBeCloseTo(again(bgnbd.conditionalExpected, bg.params), 0);
    expect(check.models.paretonbd.predicted).toBeCloseTo(again(paretonbd.conditionalExpected, check.models.paretonbd.params), 0);
    expect(check.model).toBe('paretonbd');
    expect(check.total.predicted).toBe(check.models.paretonbd.predicted);
    expect(check.total.error).toBeCloseTo((check.total.predicted - days.size) / days.size, 3);
    // Pareto/NBD came closer (1,666 against BG/NBD's 1,653, of 1,882 made): its figures are the scores'.
    expect(JSON.parse(run.out).scoringModel).toBe('paretonbd');
  });
});

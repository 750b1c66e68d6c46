import type { Command } from 'commander';
import type { FitResult } from '../retention/fit.ts';
import { fitRetention } from '../retention/retention.ts';
import { oneWorkspace, withContext } from './context.ts';
import { CliError, output } from './main.ts';
import { table } from './workflow.ts';

const fixed = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? '-' : x.toFixed(digits));

/** Each model's parameters in the published order (the stored JSON keeps its own). */
const ORDER = ['r', 'alpha', 'a', 'b', 's', 'beta', 'p', 'q', 'v'];
const ordered = (params: Record<string, number>): [string, number][] => Object.entries(params).sort(([a], [b]) => ORDER.indexOf(a) - ORDER.indexOf(b));

/** The fit as the issue's JSON: each model's parameters and log-likelihood, standard errors beside. */
export function fitJson(r: FitResult) {
  const model = <P extends Record<string, number>>(m: { params: P; loglik: number; se: Record<string, number | null>; converged: boolean } | null) =>
    m ? { ...Object.fromEntries(ordered(m.params)), loglik: m.loglik, se: Object.fromEntries(ordered(m.se as Record<string, number>)), converged: m.converged } : null;
  return {
    until: r.until,
    since: r.since,
    unit: r.unit,
    customers: r.customers,
    repeatBuyers: r.repeatBuyers,
    bgnbd: model(r.bgnbd),
    paretonbd: model(r.paretonbd),
    gammagamma: r.gammagamma ? { currency: r.gammagamma.currency, ...model(r.gammagamma) } : null,
    spend: r.spend.map((s) => ({ currency: s.currency, customers: s.customers, ...model(s) })),
    check: r.check ? { calibrationEnd: r.check.calibrationEnd, holdoutDays: r.check.holdoutDays, customers: r.check.customers, model: r.check.model, models: r.check.models, total: r.check.total, groups: r.check.groups } : null,
    scoringModel: r.scoringModel,
    verdict: r.verdict,
    verdictText: r.verdictText,
    subscriptions: r.subscriptions,
    scored: r.scored,
  };
}

function human(r: FitResult): string {
  const lines = [`Customers: ${r.customers.toLocaleString('en')} (${r.repeatBuyers.toLocaleString('en')} bought again), purchases up to ${r.until}${r.since ? ` of customers since ${r.since}` : ''}. Times in weeks.`, ''];
  const rows: string[][] = [];
  const add = (name: string, m: { params: Record<string, number>; loglik: number; se: Record<string, number | null> } | null) => {
    if (!m) return;
    for (const [k, v] of ordered(m.params)) rows.push([name, k, fixed(v), fixed(m.se[k])]);
    rows.push([name, 'log-likelihood', fixed(m.loglik, 2), '']);
  };
  add('BG/NBD', r.bgnbd);
  add('Pareto/NBD', r.paretonbd);
  for (const s of r.spend) add(`Gamma-Gamma ${s.currency}`, s);
  if (rows.length) lines.push(table(['MODEL', 'PARAMETER', 'VALUE', 'STD. ERROR'], rows, [false, false, true, true]), '');
  if (r.check) {
    const t = r.check.total;
    const name = r.check.model === 'paretonbd' ? 'Pareto/NBD' : 'BG/NBD';
    lines.push(`Holdout check: fitted up to ${r.check.calibrationEnd}, ${name} predicted ${t.predicted} repeat purchases in the next ${r.check.holdoutDays} days, ${t.actual} were made${t.error === null ? '' : ` (${(t.error * 100).toFixed(1)} %)`}.`);
    const bg = r.check.models.bgnbd;
    if (bg && r.check.model !== 'bgnbd') lines.push(`  BG/NBD predicted ${bg.predicted}${bg.error === null ? '' : ` (${(bg.error * 100).toFixed(1)} %)`}.`);
  }
  lines.push(r.verdictText);
  if (r.scored) lines.push(`${r.scored.toLocaleString('en')} customers scored (by ${r.scoringModel === 'bgnbd' ? 'BG/NBD' : 'Pareto/NBD'}).`);
  return lines.join('\n');
}

export function registerRetentionCommands(program: Command): void {
  const retention = program.command('retention').description('Retention models: who is about to leave and what customers are worth');
  retention
    .command('fit')
    .description('Fit BG/NBD, Pareto/NBD and Gamma-Gamma on a workspace’s purchases and print the parameters, log-likelihoods and standard errors (up to today: also writes every customer’s scores)')
    .requiredOption('--workspace <name>', 'workspace name or id')
    .option('--until <day>', 'only purchases up to this day (YYYY-MM-DD); the scores are written only for a fit up to today')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { workspace: string; until?: string; json?: boolean }) => {
      await withContext('cli', async (ctx) => {
        const ws = await oneWorkspace(ctx, opts.workspace);
        const fit = await fitRetention(ctx, ws.id, { until: opts.until, cause: 'cli' });
        if (!fit.result) throw new CliError(`The fit did not finish: ${fit.error ?? 'no result'}.`);
        output(Boolean(opts.json), fitJson(fit.result), human(fit.result));
      });
    });
}

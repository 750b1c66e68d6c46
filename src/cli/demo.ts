import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CONTACTS, DEFAULT_SEED, MAX_CONTACTS } from '../demo/generate.ts';
import { loadDemo, type LoadDemoResult } from '../demo/demo.ts';
import { oneWorkspace, withContext } from './context.ts';
import { output } from './main.ts';

const integer = (min: number, max: number, what: string) => (value: string) => {
  const n = Number(value.replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max.toLocaleString('en')}.`);
  return n;
};

export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description('Fill a workspace with the demo retail shop: customers with purchase histories, email engagement and page views')
    .requiredOption('--workspace <name>', 'workspace name or id (create one with `rapport user create`)')
    .option('--contacts <n>', `how many contacts, up to ${MAX_CONTACTS.toLocaleString('en')}`, integer(1, MAX_CONTACTS, '--contacts'), DEFAULT_CONTACTS)
    .option('--seed <n>', 'the same seed gives the same shop (its history ends now)', integer(0, 2_147_483_647, '--seed'), DEFAULT_SEED)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { workspace: string; contacts: number; seed: number; json?: boolean }) => {
      await withContext('demo', async (ctx) => {
        const ws = await oneWorkspace(ctx, opts.workspace);
        const progress = progressReporter(opts.contacts);
        let result: LoadDemoResult;
        try {
          result = await loadDemo(ctx, ws.id, { contacts: opts.contacts, seed: opts.seed, onProgress: (p) => progress.update({ contacts: p.contacts.done, events: p.events.done }) });
        } finally {
          progress.stop();
        }
        output(Boolean(opts.json), { workspace: ws, ...result }, describe(ws.name, result));
      });
    });
}

/** A bar on a terminal; a line every tenth of the way in a log. Always on stderr. */
function progressReporter(total: number): { update(p: { contacts: number; events: number }): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'demo |{bar}| {value}/{total} contacts · {events} events · {eta_formatted} left', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { events: 0 });
    return { update: (p) => bar.update(p.contacts, { events: p.events }), stop: () => bar.stop() };
  }
  let shown = 0;
  return {
    update(p) {
      const tenth = Math.floor((p.contacts / total) * 10);
      if (tenth <= shown) return;
      shown = tenth;
      process.stderr.write(`demo: ${p.contacts.toLocaleString('en')} of ${total.toLocaleString('en')} contacts, ${p.events.toLocaleString('en')} events\n`);
    },
    stop() {},
  };
}

const n = (x: number) => x.toLocaleString('en');
const SYMBOLS: Record<string, string> = { GBP: '£', EUR: '€', USD: '$' };

function describe(workspace: string, r: LoadDemoResult): string {
  const s = r.shape;
  const money = Object.entries(s.revenue)
    .map(([cur, minor]) => `${SYMBOLS[cur] ?? `${cur} `}${((minor ?? 0) / 100).toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`)
    .join(' · ');
  const lines = [
    `Loaded the demo shop into "${workspace}" in ${(r.elapsedMs / 1000).toFixed(1)} s: ${n(r.contacts.total)} contacts (${n(r.contacts.created)} new), ${n(r.events.total)} events (${n(r.events.inserted)} new).`,
    `  contacts: ${Object.entries(s.lifecycle).map(([k, v]) => `${n(v)} ${k}`).join(', ')}`,
    `  buyers: ${n(s.buyers)}; by number of orders: ${Object.entries(s.purchasesPerBuyer).map(([k, v]) => `${k}: ${n(v)}`).join(' · ')}`,
    `  orders: ${n(s.orders)}, refunds: ${n(s.refunds)}; revenue net of refunds: ${money}; top 10% of buyers spent ${Math.round(s.top10SpendShare * 100)}%`,
    `  events: ${Object.entries(s.events).map(([k, v]) => `${n(v)} ${k}`).join(', ')}`,
  ];
  if (r.examples.segments.length > 0) lines.push(`  segments: ${r.examples.segments.join(', ')}`);
  if (r.examples.templates.length > 0) lines.push(`  email templates: ${r.examples.templates.join(', ')}`);
  if (r.skippedProperties.length > 0) {
    lines.push(`  left out (the workspace defines them differently): ${r.skippedProperties.join(', ')}`);
  }
  return lines.join('\n');
}

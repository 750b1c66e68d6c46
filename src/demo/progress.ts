// A demo load's progress, kept by loadDemo as it goes: the job writes every change where the
// status API reads it (the web app's steps), the command line draws it as a bar.
import type { DemoProgress, DemoStep } from './contract.ts';
import { type DemoOptions, generateDemo } from './generate.ts';
import { DEMO_SEGMENTS, DEMO_TEMPLATES } from './examples.ts';

/** What a load writes in all, when counted beforehand. */
export interface DemoTotals {
  orders: number;
  refunds: number;
  events: number;
}

export function startingProgress(contacts: number, totals?: DemoTotals): DemoProgress {
  return {
    step: 'preparing',
    contacts: { done: 0, total: contacts, created: 0 },
    orders: { done: 0, total: totals?.orders ?? null },
    refunds: { done: 0, total: totals?.refunds ?? null },
    events: { done: 0, total: totals?.events ?? null },
    segments: { done: 0, total: DEMO_SEGMENTS.length, names: [] },
    templates: { done: 0, total: DEMO_TEMPLATES.length, names: [] },
  };
}

/**
 * Counts the orders, refunds and events a load will write by generating the data set once
 * without writing it: 0.75 s for the default 5,000 contacts, a twentieth of the load. The
 * generator is synchronous, so the count gives way to other work between batches (the API
 * shares the process with the worker).
 */
export async function countDemo(options: DemoOptions): Promise<DemoTotals> {
  const totals: DemoTotals = { orders: 0, refunds: 0, events: 0 };
  for (const batch of generateDemo({ ...options, batchSize: 500 })) {
    for (const e of batch.events) {
      totals.events++;
      if (e.name === 'purchase') totals.orders++;
      else if (e.name === 'refund') totals.refunds++;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return totals;
}

const STEP_PHRASES: Record<DemoStep, string> = {
  preparing: 'getting ready',
  history: 'creating the contacts and their history',
  indexing: 'preparing the data for searches',
  segments: 'computing the segments',
  templates: 'adding the email templates',
  done: 'finishing',
};

/** Says where a load stopped, for the reason a failed load shows. */
export function stoppedAt(progress: DemoProgress): string {
  const where = `Stopped while ${STEP_PHRASES[progress.step]}`;
  if (progress.step !== 'history') return where;
  return `${where} (${progress.contacts.done.toLocaleString('en')} of ${progress.contacts.total.toLocaleString('en')} contacts written)`;
}

// Request and response shapes of the demo API, shared by the server and the web app.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';
import { DEMO_STEPS, type DemoStep } from './steps.ts';

/** The web app loads at most this many; the command line goes to 1,000,000 (benchmarks). */
export const MAX_API_CONTACTS = 100_000;

export const demoLoadBody = z.object({
  contacts: z.number().int().min(1).max(MAX_API_CONTACTS).default(5_000).describe('How many contacts to generate'),
  seed: z.number().int().min(0).max(2_147_483_647).default(1).describe('The same seed gives the same data'),
});

/** The steps of a load, in order. */
export { DEMO_STEPS, type DemoStep };

const int = z.number().int();
const tally = z.object({
  done: int.describe('Written so far'),
  total: int.nullable().describe('How many the load writes in all; null when not counted beforehand'),
});
const made = z.object({
  done: int.describe('Handled so far'),
  total: int.describe('How many this step handles'),
  names: z.array(z.string()).describe('Names of those created by this load (an existing one of the same name is left alone)'),
});

export const demoProgress = z
  .object({
    step: z
      .enum(DEMO_STEPS)
      .describe(
        'preparing: counting what the shop will hold; history: contacts with their orders, emails and visits; ' +
          'indexing: planner statistics; segments: computing the example segments; templates: adding email templates; done',
      ),
    contacts: z.object({
      done: int.describe('Written so far'),
      total: int,
      created: int.describe('New contacts (an address already there is kept as it is)'),
    }),
    orders: tally,
    refunds: tally,
    events: tally.describe('Every event: orders, refunds, emails, page views'),
    segments: made,
    templates: made,
  })
  .describe('What the load is doing (while it runs) or did (once completed)');

export const demoLoad = z.object({
  id: z.uuid(),
  state: z.enum(['queued', 'running', 'completed', 'failed']),
  contacts: int,
  seed: int,
  requestedAt: dateTime,
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
  error: z
    .string()
    .nullable()
    .describe('Why the load failed; while queued again after a failed attempt, why that attempt stopped'),
  progress: demoProgress.nullable().describe('Null while queued, and for loads of older versions'),
});

export const demoStatus = z.object({
  contacts: int.describe('Contacts with the demo’s example.com/.org/.net addresses'),
  events: int.nullable().describe('Events written by the demo; null while a load is under way'),
  load: demoLoad.nullable().describe('The latest load of this workspace, while the job queue remembers it'),
});

export type DemoStatusBody = z.input<typeof demoStatus>;
export type DemoLoadBody = z.input<typeof demoLoadBody>;
export type DemoProgress = z.infer<typeof demoProgress>;

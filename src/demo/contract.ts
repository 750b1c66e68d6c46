// Request and response shapes of the demo API, shared by the server and the web app.
import { z } from 'zod';
import { dateTime } from '../shared/schemas.ts';

/** The web app loads at most this many; the command line goes to 1,000,000 (benchmarks). */
export const MAX_API_CONTACTS = 100_000;

export const demoLoadBody = z.object({
  contacts: z.number().int().min(1).max(MAX_API_CONTACTS).default(5_000).describe('How many contacts to generate'),
  seed: z.number().int().min(0).max(2_147_483_647).default(1).describe('The same seed gives the same data'),
});

export const demoLoad = z.object({
  id: z.uuid(),
  state: z.enum(['queued', 'running', 'completed', 'failed']),
  contacts: z.number().int(),
  seed: z.number().int(),
  requestedAt: dateTime,
  startedAt: dateTime.nullable(),
  finishedAt: dateTime.nullable(),
  error: z.string().nullable(),
});

export const demoStatus = z.object({
  contacts: z.number().int().describe('Contacts with the demo’s example.com/.org/.net addresses'),
  events: z.number().int().nullable().describe('Events written by the demo; null while a load is under way'),
  load: demoLoad.nullable().describe('The latest load of this workspace, while the job queue remembers it'),
});

export type DemoStatusBody = z.input<typeof demoStatus>;
export type DemoLoadBody = z.input<typeof demoLoadBody>;

// What a demo shop has besides its customers: a few segments a retention marketer would make
// first (thresholds read from the shop's own purchases, as the segment templates do) and the
// email templates that go with them, so that Segments and Email are not empty on a first look.
// Each is created only where the workspace has nothing of that name: loading again, or into a
// workspace someone already works in, never changes or duplicates what is there.
import { STARTERS } from '../messaging/templates/starters.ts';
import { createTemplate } from '../messaging/templates/templates.ts';
import { recomputeSegments } from '../segments/membership.ts';
import { createSegment } from '../segments/segments.ts';
import { segmentTemplates } from '../segments/templates.ts';
import type { AppContext } from '../server/context.ts';
import { DomainError } from '../errors.ts';

/** The segment templates the demo makes, by key. */
export const DEMO_SEGMENTS = ['rfm_champions', 'rfm_at_risk', 'lapsed_90', 'top_10_spend'] as const;
/** The starting email templates the demo makes, by key. */
export const DEMO_TEMPLATES = ['win_back', 'loyalty_summary', 'exclusive_offer'] as const;

export interface DemoExamples {
  /** Names of the segments created (and computed) now. */
  segments: string[];
  /** Names of the email templates created now. */
  templates: string[];
}

const nameTaken = (err: unknown) => err instanceof DomainError && err.kind === 'conflict';

/** How far a step has come: handled of total, and the names of those created. */
export interface ExamplesMade {
  done: number;
  total: number;
  names: string[];
}

export async function addDemoExamples(
  ctx: AppContext,
  workspaceId: string,
  onProgress: (step: 'segments' | 'templates', made: ExamplesMade) => void | Promise<void> = () => undefined,
): Promise<DemoExamples> {
  const created: DemoExamples = { segments: [], templates: [] };
  const segmentIds: string[] = [];
  const templates = await segmentTemplates(ctx, workspaceId);
  for (const key of DEMO_SEGMENTS) {
    const t = templates.find((x) => x.key === key);
    if (!t) throw new Error(`The segment template "${key}" is gone; update DEMO_SEGMENTS.`);
    try {
      const s = await createSegment(ctx, workspaceId, null, { kind: 'segment', name: t.name, description: t.description, definition: t.definition });
      segmentIds.push(s.id);
      created.segments.push(s.name);
    } catch (err) {
      if (!nameTaken(err)) throw err;
    }
  }
  // Computed here rather than queued: a demo loaded from the command line, with no worker
  // running, shows its segments' sizes as soon as the app starts. One at a time (none reads
  // another), so that the progress can say how many are done.
  const names = [...created.segments];
  await onProgress('segments', { done: 0, total: segmentIds.length, names });
  for (const [i, id] of segmentIds.entries()) {
    await recomputeSegments(ctx, workspaceId, [id]);
    await onProgress('segments', { done: i + 1, total: segmentIds.length, names });
  }

  await onProgress('templates', { done: 0, total: DEMO_TEMPLATES.length, names: [] });
  for (const [i, key] of DEMO_TEMPLATES.entries()) {
    const starter = STARTERS.find((x) => x.key === key);
    if (!starter) throw new Error(`The starter "${key}" is gone; update DEMO_TEMPLATES.`);
    try {
      const t = await createTemplate(ctx, workspaceId, null, starter.template);
      created.templates.push(t.name);
    } catch (err) {
      if (!nameTaken(err)) throw err;
    }
    await onProgress('templates', { done: i + 1, total: DEMO_TEMPLATES.length, names: [...created.templates] });
  }
  return created;
}

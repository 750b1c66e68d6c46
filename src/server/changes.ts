// "Contacts or events of a workspace just changed": writers say so after they commit, and
// the modules that keep derived data current (segment membership) hear it through their
// `dataChanged` hook. The durable record of what changed is in the database (segment_pending,
// filled by triggers); this only makes the update happen right away in the process that
// wrote, instead of at the next periodic job.
import type { AppContext } from './context.ts';

export function notifyDataChanged(ctx: AppContext, workspaceId: string): void {
  for (const module of ctx.modules) module.dataChanged?.(ctx, workspaceId);
}

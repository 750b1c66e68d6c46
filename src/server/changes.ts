// "Contacts or events of a workspace just changed": writers say so after they commit, and
// whoever keeps derived data current (segment membership) listens. The durable record of
// what changed is in the database (segment_pending, filled by triggers); this only makes the
// update happen right away in the process that wrote, instead of at the next periodic job.
import type { AppContext } from './context.ts';

type Listener = (ctx: AppContext, workspaceId: string) => void;
const listeners = new Set<Listener>();

export function onDataChanged(listener: Listener): void {
  listeners.add(listener);
}

export function notifyDataChanged(ctx: AppContext, workspaceId: string): void {
  for (const listener of listeners) listener(ctx, workspaceId);
}

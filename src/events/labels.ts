// Moved to the event catalogue (catalogue.ts); this re-export goes once the segment builder imports it directly.
import { SYSTEM_EVENTS, type SystemEventSpec } from './catalogue.ts';

export { eventLabel } from './catalogue.ts';
export const EVENT_LABELS: Record<string, SystemEventSpec> = SYSTEM_EVENTS;

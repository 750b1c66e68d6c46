// A report's last period usually ends after its last day (today): its figures are so far, and
// drawn as they are they look like a collapse. Charts leave it out; tables say "so far".
import { addDays, addPeriods } from '../../../src/shared/days.ts';

export type Grain = 'week' | 'month' | 'quarter' | 'year';

const MONTHS: Record<Exclude<Grain, 'week'>, number> = { month: 1, quarter: 3, year: 12 };

/** The last day of the period starting on `start`. */
export function periodEnd(start: string, grain: Grain): string {
  if (grain === 'week') return addDays(start, 6);
  return addDays(addPeriods(start, MONTHS[grain], 'month'), -1);
}

/** Whether the period starting on `start` is still under way on `lastDay`. */
export const underWay = (start: string, grain: Grain, lastDay: string) => periodEnd(start, grain) > lastDay;

/** " (so far)" after a period's name when it is under way. */
export const soFar = (start: string, grain: Grain, lastDay: string) => (underWay(start, grain, lastDay) ? ' (so far)' : '');

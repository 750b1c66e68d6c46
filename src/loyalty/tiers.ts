// Which tier a member is in. The qualifying value (points earned, or money spent in one
// currency) over the program's window (lifetime, the calendar year, the last 12 months) is
// computed in SQL; this file says what it means for the tier:
// - reaching a higher tier's threshold moves the member up at once;
// - moving down happens only when a period ends, by the program's policy: never, to the tier the
//   value now reaches ("period_end"), or one tier at a time ("one_step"). For the calendar year a
//   period ends at the new year; for the last 12 months at the end of each month; a lifetime
//   value never falls, so it has no periods.
export type DowngradePolicy = 'never' | 'period_end' | 'one_step';

export interface Tier {
  id: string;
  name: string;
  /** The qualifying value from which a member is in the tier (points, or minor units). */
  threshold: number;
  /** Points multiplier in basis points (12,000 = ×1.2). */
  multiplierBp: number;
}

/** The tiers from the lowest threshold up. */
const ordered = (tiers: readonly Tier[]) => [...tiers].sort((a, b) => a.threshold - b.threshold || a.id.localeCompare(b.id));

/** The highest tier whose threshold the value reaches, or null below every tier. */
export function tierReached(tiers: readonly Tier[], value: number): Tier | null {
  let reached: Tier | null = null;
  for (const t of ordered(tiers)) if (value >= t.threshold) reached = t;
  return reached;
}

const rankOf = (tiers: readonly Tier[], tier: Tier | null) => (tier === null ? -1 : ordered(tiers).findIndex((t) => t.id === tier.id));

/**
 * The member's tier after their qualifying value became `value`: after an earn (only up), or
 * at the end of a period (up, or down by the policy). A tier that no longer exists counts as
 * none.
 */
export function tierAfter(tiers: readonly Tier[], current: Tier | null, value: number, moment: 'earn' | 'period_end', policy: DowngradePolicy): Tier | null {
  const list = ordered(tiers);
  const now = rankOf(list, current);
  const reached = tierReached(list, value);
  const target = rankOf(list, reached);
  if (target > now) return reached;
  if (moment === 'earn' || policy === 'never' || target === now) return now === -1 ? null : list[now]!;
  if (policy === 'period_end') return reached;
  return now - 1 >= 0 ? list[now - 1]! : null;
}

/** The next tier up and how much qualifying value is still missing; null at the top. */
export function nextTier(tiers: readonly Tier[], current: Tier | null, value: number): { tier: Tier; missing: number } | null {
  const list = ordered(tiers);
  const next = list[rankOf(list, current) + 1];
  return next ? { tier: next, missing: Math.max(0, next.threshold - value) } : null;
}

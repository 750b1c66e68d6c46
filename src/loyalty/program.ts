// A workspace's points program: its settings, its earning rules and its tiers, as the pages and
// the API edit them and as the earn job reads them. Each is checked before it is saved, with
// the field at fault named.
import type { Database, SqlSession } from '../db/client.ts';
import { conflict, type FieldIssue, invalid, notFound } from '../errors.ts';
import { currencyExponent } from '../shared/money.ts';
import type { ExpiryRule } from './expiry.ts';
import type { RefundPolicy } from './ledger/reference.ts';
import type { Multiplier } from './points.ts';
import type { DowngradePolicy, Tier } from './tiers.ts';

export interface Program {
  state: 'active' | 'paused';
  name: string;
  refundPolicy: RefundPolicy;
  inactivityDays: number | null;
  tierBasis: 'points' | 'spend';
  tierCurrency: string | null;
  tierWindow: 'lifetime' | 'year' | 'rolling_12';
  downgrade: DowngradePolicy;
  /** What one point is worth, in minor units (may be fractional: 0.5 cent), for the liability. */
  pointValue: { minor: number; currency: string } | null;
  /** Events from this moment on earn points. */
  earnFrom: Date;
  timezone: string;
}

export type LimitPeriod = 'day' | 'week' | 'month' | 'year' | 'ever';

export interface Rule {
  id: string;
  name: string;
  kind: 'purchase' | 'event';
  eventName: string;
  currency: string | null;
  pointsPerUnit: number | null;
  multipliers: Multiplier[];
  points: number | null;
  pendingDays: number;
  limit: { count: number; period: LimitPeriod } | null;
  expiry: ExpiryRule;
  active: boolean;
  createdAt: Date;
}

export type RuleInput = Omit<Rule, 'id' | 'createdAt'>;

/** Events points cannot be earned on: Rapport's own loyalty events (a rule on them would feed itself). */
const OWN_EVENTS = /^(points\.|tier\.|coupon\.|reward\.)/;

/** The workspace's program, or null before it is set up. */
export async function programOf(db: SqlSession, workspaceId: string): Promise<Program | null> {
  const [r] = await db.query<{
    state: Program['state'];
    name: string;
    refund_policy: RefundPolicy;
    inactivity_days: number | null;
    tier_basis: Program['tierBasis'];
    tier_currency: string | null;
    tier_window: Program['tierWindow'];
    downgrade: DowngradePolicy;
    point_value_minor: string | null;
    point_value_currency: string | null;
    earn_from: Date;
    timezone: string;
  }>('select p.*, w.timezone from loyalty_programs p join workspaces w on w.id = p.workspace_id where p.workspace_id = $1', [workspaceId]);
  if (!r) return null;
  return {
    state: r.state,
    name: r.name,
    refundPolicy: r.refund_policy,
    inactivityDays: r.inactivity_days,
    tierBasis: r.tier_basis,
    tierCurrency: r.tier_currency,
    tierWindow: r.tier_window,
    downgrade: r.downgrade,
    pointValue: r.point_value_minor === null ? null : { minor: Number(r.point_value_minor), currency: r.point_value_currency! },
    earnFrom: r.earn_from,
    timezone: r.timezone,
  };
}

export type ProgramInput = Omit<Program, 'timezone' | 'earnFrom'> & { earnFrom?: Date | null };

export async function saveProgram(db: SqlSession, workspaceId: string, p: ProgramInput, now: Date): Promise<Program> {
  const problems: FieldIssue[] = [];
  if (!p.name.trim()) problems.push({ path: 'name', message: 'is required' });
  if (p.tierBasis === 'spend' && (!p.tierCurrency || currencyExponent(p.tierCurrency) === undefined))
    problems.push({ path: 'tierCurrency', message: 'is required when tiers go by money spent: amounts in different currencies are never added, so say which one counts' });
  if (p.pointValue && currencyExponent(p.pointValue.currency) === undefined) problems.push({ path: 'pointValue.currency', message: `${p.pointValue.currency} is not a currency code` });
  if (p.pointValue && !(p.pointValue.minor > 0)) problems.push({ path: 'pointValue.minor', message: 'must be above 0' });
  if (problems.length) throw invalid('invalid_program', `The program cannot be saved: ${problems.map((x) => `${x.path} ${x.message}`).join('; ')}.`, problems);
  await db.query(
    `insert into loyalty_programs (workspace_id, state, name, refund_policy, inactivity_days, tier_basis, tier_currency, tier_window, downgrade, point_value_minor, point_value_currency, updated_at, earn_from)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::timestamptz, coalesce($13::timestamptz, $12::timestamptz))
     on conflict (workspace_id) do update set state = excluded.state, name = excluded.name, refund_policy = excluded.refund_policy, inactivity_days = excluded.inactivity_days,
       tier_basis = excluded.tier_basis, tier_currency = excluded.tier_currency, tier_window = excluded.tier_window, downgrade = excluded.downgrade,
       point_value_minor = excluded.point_value_minor, point_value_currency = excluded.point_value_currency, updated_at = excluded.updated_at,
       earn_from = coalesce($13::timestamptz, loyalty_programs.earn_from)`,
    [
      workspaceId,
      p.state,
      p.name.trim(),
      p.refundPolicy,
      p.inactivityDays,
      p.tierBasis,
      p.tierBasis === 'spend' ? p.tierCurrency : null,
      p.tierWindow,
      p.downgrade,
      p.pointValue?.minor ?? null,
      p.pointValue?.currency ?? null,
      now,
      p.earnFrom ?? null,
    ],
  );
  return (await programOf(db, workspaceId))!;
}

interface RuleRow {
  id: string;
  name: string;
  kind: Rule['kind'];
  event_name: string;
  currency: string | null;
  points_per_unit: number | null;
  multipliers: Multiplier[];
  points: number | null;
  pending_days: number;
  limit_count: number | null;
  limit_period: LimitPeriod | null;
  expiry: ExpiryRule;
  active: boolean;
  created_at: Date;
}

const ruleOf = (r: RuleRow): Rule => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  eventName: r.event_name,
  currency: r.currency,
  pointsPerUnit: r.points_per_unit,
  multipliers: r.multipliers,
  points: r.points,
  pendingDays: r.pending_days,
  limit: r.limit_count === null ? null : { count: r.limit_count, period: r.limit_period! },
  expiry: r.expiry,
  active: r.active,
  createdAt: r.created_at,
});

export async function rulesOf(db: SqlSession, workspaceId: string, options: { activeOnly?: boolean } = {}): Promise<Rule[]> {
  const rows = await db.query<RuleRow>(`select * from loyalty_rules where workspace_id = $1${options.activeOnly ? ' and active' : ''} order by created_at, id`, [workspaceId]);
  return rows.map(ruleOf);
}

export function ruleProblems(r: RuleInput): FieldIssue[] {
  const problems: FieldIssue[] = [];
  if (!r.name.trim()) problems.push({ path: 'name', message: 'is required' });
  if (!r.eventName.trim()) problems.push({ path: 'eventName', message: 'is required' });
  if (OWN_EVENTS.test(r.eventName)) problems.push({ path: 'eventName', message: 'cannot be one of Rapport’s own loyalty events (points would earn points)' });
  if (r.kind === 'purchase') {
    if (!r.currency || currencyExponent(r.currency) === undefined) problems.push({ path: 'currency', message: 'is required: the currency whose spending earns points (orders in other currencies earn nothing by this rule)' });
    if (!(Number.isInteger(r.pointsPerUnit) && r.pointsPerUnit! >= 1)) problems.push({ path: 'pointsPerUnit', message: 'must be a whole number of points per 1.00 spent, 1 or more' });
    r.multipliers.forEach((m, i) => {
      if (!m.value.trim()) problems.push({ path: `multipliers.${i}.value`, message: 'is required' });
      if (!(Number.isInteger(m.bp) && m.bp >= 0 && m.bp <= 100_000)) problems.push({ path: `multipliers.${i}.bp`, message: 'must be between 0 (earns nothing) and 100,000 (×10)' });
    });
  } else if (!(Number.isInteger(r.points) && r.points! >= 1)) problems.push({ path: 'points', message: 'must be a whole number of points, 1 or more' });
  if (!(Number.isInteger(r.pendingDays) && r.pendingDays >= 0 && r.pendingDays <= 365)) problems.push({ path: 'pendingDays', message: 'must be 0 to 365 days' });
  if (r.limit && !(Number.isInteger(r.limit.count) && r.limit.count >= 1)) problems.push({ path: 'limit.count', message: 'must be 1 or more' });
  if (r.expiry.kind === 'after_days' && !(Number.isInteger(r.expiry.days) && r.expiry.days >= 1 && r.expiry.days <= 3650)) problems.push({ path: 'expiry.days', message: 'must be 1 to 3650 days' });
  if (r.expiry.kind === 'inactivity') problems.push({ path: 'expiry.kind', message: 'expiry after inactivity is set for the whole program (inactivityDays), not per rule' });
  return problems;
}

function checkRule(r: RuleInput): void {
  const problems = ruleProblems(r);
  if (problems.length) throw invalid('invalid_rule', `The rule cannot be saved: ${problems.map((x) => `${x.path} ${x.message}`).join('; ')}.`, problems);
}

const ruleValues = (r: RuleInput) => [
  r.name.trim(),
  r.kind,
  r.kind === 'purchase' ? 'purchase' : r.eventName.trim(),
  r.kind === 'purchase' ? r.currency : null,
  r.kind === 'purchase' ? r.pointsPerUnit : null,
  JSON.stringify(r.kind === 'purchase' ? r.multipliers : []),
  r.kind === 'event' ? r.points : null,
  r.pendingDays,
  r.limit?.count ?? null,
  r.limit?.period ?? null,
  JSON.stringify(r.expiry),
  r.active,
];

export async function createRule(db: SqlSession, workspaceId: string, r: RuleInput): Promise<Rule> {
  checkRule(r);
  const [row] = await db.query<RuleRow>(
    `insert into loyalty_rules (workspace_id, name, kind, event_name, currency, points_per_unit, multipliers, points, pending_days, limit_count, limit_period, expiry, active)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *`,
    [workspaceId, ...ruleValues(r)],
  );
  return ruleOf(row!);
}

export async function updateRule(db: SqlSession, workspaceId: string, id: string, r: RuleInput, now: Date): Promise<Rule> {
  checkRule(r);
  const [row] = await db.query<RuleRow>(
    `update loyalty_rules set name = $3, kind = $4, event_name = $5, currency = $6, points_per_unit = $7, multipliers = $8, points = $9, pending_days = $10, limit_count = $11,
       limit_period = $12, expiry = $13, active = $14, updated_at = $15
     where workspace_id = $1 and id = $2 returning *`,
    [workspaceId, id, ...ruleValues(r), now],
  );
  if (!row) throw notFound('The rule');
  return ruleOf(row);
}

export async function tiersOf(db: SqlSession, workspaceId: string): Promise<Tier[]> {
  const rows = await db.query<{ id: string; name: string; threshold: string; multiplier_bp: number }>(
    'select id, name, threshold, multiplier_bp from loyalty_tiers where workspace_id = $1 order by threshold',
    [workspaceId],
  );
  return rows.map((t) => ({ id: t.id, name: t.name, threshold: Number(t.threshold), multiplierBp: t.multiplier_bp }));
}

/** Replaces the tiers: those with an id are kept (members stay in them), the others created, the missing removed. */
export async function saveTiers(db: Database, workspaceId: string, tiers: { id?: string | null; name: string; threshold: number; multiplierBp: number }[]): Promise<Tier[]> {
  const problems: FieldIssue[] = [];
  const names = new Set<string>();
  const thresholds = new Set<number>();
  tiers.forEach((t, i) => {
    if (!t.name.trim()) problems.push({ path: `tiers.${i}.name`, message: 'is required' });
    if (names.has(t.name.trim().toLowerCase())) problems.push({ path: `tiers.${i}.name`, message: 'is the name of another tier' });
    if (thresholds.has(t.threshold)) problems.push({ path: `tiers.${i}.threshold`, message: 'is the threshold of another tier' });
    if (!(Number.isSafeInteger(t.threshold) && t.threshold >= 0)) problems.push({ path: `tiers.${i}.threshold`, message: 'must be a whole number, 0 or more' });
    if (!(Number.isInteger(t.multiplierBp) && t.multiplierBp >= 0 && t.multiplierBp <= 100_000)) problems.push({ path: `tiers.${i}.multiplierBp`, message: 'must be 0 to 100,000 (×10)' });
    names.add(t.name.trim().toLowerCase());
    thresholds.add(t.threshold);
  });
  if (problems.length) throw invalid('invalid_tiers', `The tiers cannot be saved: ${problems.map((x) => `${x.path} ${x.message}`).join('; ')}.`, problems);
  const keep = tiers.filter((t) => t.id).map((t) => t.id!);
  await db.transaction(async (tx) => {
    await tx.query('delete from loyalty_tiers where workspace_id = $1 and not (id = any($2::uuid[]))', [workspaceId, keep]);
    // Thresholds and names may swap between tiers: the kept ones are moved out of the way first.
    await tx.query('update loyalty_tiers set threshold = threshold + 4000000000000000000, name = id::text where workspace_id = $1', [workspaceId]);
    for (const t of tiers) {
      if (t.id) {
        const updated = await tx.query('update loyalty_tiers set name = $3, threshold = $4, multiplier_bp = $5 where workspace_id = $1 and id = $2 returning id', [workspaceId, t.id, t.name.trim(), t.threshold, t.multiplierBp]);
        if (updated.length === 0) throw conflict(`The tier ${t.name} was removed meanwhile. Reload the page.`);
      } else await tx.query('insert into loyalty_tiers (workspace_id, name, threshold, multiplier_bp) values ($1, $2, $3, $4)', [workspaceId, t.name.trim(), t.threshold, t.multiplierBp]);
    }
    // Members keep their tier's name for conditions ("tier is Gold"); members of a removed tier have none until their next review.
    await tx.query('update loyalty_members m set tier_name = t.name from loyalty_tiers t where m.workspace_id = $1 and t.id = m.tier_id and m.tier_name is distinct from t.name', [workspaceId]);
    await tx.query('update loyalty_members set tier_name = null where workspace_id = $1 and tier_id is null and tier_name is not null', [workspaceId]);
  });
  return tiersOf(db, workspaceId);
}

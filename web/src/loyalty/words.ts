// The program in a shop owner's words: a multiplier as "×1.5" (stored as 15,000 ten-thousandths),
// a rule as one sentence, an expiry, a limit, the refund and downgrade policies, a tier's
// threshold in points or in money.
import { currencyExponent, toMinorUnits } from '../../../src/shared/money.ts';
import { count, money, plural } from '../reports/format.ts';
import type { LimitPeriod, Program, Rule, RuleBody } from './model.ts';

/** ×1 is 10,000 in the API. */
export const ONE = 10_000;

/** 15000 → "×1.5", 10000 → "×1", 12500 → "×1.25". */
export const times = (bp: number) => `×${(bp / ONE).toLocaleString('en', { maximumFractionDigits: 4 })}`;

/** 1.5 (as typed) → 15000. */
export const toBp = (x: number | string) => Math.round(Number(x) * ONE);

/** 15000 → 1.5, for a number field. */
export const fromBp = (bp: number) => bp / ONE;

export const MATCH_LABELS: Record<Rule['multipliers'][number]['match'], string> = { category: 'Category', sku: 'SKU', product_id: 'Product ID' };

export const PERIOD_WORDS: Record<LimitPeriod, string> = { day: 'a day', week: 'a week', month: 'a month', year: 'a year', ever: 'in all' };
export const PERIOD_LABELS: Record<LimitPeriod, string> = { day: 'Per day', week: 'Per week', month: 'Per month', year: 'Per year', ever: 'In all, ever' };

/** "at most 3 times a week", "once in all". */
export function limitWords(limit: Rule['limit']): string | null {
  if (!limit) return null;
  const n = limit.count === 1 ? 'once' : limit.count === 2 ? 'twice' : `${count(limit.count)} times`;
  return `at most ${n} ${PERIOD_WORDS[limit.period]}`;
}

export type ExpiryKind = 'never' | 'after_days' | 'end_of_month' | 'end_of_year';
export const EXPIRY_LABELS: Record<ExpiryKind, string> = {
  never: 'Never',
  after_days: 'After a number of days',
  end_of_month: 'At the end of the month they were earned in',
  end_of_year: 'At the end of the year they were earned in',
};

/** "never expire", "expire 365 days after they are earned", "expire at the end of the month they are earned in". */
export function expiryWords(e: Rule['expiry']): string {
  if (e.kind === 'after_days') return `expire ${plural(e.days ?? 0, 'day')} after they are earned`;
  if (e.kind === 'end_of_month') return 'expire at the end of the month they are earned in';
  if (e.kind === 'end_of_year') return 'expire at the end of the year they are earned in';
  return 'never expire';
}

/** "£1.00" in the rule's currency (or "1.00 of its currency"). */
export function oneUnit(currency: string | null | undefined): string {
  if (!currency || currencyExponent(currency) === undefined) return '1.00';
  const one = toMinorUnits(1, currency);
  return one.ok ? money(one.value, currency) : `1 ${currency}`;
}

/** What a rule gives, in a sentence: "10 points for every £1.00 spent on orders in GBP", "50 points each time Review Written happens". */
export function ruleSentence(r: Pick<Rule, 'kind' | 'eventName' | 'currency' | 'pointsPerUnit' | 'points'>, eventLabel: (name: string) => string): string {
  if (r.kind === 'purchase') return `${plural(r.pointsPerUnit ?? 0, 'point')} for every ${oneUnit(r.currency)} spent, on orders in ${r.currency ?? '?'}`;
  return `${plural(r.points ?? 0, 'point')} each time “${eventLabel(r.eventName)}” happens`;
}

/** The rest of a rule: "Usable after 14 days · at most once a day · expire at the end of the year they are earned in". */
export function ruleDetails(r: Pick<Rule, 'pendingDays' | 'limit' | 'expiry'>): string {
  const parts = [r.pendingDays > 0 ? `usable after ${plural(r.pendingDays, 'day')}` : 'usable at once', limitWords(r.limit), expiryWords(r.expiry)].filter(Boolean) as string[];
  const text = parts.join(' · ');
  return text[0]!.toUpperCase() + text.slice(1);
}

export const REFUND_LABELS: Record<Program['refundPolicy'], { label: string; description: string }> = {
  negative: {
    label: 'Take back all the points of the refunded order',
    description: 'If the customer already spent them, their balance goes below zero and the points they earn next pay it back first.',
  },
  cap: {
    label: 'Take back only the points they still have',
    description: 'Points already spent on a reward stay spent; the refund takes back what is left of them, never more.',
  },
};

export const BASIS_LABELS: Record<Program['tierBasis'], string> = { points: 'Points earned', spend: 'Money spent' };
export const WINDOW_LABELS: Record<Program['tierWindow'], string> = { lifetime: 'Since they joined', year: 'This calendar year', rolling_12: 'The last 12 months' };

export const DOWNGRADE_LABELS: Record<Program['downgrade'], { label: string; description: string }> = {
  never: { label: 'Never move members down', description: 'A tier once reached is kept.' },
  period_end: { label: 'Move down at the end of each period', description: 'To the tier their points or spending of the period reach (the year, or each month for the last 12 months).' },
  one_step: { label: 'Move down one tier at a time', description: 'At the end of each period, at most one tier down, however far they fell.' },
};

/** A tier's threshold: "1,000 points" or "£500.00 spent". */
export function thresholdText(threshold: number, program: Pick<Program, 'tierBasis' | 'tierCurrency'> | null): string {
  if (program?.tierBasis === 'spend' && program.tierCurrency) return `${money(threshold, program.tierCurrency)} spent`;
  return plural(threshold, 'point');
}

/** What a tier is reached by, for a column heading: "Points earned, since they joined". */
export function basisText(program: Pick<Program, 'tierBasis' | 'tierCurrency' | 'tierWindow'>): string {
  const what = program.tierBasis === 'spend' ? `Money spent in ${program.tierCurrency ?? '?'}` : 'Points earned';
  return `${what}, ${WINDOW_LABELS[program.tierWindow].toLowerCase()}`;
}

export const isPurchase = (r: Pick<RuleBody, 'kind'>) => r.kind === 'purchase';

export const signed = (n: number) => (n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : '0');

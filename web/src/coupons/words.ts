// Coupons in a shop owner's words: the offer ("15% off", "£5.00 off", "Free shipping"), the
// terms in one sentence, the channel a code was shared through, the state of a campaign, and
// what a redemption's state means.
import { formatDate } from '../lib/format.ts';
import { count, money } from '../reports/format.ts';
import type { Campaign, CampaignState, Channel, Redemption } from './model.ts';

export const CHANNEL_LABELS: Record<Channel, string> = { email: 'Email', social: 'Social media', partner: 'A partner', website: 'Website', in_store: 'In store', other: 'Other' };

/** How a code reached the customer, after "shared": "by email", "on social media". */
export const CHANNEL_VIA: Record<Channel, string> = { email: 'by email', social: 'on social media', partner: 'by a partner', website: 'on your website', in_store: 'in store', other: 'elsewhere' };

/** "Social media · Instagram followers". */
export function channelText(channel: string, detail: string | null | undefined): string {
  const label = CHANNEL_LABELS[channel as Channel] ?? channel;
  return detail ? `${label} · ${detail}` : label;
}

export const STATE_LABELS: Record<CampaignState, string> = { active: 'Active', paused: 'Paused', ended: 'Ended' };
export const STATE_COLORS: Record<CampaignState, string> = { active: 'teal', paused: 'orange', ended: 'gray' };

export const REDEMPTION_LABELS: Record<Redemption['state'], string> = { redeemed: 'Used', reserved: 'Held at checkout', released: 'Hold let go', rolled_back: 'Cancelled' };

/** "15% off", "£5.00 off", "Free shipping". */
export function offerText(d: Campaign['discount']): string {
  if (d.kind === 'percent') return `${d.percent.toLocaleString('en', { maximumFractionDigits: 2 })}% off`;
  if (d.kind === 'fixed') return `${money(d.amount, d.currency)} off`;
  return 'Free shipping';
}

const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${count(n)} times`);

/**
 * The terms in a sentence: "15% off orders of £30.00 or more, from 1 Jun 2026 until 30 Jun 2026;
 * once per customer, each code once, 500 uses in all."
 */
export function termsSentence(c: Pick<Campaign, 'discount' | 'minOrder' | 'startsAt' | 'endsAt' | 'maxRedemptions' | 'perContactLimit' | 'perCodeLimit' | 'codeKind'>): string {
  const offer = offerText(c.discount);
  const orders = c.minOrder ? `orders of ${money(c.minOrder.amount, c.minOrder.currency)} or more` : c.discount.kind === 'fixed' ? `orders in ${c.discount.currency}` : 'any order';
  const when =
    c.startsAt && c.endsAt
      ? `, from ${formatDate(c.startsAt)} until ${formatDate(c.endsAt)}`
      : c.startsAt
        ? `, from ${formatDate(c.startsAt)}`
        : c.endsAt
          ? `, until ${formatDate(c.endsAt)}`
          : '';
  const limits = [
    c.perContactLimit ? `${times(c.perContactLimit)} per customer` : null,
    c.perCodeLimit && c.codeKind === 'unique' ? `each code ${times(c.perCodeLimit)}` : c.perCodeLimit ? `the code ${times(c.perCodeLimit)} in all` : null,
    c.maxRedemptions ? `${count(c.maxRedemptions)} ${c.maxRedemptions === 1 ? 'use' : 'uses'} in all` : null,
  ].filter(Boolean);
  const lead = offer === 'Free shipping' ? `Free shipping on ${orders}` : `${offer} ${orders}`;
  return `${lead}${when}${limits.length ? `; ${limits.join(', ')}` : '; no limit on uses'}.`;
}

/** Amounts per currency, each in its own: "£120.00 · €40.00" (never added together). */
export function perCurrency(rows: { currency: string; amount: number }[]): string {
  return rows.length === 0 ? '–' : rows.map((r) => money(r.amount, r.currency)).join(' · ');
}

// How contact values and events read in the app: "Bought 3 items for £45.20".
import { EVENT_LABELS } from '../../../src/events/labels.ts';
import { formatMoney as sharedFormatMoney, isCurrency, toMinorUnits } from '../../../src/purchases/money.ts';
import { countryName } from '../lib/countries.ts';
import { formatDate, formatDateTime } from '../lib/format.ts';
import type { FieldInfo, PropertyValue, TimelineEvent } from './model.ts';

const numberFormat = new Intl.NumberFormat('en');

/** A field's value as text for a table cell or a detail row; '' when there is none. */
export function formatValue(field: Pick<FieldInfo, 'type' | 'optionLabels'>, value: PropertyValue | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'number':
      return typeof value === 'number' ? numberFormat.format(value) : String(value);
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'date':
      return typeof value === 'string' ? formatDay(value) : String(value);
    case 'enum':
      return field.optionLabels?.[String(value)] ?? String(value);
    case 'country':
      return countryName(String(value));
    default:
      return String(value);
  }
}

/** "2024-03-05" as a day (never shifted by the viewer's time zone); instants as date and time. */
export function formatDay(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${value}T00:00:00Z`));
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return value.length > 10 && !value.endsWith('T00:00:00.000Z') ? formatDateTime(value) : formatDate(value);
}

/**
 * Integer minor units of an ISO currency: (4520, 'GBP') → "£45.20"; (500, 'JPY') → "¥500";
 * (150000, 'HUF') → "HUF 1,500.00". The decimals are the currency's ISO 4217 exponent (the
 * server's own rule, src/purchases/money.ts), not Intl's display digits, which differ for HUF,
 * COP and IDR and would show those amounts a hundred times too large. Null when there is no amount.
 */
export function formatMoney(minor: unknown, currency: unknown): string | null {
  if (typeof minor !== 'number' || !Number.isFinite(minor)) return null;
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency.trim()) ? currency.trim().toUpperCase() : undefined;
  // Without a known currency the amount cannot be placed: shown as a plain number of hundredths.
  if (!code || !isCurrency(code)) return `${numberFormat.format(minor / 100)}${code ? ` ${code}` : ''}`;
  return sharedFormatMoney(minor, code, 'en');
}

/** Property names that hold an amount of money (Segment's e-commerce names and the purchase model's). */
export const MONEY_KEYS = new Set(['total', 'revenue', 'value', 'amount', 'price', 'subtotal', 'shipping', 'tax', 'discount', 'unit_price']);

export const isOrderEvent = (name: string) => name === 'purchase' || name === 'refund';

/**
 * Whether an event's amounts are integer minor units: the purchase model's events and
 * Rapport's own are; an event a shop tracks under its own name ("Product Viewed") keeps its
 * amounts as sent, which Segment's spec puts in major units (price: 24.5 is £24.50).
 */
export function amountsInMinorUnits(name: string): boolean {
  return isOrderEvent(name) || Object.hasOwn(EVENT_LABELS, name);
}

/** An amount of an event as money in the event's currency; null when it is not one. */
export function eventMoney(eventName: string, amount: unknown, currency: unknown): string | null {
  if (typeof currency !== 'string') return null;
  if (amountsInMinorUnits(eventName)) return formatMoney(amount, currency);
  if (typeof amount !== 'number' && typeof amount !== 'string') return null;
  const minor = toMinorUnits(amount, currency.trim().toUpperCase());
  return minor.ok ? formatMoney(minor.value, currency) : null;
}

/** A property's name as a label: "order_id" → "Order ID", "groupId" → "Group ID", "utm_source" → "UTM source". */
export function keyLabel(key: string): string {
  const words = key
    .replace(/^\$/, '')
    .replace(/[._-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase()
    .replace(/\b(id|url|sku|ip|utm|uri)\b/g, (w) => w.toUpperCase());
  return words ? words[0]!.toUpperCase() + words.slice(1) : key;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const quoted = (v: unknown, fallback: string) => (str(v) ? `“${str(v)}”` : fallback);
const plural = (n: number, one: string, many = `${one}s`) => `${numberFormat.format(n)} ${n === 1 ? one : many}`;

/** How someone unsubscribed or came back (the `via` of email.unsubscribed and email.resubscribed). */
const VIA: Record<string, string> = {
  link: ' through the link in an email',
  'one-click': ' with one click in their mail app',
  preferences: ' on their preference page',
};

/** "order_shipped" → "Order shipped"; "email.link_clicked" → "Email link clicked". */
export function humanize(name: string): string {
  const words = name.replace(/[._-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').trim().toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : name;
}

/** Up to three scalar properties, for events without a sentence of their own ("product ID: ESP-250, price: £24.50"). */
function keyProperties(name: string, props: Record<string, unknown>): string {
  return Object.entries(props)
    // The currency shows in the amounts it belongs to.
    .filter(([k, v]) => k !== 'currency' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'))
    .slice(0, 3)
    .map(([k, v]) => {
      const label = keyLabel(k);
      const lead = /^[A-Z]{2,}\b/.test(label) ? label : label[0]!.toLowerCase() + label.slice(1);
      const money = MONEY_KEYS.has(k) ? eventMoney(name, v, props.currency) : null;
      return `${lead}: ${money ?? (typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v).slice(0, 60))}`;
    })
    .join(', ');
}

function itemCount(p: Record<string, unknown>): number | undefined {
  if (typeof p.item_count === 'number') return p.item_count;
  if (typeof p.quantity === 'number') return p.quantity;
  if (Array.isArray(p.items)) return p.items.length;
  if (Array.isArray(p.products)) return p.products.length;
  return undefined;
}

/** One readable sentence per event. */
export function eventSentence(event: Pick<TimelineEvent, 'name' | 'properties'>): string {
  const p = event.properties;
  const money = formatMoney(p.total ?? p.revenue ?? p.value ?? p.amount, p.currency);
  switch (event.name) {
    case 'purchase':
    case 'order.completed':
    case 'Order Completed': {
      const n = itemCount(p);
      if (n !== undefined && money) return `Bought ${plural(n, 'item')} for ${money}`;
      if (money) return `Bought for ${money}`;
      return n !== undefined ? `Bought ${plural(n, 'item')}` : 'Made a purchase';
    }
    case 'refund':
    case 'Order Refunded':
      return money ? `Refunded ${money}` : 'Was refunded';
    case 'email.sent':
      return `Was sent ${quoted(p.subject, 'an email')}`;
    case 'email.delivered':
      return `Received ${quoted(p.subject, 'an email')}`;
    case 'email.opened':
      return `Opened ${quoted(p.subject, 'an email')}`;
    case 'email.clicked':
      return str(p.url) ? `Clicked ${str(p.url)} in ${quoted(p.subject, 'an email')}` : `Clicked a link in ${quoted(p.subject, 'an email')}`;
    case 'email.bounced': {
      const why = str(p.diagnostic) ?? str(p.reason);
      const type = p.bounce_type === 'hard' || p.bounce_type === 'soft' ? ` (${p.bounce_type} bounce)` : '';
      return `An email to them bounced${type}${why ? `: ${why.length > 120 ? `${why.slice(0, 119)}…` : why}` : ''}`;
    }
    case 'email.complained':
      return 'Marked an email as spam';
    case 'email.unsubscribed':
      return `Unsubscribed from email${VIA[String(p.via)] ?? ''}`;
    case 'email.resubscribed':
      return p.via === 'suppression_removed' ? 'Was subscribed again: their address was taken off the suppression list' : `Subscribed to email again${VIA[String(p.via)] ?? ''}`;
    case 'email.preferences_changed':
      if (p.subscribed === false) return 'Changed their email preferences: no marketing email';
      return typeof p.topics_left === 'number' && p.topics_left > 0
        ? `Changed their email preferences: left ${plural(p.topics_left, 'topic')}`
        : 'Changed their email preferences: every topic';
    case 'page':
      return `Viewed ${str(p.title) ?? str(p.name) ?? str(p.url) ?? str(p.path) ?? 'a page'}`;
    case 'screen':
      return `Viewed the ${str(p.name) ?? 'app'} screen`;
    case 'identify':
      return 'Was identified';
    case 'alias':
      return 'Was linked to another id';
    case 'group':
      return `Joined ${str(p.name) ?? str(p.groupId) ?? 'a group'}`;
    case 'segment.entered':
      if (p.segment_kind === 'list') return `Added to list ${quoted(p.segment_name, '')}`.trim();
      return `Entered segment ${quoted(p.segment_name ?? p.name ?? p.segment, '')}`.trim();
    case 'segment.exited':
      if (p.segment_kind === 'list') return `Taken off list ${quoted(p.segment_name, '')}`.trim();
      return `Left segment ${quoted(p.segment_name ?? p.name ?? p.segment, '')}`.trim();
    case 'survey.answered':
      return `Answered ${quoted(p.survey_name ?? p.survey, 'a survey')}${str(p.score) !== undefined ? ` with ${str(p.score)}` : ''}`;
    case 'points.earned':
      return typeof p.points === 'number' ? `Earned ${plural(p.points, 'point')}` : 'Earned points';
    case 'points.redeemed':
      return typeof p.points === 'number' ? `Redeemed ${plural(p.points, 'point')}` : 'Redeemed points';
    case 'coupon.redeemed':
      return `Redeemed coupon ${str(p.code) ?? ''}`.trim();
    case 'social.mentioned':
      return `Mentioned you${str(p.network) ? ` on ${str(p.network)}` : ''}`;
  }
  const details = keyProperties(event.name, p);
  return details ? `${humanize(event.name)} · ${details}` : humanize(event.name);
}

/** The colour and group of an event kind, for its icon on the timeline. */
export function eventKind(name: string): 'purchase' | 'refund' | 'email' | 'page' | 'segment' | 'survey' | 'loyalty' | 'identity' | 'other' {
  if (name === 'purchase' || name === 'order.completed' || name === 'Order Completed') return 'purchase';
  if (name === 'refund' || name === 'Order Refunded') return 'refund';
  if (name.startsWith('email.')) return 'email';
  if (name === 'page' || name === 'screen') return 'page';
  if (name.startsWith('segment.')) return 'segment';
  if (name.startsWith('survey.')) return 'survey';
  if (name.startsWith('points.') || name.startsWith('coupon.')) return 'loyalty';
  if (name === 'identify' || name === 'alias' || name === 'group') return 'identity';
  return 'other';
}

// The demo data set: a retail shop's customers and everything they did, generated one
// contact at a time from a seeded model so that it streams (1,000,000 contacts never sit in
// memory), comes out identical for the same seed and "now", and looks like real retail data
// to the features that read it: RFM segments, cohort and email reports, churn and CLV models.
//
// The purchase process is the BG/NBD model (Fader, Hardie & Lee 2005) with parameters close
// to those fitted on the CDNOW data set: each buyer purchases at their own rate
// λ ~ Gamma(r, α) and, after each repeat purchase, drops out for good with their own
// probability p ~ Beta(a, b). Order values follow the Gamma-Gamma spend model: each buyer
// has their own average, orders scatter around it. A churn model fitted to this data should
// recover roughly these parameters (DEMO_MODEL), which is what makes it useful for testing.
import type { EmailStatus, LifecycleStage } from '../contacts/fields.ts';
import type { PropertyValue } from '../contacts/schema.ts';
import {
  type Category,
  CATEGORY_WEIGHTS,
  COUNTRIES,
  type Currency,
  EMAIL_DOMAINS,
  FIRST_NAMES,
  FROM_GBP,
  LAST_NAMES,
  PAGES,
  priceIn,
  type Product,
  PRODUCTS,
  PRODUCTS_BY_CATEGORY,
  type SignupSource,
} from './catalogue.ts';
import { type Campaign, demoCampaigns } from './campaigns.ts';
import { Random } from './random.ts';

export const DEFAULT_SEED = 1;
export const DEFAULT_CONTACTS = 5_000;
export const MAX_CONTACTS = 1_000_000;

const DAY = 86_400_000;

/** The model's true parameters (time in days, money in pence). */
export const DEMO_MODEL = {
  /** How far back the first customers signed up. */
  historyDays: 1_000,
  /** Share of contacts who sign up (newsletter, popup) and never buy. */
  neverBuyShare: 0.15,
  /** BG/NBD: purchase rate λ ~ Gamma(shape r, rate α) per day; dropout p ~ Beta(a, b). */
  bgnbd: { r: 0.243, alpha: 30.9, a: 0.793, b: 2.426 },
  /** Gamma-Gamma: order value ~ Gamma(p, ν), ν ~ Gamma(q, γ); mean order about £40. */
  gammaGamma: { p: 6.25, q: 3.74, gamma: 1_750 },
  /** Days without a purchase after which a customer is marked churned. */
  churnedAfterDays: 180,
  refundShare: 0.04,
  partialRefundShare: 0.02,
} as const;

export interface DemoOptions {
  seed?: number;
  contacts?: number;
  now: Date;
  /** Contacts per yielded batch. */
  batchSize?: number;
}

export interface DemoContact {
  index: number;
  email: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  lifecycleStage: LifecycleStage;
  emailStatus: EmailStatus;
  properties: Record<string, PropertyValue>;
  createdAt: Date;
  updatedAt: Date;
}

export interface DemoEvent {
  /** Index of the contact (within the whole data set, not the batch). */
  contactIndex: number;
  name: string;
  properties: Record<string, unknown>;
  occurredAt: Date;
  messageId: string;
}

export interface DemoBatch {
  /** Index of the batch's first contact. */
  start: number;
  contacts: DemoContact[];
  events: DemoEvent[];
}

/**
 * Yields the demo data set in batches of contacts with their events. Contact i is the same
 * whatever the batch size or the number of contacts asked for, so 500 contacts are the first
 * 500 of 5,000, and a benchmark can regenerate exactly what the demo loaded.
 */
export function* generateDemo(options: DemoOptions): Generator<DemoBatch> {
  const seed = options.seed ?? DEFAULT_SEED;
  const total = options.contacts ?? DEFAULT_CONTACTS;
  const batchSize = options.batchSize ?? 1_000;
  const now = options.now.getTime();
  const campaigns = demoCampaigns(now);
  for (let start = 0; start < total; start += batchSize) {
    const batch: DemoBatch = { start, contacts: [], events: [] };
    for (let i = start; i < Math.min(total, start + batchSize); i++) {
      const { contact, events } = demoContact(seed, i, now, campaigns);
      batch.contacts.push(contact);
      for (const e of events) batch.events.push(e);
    }
    yield batch;
  }
}

interface Order {
  at: number;
  id: string;
  total: number;
  items: { sku: string; name: string; category: Category; quantity: number; unit_price: number }[];
}

/** One contact and their whole history, from their own random stream. */
export function demoContact(seed: number, index: number, now: number, campaigns: Campaign[] = demoCampaigns(now)): { contact: DemoContact; events: DemoEvent[] } {
  const rng = new Random(`rapport-demo:${seed}:${index}`);
  const m = DEMO_MODEL;
  const country = rng.weighted(COUNTRIES);
  const firstName = rng.pick(FIRST_NAMES[country.locale]);
  const lastName = rng.pick(LAST_NAMES[country.locale]);
  const email = demoEmail(rng, firstName, lastName, index);

  // More customers joined recently than long ago: a growing shop.
  const ageFraction = rng.chance(0.55) ? rng.next() : 1 - Math.sqrt(rng.next());
  let createdAt = now - Math.floor(ageFraction * m.historyDays * DAY) - rng.int(0, DAY / 1000) * 1000;
  const wouldBuy = !rng.chance(m.neverBuyShare);
  const source: SignupSource = wouldBuy
    ? rng.weighted([['checkout', 50], ['website', 20], ['instagram', 9], ['facebook', 6], ['referral', 10], ['in_store', 5]])
    : rng.weighted([['website', 40], ['popup', 40], ['instagram', 10], ['facebook', 5], ['referral', 5]]);
  const favourite = rng.weighted(CATEGORY_WEIGHTS);

  // Everyone draws every parameter, buyer or not, so the stream stays aligned.
  const lambda = rng.gamma(m.bgnbd.r, 1 / m.bgnbd.alpha);
  const dropout = rng.beta(m.bgnbd.a, m.bgnbd.b);
  const nu = rng.gamma(m.gammaGamma.q, 1 / m.gammaGamma.gamma);
  const openRate = rng.beta(2, 4);
  const clickRate = rng.beta(1.5, 8);

  // The purchase process (BG/NBD): no dropout before the first repeat purchase.
  const purchaseTimes: number[] = [];
  let diedAt = Infinity;
  if (wouldBuy) {
    let t = source === 'checkout' ? createdAt + rng.int(60, 900) * 1000 : createdAt + rng.exponential(20 * DAY);
    while (t < now) {
      purchaseTimes.push(Math.floor(t));
      if (purchaseTimes.length > 1 && rng.chance(dropout)) {
        diedAt = t;
        break;
      }
      t += rng.exponential(1 / Math.max(lambda, 1e-9)) * DAY;
    }
  }

  const currency = country.currency;
  const orders: Order[] = purchaseTimes.map((at, k) => {
    const target = Math.min(rng.gamma(m.gammaGamma.p, 1 / nu), 150_000) * FROM_GBP[currency];
    const items = fillBasket(rng, target, favourite, currency);
    return { at, id: `D${seed}-${index + 1}-${k + 1}`, total: items.reduce((s, it) => s + it.quantity * it.unit_price, 0), items };
  });

  // Message ids name what happened ("order 3's refund", "the March newsletter, opened")
  // rather than counting events, so loading again later, when the history has moved on with
  // the clock, still recognizes what is already there.
  const events: DemoEvent[] = [];
  const add = (id: string, name: string, at: number, properties: Record<string, unknown>) =>
    events.push({ contactIndex: index, name, properties, occurredAt: new Date(at), messageId: `demo:${seed}:${index}:${id}` });

  // How they arrived: checkout buyers through a product page, the others through sign-up.
  if (source === 'checkout' && orders.length > 0) {
    const first = orders[0]!;
    createdAt = first.at - rng.int(120, 1_800) * 1000;
    add('signup', 'page', createdAt, PAGES.product(productBySku(first.items[0]!.sku)));
  } else {
    add('signup', 'page', createdAt, rng.chance(0.5) ? PAGES.signup : PAGES.home);
  }

  let refunded = 0;
  for (const [k, order] of orders.entries()) {
    if (k > 0 || source !== 'checkout') {
      add(`o${k + 1}:view`, 'page', Math.max(createdAt, order.at - Math.floor(rng.logNormal(15 * 60_000, 1))), PAGES.product(productBySku(rng.pick(order.items).sku)));
    }
    add(`o${k + 1}`, 'purchase', order.at, { order_id: order.id, total: order.total, currency, items: order.items, item_count: order.items.reduce((s, it) => s + it.quantity, 0) });
    const refundAt = order.at + rng.int(2, 20) * DAY;
    const r = rng.next();
    if (refundAt < now && r < m.refundShare + m.partialRefundShare) {
      const total = r < m.refundShare ? order.total : rng.pick(order.items).unit_price;
      refunded += total;
      add(`o${k + 1}:refund`, 'refund', refundAt, { order_id: order.id, total, currency });
    }
  }

  // Subscription: some checkout buyers never opt in; a few leave or bounce along the way.
  let emailStatus: EmailStatus = source === 'checkout' && rng.chance(0.35) ? 'not_subscribed' : 'subscribed';
  const newsletter = !wouldBuy || rng.chance(0.45);
  let mailableUntil = emailStatus === 'subscribed' ? now : -Infinity;
  const leaving = rng.next();
  if (emailStatus === 'subscribed' && leaving < 0.065) {
    emailStatus = leaving < 0.05 ? 'unsubscribed' : leaving < 0.062 ? 'bounced' : 'complained';
    mailableUntil = createdAt + rng.next() * (now - createdAt);
  }

  for (const campaign of campaigns) {
    if (campaign.sentAt <= createdAt || campaign.sentAt >= mailableUntil) continue;
    const bought = orders.filter((o) => o.at < campaign.sentAt);
    if (!campaign.audience({ newsletter, orders: bought.length, lastOrderAt: bought.at(-1)?.at, favourite })) continue;
    add(`${campaign.key}:sent`, 'email.sent', campaign.sentAt, { campaign: campaign.key, subject: campaign.subject });
    // Engagement fades once a customer has quietly left.
    const alive = campaign.sentAt < diedAt;
    if (!rng.chance(openRate * (alive ? 1 : 0.35))) continue;
    const openedAt = campaign.sentAt + Math.floor(rng.logNormal(3 * 3_600_000, 1.2));
    if (openedAt >= now) continue;
    add(`${campaign.key}:opened`, 'email.opened', openedAt, { campaign: campaign.key, subject: campaign.subject });
    if (!rng.chance(clickRate)) continue;
    const clickedAt = openedAt + Math.floor(rng.logNormal(90_000, 1));
    if (clickedAt < now) add(`${campaign.key}:clicked`, 'email.clicked', clickedAt, { campaign: campaign.key, subject: campaign.subject, url: campaign.url });
  }

  const spentGbp = (orders.reduce((s, o) => s + o.total, 0) - refunded) / FROM_GBP[currency];
  const lastOrderAt = orders.at(-1)?.at;
  const lifecycleStage: LifecycleStage = lastOrderAt === undefined ? 'lead' : now - lastOrderAt >= m.churnedAfterDays * DAY ? 'churned' : 'customer';
  const phone = country.phone && rng.chance(0.45) ? country.phone(index) : null;
  const properties: Record<string, PropertyValue> = { signup_source: source, country: country.code, city: rng.pick(country.cities) };
  if (orders.length > 0) properties.loyalty_tier = spentGbp >= 40_000 ? 'gold' : spentGbp >= 12_000 ? 'silver' : 'bronze';
  if (orders.length > 0 || rng.chance(0.6)) properties.favourite_category = orders.length > 0 ? mostBought(orders) : favourite;
  if (rng.chance(0.65)) properties.birthday = birthday(rng, now);
  if (phone) properties.accepts_sms = rng.chance(0.6);

  const statusChangedAt = Number.isFinite(mailableUntil) && mailableUntil < now ? mailableUntil : createdAt;
  const contact: DemoContact = {
    index,
    email,
    firstName,
    lastName,
    phone,
    lifecycleStage,
    emailStatus,
    properties,
    createdAt: new Date(createdAt),
    updatedAt: new Date(Math.max(createdAt, lastOrderAt ?? 0, statusChangedAt)),
  };
  return { contact, events };
}

/** "olivia.smith42@example.com": the index makes it unique, the name makes it believable. */
function demoEmail(rng: Random, first: string, last: string, index: number): string {
  const f = asciiLower(first);
  const l = asciiLower(last);
  const local = rng.weighted<string>([
    [`${f}.${l}`, 45],
    [`${f}${l}`, 15],
    [`${f[0]}${l}`, 20],
    [`${f}_${l}`, 10],
    [f, 10],
  ]);
  return `${local}${index + 1}@${rng.weighted(EMAIL_DOMAINS)}`;
}

function asciiLower(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const BY_SKU = new Map(PRODUCTS.map((x) => [x.sku, x]));
const productBySku = (sku: string): Product => BY_SKU.get(sku)!;

/**
 * A basket worth about `target` (minor units of `currency`): mostly from the favourite
 * category, bags of coffee and tea by the several, never empty.
 */
function fillBasket(rng: Random, target: number, favourite: Category, currency: Currency): Order['items'] {
  const items: Order['items'] = [];
  let left = target;
  while (items.length < 6) {
    const category = rng.chance(0.65) ? favourite : rng.weighted(CATEGORY_WEIGHTS);
    const affordable = PRODUCTS_BY_CATEGORY[category].filter((x) => priceIn(x, currency) <= left * 1.2 && !items.some((it) => it.sku === x.sku));
    if (affordable.length === 0) {
      if (items.length > 0 || rng.chance(0.5)) break;
      continue;
    }
    const product = rng.pick(affordable);
    const price = priceIn(product, currency);
    const quantity = product.consumable ? Math.max(1, Math.min(4, Math.floor(left / price))) : 1;
    items.push({ sku: product.sku, name: product.name, category: product.category, quantity, unit_price: price });
    left -= quantity * price;
    if (left < 400) break;
  }
  if (items.length === 0) {
    const cheapest = PRODUCTS_BY_CATEGORY[favourite].reduce((a, b) => (a.gbp <= b.gbp ? a : b));
    items.push({ sku: cheapest.sku, name: cheapest.name, category: cheapest.category, quantity: 1, unit_price: priceIn(cheapest, currency) });
  }
  return items;
}

function mostBought(orders: Order[]): Category {
  const counts = new Map<Category, number>();
  for (const o of orders) for (const it of o.items) counts.set(it.category, (counts.get(it.category) ?? 0) + it.quantity);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function birthday(rng: Random, now: number): string {
  const year = new Date(now).getUTCFullYear() - rng.int(18, 75);
  const d = new Date(Date.UTC(year, 0, 1) + rng.int(0, 364) * DAY);
  return d.toISOString().slice(0, 10);
}

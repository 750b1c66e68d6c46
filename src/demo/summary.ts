// What a generated demo data set looks like in figures: printed by `rapport demo`, kept in
// the job's result, and checked by the tests (a share of one-time buyers, of churned
// customers, a heavy tail of spend).
import type { DemoBatch } from './generate.ts';
import { FROM_GBP, type Currency } from './catalogue.ts';

export interface DemoShape {
  contacts: number;
  lifecycle: Record<string, number>;
  emailStatus: Record<string, number>;
  events: Record<string, number>;
  buyers: number;
  /** Buyers by number of purchases: "1", "2", "3", "4-5", "6-9", "10+". */
  purchasesPerBuyer: Record<string, number>;
  orders: number;
  refunds: number;
  /** Purchases minus refunds, in minor units of each currency. */
  revenue: Partial<Record<Currency, number>>;
  /** Share of net revenue (in pounds at the demo's rates) from the top 10% of buyers. */
  top10SpendShare: number;
}

const BUCKETS: [string, number][] = [
  ['1', 1],
  ['2', 2],
  ['3', 3],
  ['4-5', 5],
  ['6-9', 9],
  ['10+', Infinity],
];

export class DemoSummary {
  #shape: DemoShape = {
    contacts: 0,
    // Keys in a fixed order, for people reading the figures.
    lifecycle: { customer: 0, churned: 0, lead: 0 },
    emailStatus: { subscribed: 0, not_subscribed: 0, unsubscribed: 0, bounced: 0, complained: 0 },
    events: { page: 0, purchase: 0, refund: 0, 'email.sent': 0, 'email.opened': 0, 'email.clicked': 0 },
    buyers: 0,
    purchasesPerBuyer: Object.fromEntries(BUCKETS.map(([k]) => [k, 0])),
    orders: 0,
    refunds: 0,
    revenue: { GBP: 0, EUR: 0, USD: 0 },
    top10SpendShare: 0,
  };
  // Spend per buyer, for the concentration figure (8 bytes a buyer, fine at 1,000,000).
  #spend: number[] = [];

  add(batch: DemoBatch): void {
    const s = this.#shape;
    const perContact = new Map<number, { orders: number; spend: number }>();
    for (const c of batch.contacts) {
      s.contacts++;
      s.lifecycle[c.lifecycleStage] = (s.lifecycle[c.lifecycleStage] ?? 0) + 1;
      s.emailStatus[c.emailStatus] = (s.emailStatus[c.emailStatus] ?? 0) + 1;
    }
    for (const e of batch.events) {
      s.events[e.name] = (s.events[e.name] ?? 0) + 1;
      if (e.name !== 'purchase' && e.name !== 'refund') continue;
      const { total, currency } = e.properties as { total: number; currency: Currency };
      const sign = e.name === 'purchase' ? 1 : -1;
      s.revenue[currency] = (s.revenue[currency] ?? 0) + sign * total;
      const acc = perContact.get(e.contactIndex) ?? { orders: 0, spend: 0 };
      if (e.name === 'purchase') acc.orders++;
      acc.spend += (sign * total) / FROM_GBP[currency];
      perContact.set(e.contactIndex, acc);
      if (e.name === 'purchase') s.orders++;
      else s.refunds++;
    }
    for (const { orders, spend } of perContact.values()) {
      if (orders === 0) continue;
      s.buyers++;
      const bucket = BUCKETS.find(([, max]) => orders <= max)![0];
      s.purchasesPerBuyer[bucket]!++;
      this.#spend.push(spend);
    }
  }

  result(): DemoShape {
    const sorted = [...this.#spend].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top = sorted.slice(0, Math.ceil(sorted.length / 10)).reduce((a, b) => a + b, 0);
    return { ...this.#shape, top10SpendShare: total > 0 ? Math.round((top / total) * 1000) / 1000 : 0 };
  }
}

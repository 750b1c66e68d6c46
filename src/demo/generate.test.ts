import { describe, expect, it } from 'vitest';
import { coerceValue, type PropertyDefinition } from '../contacts/values.ts';
import { DEMO_PROPERTIES, PRODUCTS } from './catalogue.ts';
import { type DemoBatch, type DemoContact, type DemoEvent, generateDemo } from './generate.ts';
import { Random } from './random.ts';
import { DemoSummary } from './summary.ts';

const NOW = new Date('2026-01-15T12:00:00Z');
const DAY = 86_400_000;

function all(options: Parameters<typeof generateDemo>[0]): { contacts: DemoContact[]; events: DemoEvent[]; batches: DemoBatch[] } {
  const batches = [...generateDemo(options)];
  return { contacts: batches.flatMap((b) => b.contacts), events: batches.flatMap((b) => b.events), batches };
}

// One data set of the default size, shared by the realism checks.
const shop = all({ contacts: 5_000, now: NOW });
const byContact = new Map<number, DemoEvent[]>();
for (const e of shop.events) byContact.set(e.contactIndex, [...(byContact.get(e.contactIndex) ?? []), e]);
const purchasesOf = (i: number) => (byContact.get(i) ?? []).filter((e) => e.name === 'purchase');

describe('the seeded random generator', () => {
  it('repeats itself for a seed and differs between seeds', () => {
    const draw = (seed: string) => {
      const r = new Random(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('draws gammas and betas with the right means', () => {
    const r = new Random('moments');
    const n = 20_000;
    let g = 0;
    let small = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      g += r.gamma(3, 2);
      small += r.gamma(0.25, 4);
      b += r.beta(0.8, 2.4);
    }
    expect(g / n).toBeCloseTo(6, 0);
    expect(small / n).toBeCloseTo(1, 0);
    expect(b / n).toBeCloseTo(0.25, 1);
  });
});

describe('generateDemo', () => {
  it('gives the same data for the same seed and now, and other data for another seed', () => {
    const again = all({ contacts: 5_000, now: NOW });
    expect(again.contacts).toEqual(shop.contacts);
    expect(again.events).toEqual(shop.events);
    const other = all({ contacts: 200, now: NOW, seed: 2 });
    expect(other.contacts.map((c) => c.email)).not.toEqual(shop.contacts.slice(0, 200).map((c) => c.email));
  });

  it('makes contact i the same whatever the batch size or the number of contacts', () => {
    const small = all({ contacts: 300, now: NOW, batchSize: 7 });
    expect(small.batches[0]!.contacts).toHaveLength(7);
    expect(small.contacts).toEqual(shop.contacts.slice(0, 300));
    expect(small.events).toEqual(shop.events.filter((e) => e.contactIndex < 300));
  });

  it('writes unique emails at reserved domains and unique message ids, nothing after now', () => {
    expect(new Set(shop.contacts.map((c) => c.email)).size).toBe(shop.contacts.length);
    for (const c of shop.contacts) expect(c.email).toMatch(/^[a-z._]+\d+@example\.(com|org|net)$/);
    expect(new Set(shop.events.map((e) => e.messageId)).size).toBe(shop.events.length);
    const now = NOW.getTime();
    for (const e of shop.events) expect(e.occurredAt.getTime()).toBeLessThan(now);
    for (const c of shop.contacts) {
      expect(c.createdAt.getTime()).toBeLessThanOrEqual(c.updatedAt.getTime());
      expect(c.createdAt.getTime()).toBeGreaterThan(now - 1_100 * DAY);
      const first = Math.min(...byContact.get(c.index)!.map((e) => e.occurredAt.getTime()));
      // Every contact arrives through a page view, at the moment they sign up.
      expect(first).toBe(c.createdAt.getTime());
    }
  });

  it('writes property values that their definitions accept', () => {
    const defs = new Map<string, PropertyDefinition>(DEMO_PROPERTIES.map((d) => [d.key, { ...d, options: [...d.options] }]));
    for (const c of shop.contacts.slice(0, 1_000)) {
      for (const [key, value] of Object.entries(c.properties)) {
        const def = defs.get(key);
        expect(def, key).toBeDefined();
        expect(coerceValue(def!, value)).toEqual({ ok: true, value });
      }
    }
    const tiers = new Set(shop.contacts.map((c) => c.properties.loyalty_tier));
    expect(tiers).toEqual(new Set(['bronze', 'silver', 'gold', undefined]));
  });

  it('writes purchases whose totals add up from the line items, in the currency of the country', () => {
    const skus = new Map(PRODUCTS.map((p) => [p.sku, p]));
    const currencyOf: Record<string, string> = { GB: 'GBP', US: 'USD' };
    for (const e of shop.events.filter((x) => x.name === 'purchase')) {
      const p = e.properties as { order_id: string; total: number; currency: string; items: { sku: string; category: string; quantity: number; unit_price: number }[]; item_count: number };
      expect(p.items.length).toBeGreaterThan(0);
      expect(p.total).toBe(p.items.reduce((s, it) => s + it.quantity * it.unit_price, 0));
      expect(p.item_count).toBe(p.items.reduce((s, it) => s + it.quantity, 0));
      expect(Number.isInteger(p.total)).toBe(true);
      for (const it of p.items) expect(skus.get(it.sku)?.category).toBe(it.category);
      const country = shop.contacts[e.contactIndex]!.properties.country as string;
      expect(p.currency).toBe(currencyOf[country] ?? 'EUR');
    }
    const refunds = shop.events.filter((x) => x.name === 'refund');
    const orders = new Map(shop.events.filter((x) => x.name === 'purchase').map((x) => [x.properties.order_id, x]));
    expect(refunds.length).toBeGreaterThan(50);
    for (const r of refunds) {
      const order = orders.get(r.properties.order_id)!;
      expect(r.occurredAt.getTime()).toBeGreaterThan(order.occurredAt.getTime());
      expect(r.properties.total as number).toBeLessThanOrEqual(order.properties.total as number);
    }
  });

  it('looks like a retail customer base: one-time buyers, loyal repeat buyers, churned ones, a heavy tail of spend', () => {
    const shape = new DemoSummary();
    for (const b of shop.batches) shape.add(b);
    const s = shape.result();
    const buyers = s.buyers;
    expect(buyers / s.contacts).toBeGreaterThan(0.7);
    expect(s.lifecycle.lead! / s.contacts).toBeGreaterThan(0.1);
    // "Bought once and never again" is the largest group of buyers, as in every shop.
    expect(s.purchasesPerBuyer['1']! / buyers).toBeGreaterThan(0.4);
    expect(s.purchasesPerBuyer['1']! / buyers).toBeLessThan(0.7);
    expect((s.purchasesPerBuyer['4-5']! + s.purchasesPerBuyer['6-9']! + s.purchasesPerBuyer['10+']!) / buyers).toBeGreaterThan(0.1);
    expect(s.purchasesPerBuyer['10+']).toBeGreaterThan(20);
    // The top 10% of buyers bring a large share of revenue.
    expect(s.top10SpendShare).toBeGreaterThan(0.35);
    expect(s.emailStatus.unsubscribed).toBeGreaterThan(20);
    for (const currency of ['GBP', 'EUR', 'USD'] as const) expect(s.revenue[currency]).toBeGreaterThan(0);

    const now = NOW.getTime();
    let churned = 0;
    let recent = 0;
    for (const c of shop.contacts) {
      const times = purchasesOf(c.index).map((e) => e.occurredAt.getTime());
      if (times.length === 0) {
        expect(c.lifecycleStage).toBe('lead');
        continue;
      }
      const quiet = now - Math.max(...times);
      if (quiet >= 180 * DAY) churned++;
      if (quiet < 90 * DAY) recent++;
      expect(c.lifecycleStage).toBe(quiet >= 180 * DAY ? 'churned' : 'customer');
    }
    expect(churned / buyers).toBeGreaterThan(0.35);
    expect(churned / buyers).toBeLessThan(0.8);
    expect(recent / buyers).toBeGreaterThan(0.1);
  });

  it('gives each repeat buyer their own order size and spreads first purchases over years', () => {
    const means = [...byContact.keys()]
      .map((i) => purchasesOf(i).map((e) => (e.properties.total as number) / (e.properties.currency === 'GBP' ? 1 : e.properties.currency === 'EUR' ? 1.17 : 1.27)))
      .filter((t) => t.length >= 3)
      .map((t) => t.reduce((a, b) => a + b, 0) / t.length);
    const avg = means.reduce((a, b) => a + b, 0) / means.length;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - avg) ** 2, 0) / means.length);
    expect(avg).toBeGreaterThan(2_500);
    expect(avg).toBeLessThan(8_000);
    expect(sd / avg).toBeGreaterThan(0.3);

    const firstPurchaseAge = [...byContact.keys()].map((i) => purchasesOf(i)[0]).filter((e) => e).map((e) => (NOW.getTime() - e!.occurredAt.getTime()) / DAY);
    const share = (from: number, to: number) => firstPurchaseAge.filter((d) => d >= from && d < to).length / firstPurchaseAge.length;
    expect(share(0, 365)).toBeGreaterThan(0.3);
    expect(share(365, 730)).toBeGreaterThan(0.2);
    expect(share(730, 1_100)).toBeGreaterThan(0.05);
  });

  it('sends campaigns to subscribers only, and opens and clicks follow sends', () => {
    const sent = new Set(shop.events.filter((e) => e.name === 'email.sent').map((e) => `${e.contactIndex}:${e.properties.campaign}`));
    const opened = shop.events.filter((e) => e.name === 'email.opened');
    const clicked = shop.events.filter((e) => e.name === 'email.clicked');
    expect(sent.size).toBeGreaterThan(shop.contacts.length * 3);
    expect(opened.length / sent.size).toBeGreaterThan(0.15);
    expect(opened.length / sent.size).toBeLessThan(0.5);
    expect(clicked.length).toBeGreaterThan(0);
    for (const e of [...opened, ...clicked]) expect(sent.has(`${e.contactIndex}:${e.properties.campaign}`)).toBe(true);
    for (const c of shop.contacts.filter((x) => x.emailStatus === 'not_subscribed')) {
      expect((byContact.get(c.index) ?? []).some((e) => e.name === 'email.sent')).toBe(false);
    }
    const campaigns = new Set(shop.events.filter((e) => e.name === 'email.sent').map((e) => e.properties.campaign));
    expect(campaigns.size).toBeGreaterThan(15);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderEvent } from '../purchases/ecommerce.ts';
import { currencyExponent, formatMoney, toMinorUnits } from './money.ts';

describe('money', () => {
  it('uses each currency’s ISO 4217 exponent, not a display guess', () => {
    expect([currencyExponent('GBP'), currencyExponent('JPY'), currencyExponent('BHD'), currencyExponent('CLF'), currencyExponent('HUF')]).toEqual([2, 0, 3, 4, 2]);
    expect(currencyExponent('ABC')).toBeUndefined();
    expect(currencyExponent('gbp')).toBe(2);
  });

  it('converts major units exactly: 19.99 is 1999, 0.1 + 0.2 is 30, ¥1200 is 1200, BHD 1.2345 rounds to 1235', () => {
    expect(toMinorUnits(19.99, 'GBP')).toEqual({ ok: true, value: 1999 });
    expect(toMinorUnits(0.1 + 0.2, 'GBP')).toEqual({ ok: true, value: 30 });
    expect(toMinorUnits(1200, 'JPY')).toEqual({ ok: true, value: 1200 });
    expect(toMinorUnits('1.2345', 'BHD')).toEqual({ ok: true, value: 1235 });
    expect(toMinorUnits('-2.005', 'EUR')).toEqual({ ok: true, value: -201 });
    expect(toMinorUnits(1e-7, 'EUR')).toEqual({ ok: true, value: 0 });
    expect(toMinorUnits('12,50', 'EUR').ok).toBe(false);
    expect(toMinorUnits('ten', 'EUR')).toEqual({ ok: false, reason: '"ten" is not an amount' });
    expect(toMinorUnits(10, 'XYZ').ok).toBe(false);
    expect(toMinorUnits(1e300, 'GBP')).toEqual({ ok: false, reason: 'is too large' });
  });

  it('an amount written with its currency’s decimals reads back as the same minor units (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('GBP', 'JPY', 'BHD', 'CLF', 'USD'), (minor, currency) => {
        const e = currencyExponent(currency)!;
        const sign = minor < 0 ? '-' : '';
        const digits = String(Math.abs(minor)).padStart(e + 1, '0');
        const text = e === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -e)}.${digits.slice(-e)}`;
        expect(toMinorUnits(text, currency)).toEqual({ ok: true, value: minor });
        // The same amount as a JavaScript number (what a JSON body carries).
        expect(toMinorUnits(Number(text), currency)).toEqual({ ok: true, value: minor });
      }),
    );
  });

  it('formats with the currency’s own decimals', () => {
    expect(formatMoney(1900, 'GBP', 'en-GB')).toBe('£19.00');
    expect(formatMoney(1200, 'JPY', 'en-GB')).toBe('JP¥1,200');
    expect(formatMoney(150000, 'HUF', 'en-GB')).toMatch(/^HUF\s1,500\.00$/);
  });
});

describe('Segment’s e-commerce events', () => {
  it('an order’s total is the total, else the revenue, else its products’ sum; items count by quantity', () => {
    const products = [
      { sku: 'A', price: 9.5, quantity: 2 },
      { sku: 'B', price: '1.25' },
    ];
    const o = orderEvent('Order Completed', { order_id: 7, products, shipping: 3.99, currency: 'GBP' }, 'm1', 'USD');
    expect(o).toMatchObject({ name: 'purchase', messageId: 'purchase:7', properties: { order_id: '7', total: 2025, item_count: 3, shipping: 399, currency: 'GBP' } });
    expect(orderEvent('Order Completed', { order_id: 'x', revenue: 12, total: 15 }, 'm', 'EUR')).toMatchObject({ properties: { total: 1500, revenue: 1200, currency: 'EUR' } });
    expect(orderEvent('Order Completed', { order_id: 'x', revenue: 12 }, 'm', 'EUR')).toMatchObject({ properties: { total: 1200 } });
    expect(orderEvent('Product Viewed', { sku: 'A' }, 'm', 'EUR')).toBeUndefined();
    // One product at the top level, as some shops send it.
    expect(orderEvent('Order Completed', { sku: 'S-1', price: 12.5, quantity: 3, currency: 'EUR' }, 'm9', 'USD')).toMatchObject({
      messageId: 'purchase:message:m9',
      properties: { total: 3750, item_count: 3, items: [{ sku: 'S-1', quantity: 3, unit_price: 1250, total: 3750 }] },
    });
  });

  it('says what is wrong with an order it cannot read', () => {
    expect(orderEvent('Order Completed', { order_id: 'x' }, 'm', 'EUR')).toEqual({ error: expect.stringMatching(/total is required/) });
    expect(orderEvent('Order Completed', { order_id: 'x', total: 5, products: 'mug' }, 'm', 'EUR')).toEqual({ error: 'properties.products must be a list of products' });
    expect(orderEvent('Order Completed', { order_id: 'x', products: [{ price: 5, quantity: 1.5 }] }, 'm', 'EUR')).toEqual({
      error: 'properties.products.0.quantity must be a whole number',
    });
    expect(orderEvent('Order Refunded', {}, 'm', 'EUR')).toEqual({ error: expect.stringMatching(/needs properties.order_id/) });
  });
});

import { describe, expect, it } from 'vitest';
import { parseMessage, reconcileTime } from './messages.ts';
import { inferType, prepareTraits } from './traits.ts';

const received = new Date('2026-01-15T12:00:00.000Z');

describe('times, as Segment reconciles them', () => {
  it('corrects the client clock by the difference between sentAt and timestamp', () => {
    // The client's clock is 10 minutes fast; the event happened 5 s before it was sent.
    const timestamp = new Date('2026-01-15T12:09:55.000Z');
    const sentAt = new Date('2026-01-15T12:10:00.000Z');
    expect(reconcileTime(timestamp, sentAt, received).toISOString()).toBe('2026-01-15T11:59:55.000Z');
  });

  it('takes a timestamp without sentAt as it is, and uses receivedAt without a timestamp', () => {
    const old = new Date('2024-03-05T10:00:00.000Z');
    expect(reconcileTime(old, undefined, received)).toEqual(old);
    expect(reconcileTime(undefined, new Date('2030-01-01T00:00:00Z'), received)).toEqual(received);
  });

  it('reads RudderStack’s originalTimestamp and a batch-level sentAt', () => {
    const p = parseMessage(
      { type: 'track', userId: 'u', event: 'E', originalTimestamp: '2026-01-15T13:00:00.000Z' },
      0,
      undefined,
      received,
      { sentAt: '2026-01-15T13:00:01.000Z' },
    );
    expect(p.ok && p.message.occurredAt.toISOString()).toBe('2026-01-15T11:59:59.000Z');
  });
});

describe('a message', () => {
  it('needs a userId or an anonymousId, and the fields of its type', () => {
    const no = (raw: unknown, type?: 'track' | 'alias' | 'group') => {
      const p = parseMessage(raw, 0, type, received);
      expect(p.ok).toBe(false);
      return p.ok ? '' : p.message;
    };
    expect(no({ event: 'E' }, 'track')).toBe('userId or anonymousId is required');
    expect(no({ userId: 'u' }, 'track')).toBe('event is required');
    expect(no({ userId: 'u', event: '' }, 'track')).toBe('event is empty');
    expect(no({ userId: 'u', event: 'E', properties: [1] }, 'track')).toContain('properties must be an object');
    expect(no({ userId: 'u' }, 'alias')).toBe('previousId is required');
    expect(no({ anonymousId: 'a', previousId: 'p' }, 'alias')).toContain('userId');
    expect(no({ userId: 'u' }, 'group')).toContain('groupId');
    expect(no({ type: 'nope', userId: 'u' })).toContain('type must be one of');
    expect(no({ userId: 'u', event: 'E' })).toBe('type is required');
    expect(no({ userId: 'u', event: 'E', timestamp: 'yesterday' }, 'track')).toContain('is not an ISO 8601 date');
    expect(no('text', 'track')).toBe('the message must be a JSON object');
    // Found by the property test: a skew correction out of JavaScript's date range.
    expect(no({ userId: 'u', event: 'E', timestamp: '+075034-04-25T07:50:57.085Z', sentAt: '-198700-07-04T13:47:58.183Z' }, 'track')).toContain('outside the years');
    expect(no({ userId: 'u', event: 'E', properties: { big: 'x'.repeat(40_000) } }, 'track')).toContain('larger than 32 KB');
    // Bytes, not characters: 12,000 euro signs are 36 KB of UTF-8.
    expect(no({ userId: 'u', event: 'E', properties: { p: '€'.repeat(12_000) } }, 'track')).toContain('larger than 32 KB');
    expect(parseMessage({ userId: 'u', event: 'E', properties: { p: '€'.repeat(10_000), q: 'x'.repeat(1_000) } }, 0, 'track', received).ok).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(no({ userId: 'u', event: 'E', properties: deep }, 'track')).toContain('nested deeper');
  });

  it('keeps context under $context and gives pages their name, category and page facts', () => {
    const p = parseMessage(
      {
        type: 'page',
        anonymousId: 'a-1',
        name: 'Pricing',
        category: 'Docs',
        properties: { plan: 'pro' },
        context: { ip: '203.0.113.9', page: { url: 'https://x.test/pricing', path: '/pricing', title: 'Pricing' } },
      },
      3,
      undefined,
      received,
      { context: { library: { name: 'test' } } },
    );
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.message).toMatchObject({ index: 3, type: 'page', name: 'page', anonymousId: 'a-1' });
    expect(p.message.properties).toEqual({
      url: 'https://x.test/pricing',
      path: '/pricing',
      title: 'Pricing',
      plan: 'pro',
      name: 'Pricing',
      category: 'Docs',
      $context: {
        library: { name: 'test' },
        ip: '203.0.113.9',
        page: { url: 'https://x.test/pricing', path: '/pricing', title: 'Pricing' },
      },
    });
    expect(p.message.messageId).toMatch(/^rapport-[0-9a-f-]{36}$/);
  });

  it('takes numeric ids as text', () => {
    const p = parseMessage({ userId: 42, anonymousId: '  ', event: 'E', messageId: 7 }, 0, 'track', received);
    expect(p.ok && [p.message.userId, p.message.anonymousId, p.message.messageId]).toEqual(['42', undefined, '7']);
  });
});

describe('traits', () => {
  it('map to fields and custom properties', () => {
    const p = prepareTraits(
      {
        email: ' Ann@Example.COM ',
        name: 'Ann Marie Lee',
        lastName: 'Lee-Smith',
        phone: '020 7946 0018',
        lifecycleStage: 'Customer',
        createdAt: '2024-03-05T10:00:00Z',
        plan: 'pro',
        address: { city: 'London', lines: ['a'] },
        id: 'ignored',
        email_status: 'unsubscribed',
      },
      'GB',
    );
    if ('error' in p) throw new Error(p.error);
    expect(p.fields).toEqual({ email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee-Smith', phone: '+442079460018', lifecycleStage: 'customer' });
    expect(Object.fromEntries(p.custom)).toEqual({ created_at: '2024-03-05T10:00:00Z', plan: 'pro', address_city: 'London' });
    expect(p.warnings).toEqual([
      'traits.address_lines: lists cannot be stored as a property; it was not stored',
      'traits.email_status: email_status cannot be set by tracking; it was not stored',
    ]);
    expect(prepareTraits({ email: 'not an email' }, null)).toEqual({ error: 'traits.email: "not an email" is not an email address' });
  });

  it('infer the type of new properties from the first value', () => {
    expect([inferType(true), inferType(3), inferType('2024-01-02'), inferType('hello'), inferType(null)]).toEqual([
      'boolean',
      'number',
      'date',
      'string',
      undefined,
    ]);
  });
});

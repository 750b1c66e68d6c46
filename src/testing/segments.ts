// Random workspaces and definitions for the segment property tests (fast-check arbitraries).
import fc from 'fast-check';
import type { SqlSession } from '../db/client.ts';
import { uuidv7 } from '../db/ids.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import type { Condition, EventCondition, FieldCondition, PurchaseCondition, SegmentNode } from '../segments/definition.ts';
import type { MemoryContact, MemoryEvent } from '../segments/evaluate.ts';

export const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;

export const PROPERTIES: PropertyDefinition[] = [
  { key: 'tier', label: 'Tier', description: '', type: 'enum', options: ['bronze', 'silver', 'gold'] },
  { key: 'spend', label: 'Spend', description: '', type: 'number', options: [] },
  { key: 'vip', label: 'VIP', description: '', type: 'boolean', options: [] },
  { key: 'city', label: 'City', description: '', type: 'string', options: [] },
  { key: 'birthday', label: 'Birthday', description: '', type: 'date', options: [] },
];

const WORDS = ['ann', 'Ann', 'anna', 'Bob', 'bo', 'Zoë', 'lee', 'Lee-Ann', 'x'];
const EVENT_NAMES = ['purchase', 'refund', 'page', 'email.opened'];
const CURRENCIES = ['GBP', 'JPY'];
const SKUS = ['A1', 'a1', 'B2', 'C3'];

const day = (offsetDays: number) => new Date(NOW.getTime() + offsetDays * DAY);
const isoDay = (offsetDays: number) => day(offsetDays).toISOString().slice(0, 10);
// Times on whole minutes and whole days around now, and exactly on the edges of windows.
const EDGE_DAYS = [0, 1, 7, 30, 90, 365];
const moment = fc.oneof(
  fc.constantFrom(...EDGE_DAYS).map((d) => day(-d)),
  fc.integer({ min: -800, max: 30 }).map((d) => day(d)),
  fc.integer({ min: -800 * 1440, max: 30 * 1440 }).map((m) => new Date(NOW.getTime() + m * 60_000)),
);

const contactArb = fc.record({
  first_name: fc.option(fc.constantFrom(...WORDS), { nil: null }),
  last_name: fc.option(fc.constantFrom(...WORDS), { nil: null }),
  lifecycle_stage: fc.option(fc.constantFrom('lead', 'customer', 'churned'), { nil: null }),
  email_status: fc.constantFrom('subscribed', 'unsubscribed'),
  created_at: moment,
  tier: fc.option(fc.constantFrom('bronze', 'silver', 'gold'), { nil: undefined }),
  spend: fc.option(fc.oneof(fc.integer({ min: -5, max: 105 }), fc.constantFrom(0.5, 99.99)), { nil: undefined }),
  vip: fc.option(fc.boolean(), { nil: undefined }),
  city: fc.option(fc.constantFrom(...WORDS), { nil: undefined }),
  birthday: fc.option(
    fc.oneof(fc.integer({ min: -20000, max: 0 }).map(isoDay), fc.constantFrom('2000-02-29', '1990-06-15', '1985-12-31', '1999-01-01')),
    { nil: undefined },
  ),
});

const eventArb = fc.record({
  contact: fc.nat(),
  name: fc.constantFrom(...EVENT_NAMES),
  occurredAt: moment,
  total: fc.option(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant('12')), { nil: undefined }),
  sku: fc.option(fc.constantFrom(...SKUS), { nil: undefined }),
  gift: fc.option(fc.boolean(), { nil: undefined }),
  currency: fc.option(fc.constantFrom(...CURRENCIES), { nil: undefined, freq: 4 }),
  item_count: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
});

export interface Dataset {
  contacts: MemoryContact[];
  events: MemoryEvent[];
  /** Contacts (by index) in the static list. */
  listMembers: number[];
}

export const datasetArb: fc.Arbitrary<Dataset> = fc
  .record({
    contacts: fc.array(contactArb, { minLength: 1, maxLength: 25 }),
    events: fc.array(eventArb, { maxLength: 60 }),
    listMembers: fc.array(fc.nat(), { maxLength: 10 }),
  })
  .map(({ contacts, events, listMembers }) => {
    const cs: MemoryContact[] = contacts.map((c, i) => {
      const properties: Record<string, unknown> = {};
      for (const k of ['tier', 'spend', 'vip', 'city', 'birthday'] as const) if (c[k] !== undefined) properties[k] = c[k];
      return {
        id: uuidv7(),
        email: `p${i}@example.com`,
        external_id: null,
        phone: null,
        first_name: c.first_name,
        last_name: c.last_name,
        lifecycle_stage: c.lifecycle_stage,
        email_status: c.email_status,
        created_at: c.created_at,
        updated_at: c.created_at,
        properties,
      };
    });
    const es: MemoryEvent[] = events.map((e) => {
      const properties: Record<string, unknown> = {};
      if (e.total !== undefined) properties.total = e.total;
      if (e.sku !== undefined) properties.sku = e.sku;
      if (e.gift !== undefined) properties.gift = e.gift;
      if (e.currency !== undefined) properties.currency = e.currency;
      if (e.item_count !== undefined) properties.item_count = e.item_count;
      return { contactId: cs[e.contact % cs.length]!.id, name: e.name, properties, occurredAt: e.occurredAt };
    });
    return { contacts: cs, events: es, listMembers: [...new Set(listMembers.map((i) => i % cs.length))] };
  });

// ---- Definitions ----------------------------------------------------------------------------

const days = fc.oneof(fc.constantFrom(...EDGE_DAYS), fc.integer({ min: 0, max: 400 }));
const dateValue = fc.oneof(fc.integer({ min: -800, max: 30 }).map(isoDay), fc.constantFrom(...EDGE_DAYS).map((d) => day(-d).toISOString()));
const numberValue = fc.integer({ min: -5, max: 105 });

function field(name: string, type: 'string' | 'enum' | 'number' | 'boolean' | 'date', options: string[] = []): fc.Arbitrary<FieldCondition> {
  const c = (op: FieldCondition['op'], value?: fc.Arbitrary<unknown>) =>
    (value ?? fc.constant(undefined)).map((v) => ({ kind: 'field', field: name, op, ...(v === undefined ? {} : { value: v }) }) as FieldCondition);
  const set = [c('is_set'), c('is_not_set')];
  // Text equality exactly, or without regard to case (as the contact list's filters ask).
  const eitherCase = (arb: fc.Arbitrary<FieldCondition>) => fc.tuple(arb, fc.boolean()).map(([cond, ignoreCase]) => (ignoreCase ? { ...cond, ignoreCase } : cond));
  switch (type) {
    case 'string': {
      const word = fc.constantFrom(...WORDS);
      const words = fc.array(word, { minLength: 1, maxLength: 3 });
      return fc.oneof(eitherCase(c('eq', word)), eitherCase(c('neq', word)), c('contains', word), c('not_contains', word), c('starts_with', word), eitherCase(c('in', words)), eitherCase(c('not_in', words)), ...set);
    }
    case 'enum': {
      const opt = fc.constantFrom(...options);
      return fc.oneof(c('eq', opt), c('neq', opt), c('in', fc.array(opt, { minLength: 1, maxLength: 2 })), c('not_in', fc.array(opt, { minLength: 1, maxLength: 2 })), ...set);
    }
    case 'number':
      return fc.oneof(
        c('eq', fc.oneof(numberValue, fc.constant(0.5))),
        c('neq', numberValue),
        c('gt', numberValue),
        c('gte', numberValue),
        c('lt', numberValue),
        c('lte', numberValue),
        c('between', fc.tuple(numberValue, numberValue).map(([a, b]) => [Math.min(a, b), Math.max(a, b)])),
        c('in', fc.array(numberValue, { minLength: 1, maxLength: 3 })),
        c('not_in', fc.array(numberValue, { minLength: 1, maxLength: 3 })),
        ...set,
      );
    case 'boolean':
      return fc.oneof(c('eq', fc.boolean()), c('neq', fc.boolean()), ...set);
    case 'date':
      return fc.oneof(
        c('before', dateValue),
        c('after', dateValue),
        c('between', fc.tuple(fc.integer({ min: -800, max: 30 }), fc.integer({ min: 0, max: 400 })).map(([a, len]) => [isoDay(a), isoDay(a + len)])),
        c('within_last_days', days),
        c('more_than_days_ago', days),
        c('anniversary_within_days', days),
        ...set,
      );
  }
}

const fieldCondition: fc.Arbitrary<FieldCondition> = fc.oneof(
  field('first_name', 'string'),
  field('properties.city', 'string'),
  field('email', 'string'),
  field('properties.tier', 'enum', ['bronze', 'silver', 'gold']),
  field('lifecycle_stage', 'enum', ['lead', 'customer', 'churned', 'evangelist']),
  field('properties.spend', 'number'),
  field('properties.vip', 'boolean'),
  field('properties.birthday', 'date'),
  field('created_at', 'date'),
);

const eventFilter = fc.oneof(
  fc.record({ property: fc.constant('sku'), type: fc.constant('string' as const), op: fc.constantFrom('eq' as const, 'neq' as const, 'contains' as const), value: fc.constantFrom(...SKUS) }),
  fc.record({ property: fc.constant('sku'), type: fc.constant('string' as const), op: fc.constantFrom('is_set' as const, 'is_not_set' as const) }),
  fc.record({ property: fc.constant('total'), type: fc.constant('number' as const), op: fc.constantFrom('gt' as const, 'lte' as const, 'eq' as const), value: fc.integer({ min: 0, max: 300 }) }),
  fc.record({ property: fc.constant('gift'), type: fc.constant('boolean' as const), op: fc.constantFrom('eq' as const, 'neq' as const), value: fc.boolean() }),
);

const eventWindow = fc.oneof(
  fc.constant({ type: 'ever' as const }),
  fc.integer({ min: 1, max: 400 }).map((d) => ({ type: 'last_days' as const, days: d })),
  fc.tuple(fc.integer({ min: -800, max: 0 }), fc.integer({ min: 0, max: 400 })).map(([a, len]) => ({ type: 'between' as const, from: isoDay(a), to: isoDay(a + len) })),
);

const eventMeasure: fc.Arbitrary<EventCondition['measure']> = fc.oneof(
  fc.record({ fn: fc.constant('count' as const), op: fc.constantFrom('gte' as const, 'lte' as const, 'eq' as const, 'gt' as const, 'lt' as const), value: fc.integer({ min: 0, max: 4 }) }),
  fc.record({
    fn: fc.constantFrom('sum' as const, 'avg' as const, 'min' as const, 'max' as const),
    property: fc.constant('total'),
    op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const, 'eq' as const),
    value: fc.integer({ min: 0, max: 400 }),
  }),
  fc.record({
    fn: fc.constantFrom('sum' as const, 'avg' as const),
    property: fc.constant('total'),
    op: fc.constant('between' as const),
    value: fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 300 })).map(([a, b]) => [a, a + b] as [number, number]),
  }),
  fc.record({ fn: fc.constantFrom('first' as const, 'last' as const), op: fc.constantFrom('within_last_days' as const, 'more_than_days_ago' as const), value: days }),
  fc.record({ fn: fc.constantFrom('first' as const, 'last' as const), op: fc.constantFrom('before' as const, 'after' as const), value: dateValue }),
);

const eventCondition: fc.Arbitrary<EventCondition> = fc.record({
  kind: fc.constant('event' as const),
  event: fc.constantFrom(...EVENT_NAMES),
  where: fc.array(eventFilter, { maxLength: 2 }),
  window: eventWindow,
  measure: eventMeasure,
}) as fc.Arbitrary<EventCondition>;

export const purchaseConditionArb: fc.Arbitrary<PurchaseCondition> = fc.oneof(
  fc.record({
    kind: fc.constant('purchases' as const),
    metric: fc.constantFrom('orders' as const, 'refunds' as const, 'items' as const),
    currency: fc.option(fc.constantFrom(...CURRENCIES), { nil: undefined }),
    op: fc.constantFrom('eq' as const, 'neq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
    value: fc.integer({ min: 0, max: 4 }),
  }),
  fc.record({
    kind: fc.constant('purchases' as const),
    metric: fc.constantFrom('spent' as const, 'refunded' as const, 'net_spent' as const, 'average_order' as const),
    currency: fc.constantFrom(...CURRENCIES),
    op: fc.constantFrom('eq' as const, 'neq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
    value: fc.integer({ min: -50, max: 400 }),
  }),
  fc.record({
    kind: fc.constant('purchases' as const),
    metric: fc.constantFrom('spent' as const, 'net_spent' as const, 'orders' as const),
    currency: fc.constantFrom(...CURRENCIES),
    op: fc.constant('between' as const),
    value: fc.tuple(fc.integer({ min: -20, max: 200 }), fc.integer({ min: 0, max: 300 })).map(([a, b]) => [a, a + b]),
  }),
  fc.record({
    kind: fc.constant('purchases' as const),
    metric: fc.constantFrom('first_order' as const, 'last_order' as const),
    currency: fc.option(fc.constantFrom(...CURRENCIES), { nil: undefined }),
    op: fc.constantFrom('within_last_days' as const, 'more_than_days_ago' as const),
    value: days,
  }),
  fc.record({
    kind: fc.constant('purchases' as const),
    metric: fc.constantFrom('first_order' as const, 'last_order' as const),
    currency: fc.option(fc.constantFrom(...CURRENCIES), { nil: undefined }),
    op: fc.constantFrom('before' as const, 'after' as const),
    value: dateValue,
  }),
  fc.record({
    kind: fc.constant('purchases' as const),
    metric: fc.constantFrom('first_order' as const, 'last_order' as const),
    op: fc.constantFrom('is_set' as const, 'is_not_set' as const),
  }),
).map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as PurchaseCondition);

export function definitionArb(segmentIds: string[], membershipWeight = 1): fc.Arbitrary<SegmentNode> {
  const condition: fc.Arbitrary<Condition> = segmentIds.length
    ? fc.oneof(
        { arbitrary: fieldCondition, weight: 4 },
        { arbitrary: eventCondition, weight: 4 },
        { arbitrary: purchaseConditionArb, weight: 2 },
        { arbitrary: fc.record({ kind: fc.constant('segment' as const), segmentId: fc.constantFrom(...segmentIds), member: fc.boolean() }), weight: membershipWeight },
      )
    : fc.oneof(fieldCondition, eventCondition, purchaseConditionArb);
  const { node } = fc.letrec<{ node: SegmentNode; group: SegmentNode }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', maxDepth: 3, depthIdentifier: 'segment', withCrossShrink: true }, condition, tie('group')),
    group: fc.record({ kind: fc.constant('group' as const), op: fc.constantFrom('and' as const, 'or' as const, 'not' as const), children: fc.array(tie('node'), { maxLength: 3 }) }),
  }));
  return fc.record({ kind: fc.constant('group' as const), op: fc.constantFrom('and' as const, 'or' as const, 'not' as const), children: fc.array(node, { minLength: 1, maxLength: 3 }) });
}

/** Writes a data set into a workspace (replacing what a previous run wrote). */
export async function writeDataset(tx: SqlSession, workspaceId: string, data: Dataset, listId: string): Promise<void> {
  await tx.query('delete from events where workspace_id = $1', [workspaceId]);
  await tx.query('delete from contacts where workspace_id = $1', [workspaceId]);
  await tx.query('delete from segment_members where workspace_id = $1', [workspaceId]);
  await tx.query(
    `insert into contacts (id, workspace_id, email, first_name, last_name, lifecycle_stage, email_status, properties, created_at, updated_at)
     select r.id, $1, r.email, r.first_name, r.last_name, r.lifecycle_stage, r.email_status, r.properties, r.created_at, r.created_at
     from json_to_recordset($2::json) as r(id uuid, email text, first_name text, last_name text, lifecycle_stage text, email_status text, properties jsonb, created_at timestamptz)`,
    [workspaceId, JSON.stringify(data.contacts)],
  );
  await tx.query(
    `insert into events (workspace_id, contact_id, name, properties, occurred_at, received_at, source, message_id)
     select $1, r."contactId", r.name, r.properties, r."occurredAt", r."occurredAt", 'test', gen_random_uuid()::text
     from json_to_recordset($2::json) as r("contactId" uuid, name text, properties jsonb, "occurredAt" timestamptz)`,
    [workspaceId, JSON.stringify(data.events)],
  );
  await tx.query(
    `insert into segment_members (workspace_id, segment_id, contact_id, entered_at) select $1, $2, unnest($3::uuid[]), now()`,
    [workspaceId, listId, data.listMembers.map((i) => data.contacts[i]!.id)],
  );
  await tx.query('delete from segment_pending where workspace_id = $1', [workspaceId]);
}

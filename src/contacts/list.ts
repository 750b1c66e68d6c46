// Which contacts, in what order: search, typed filters, sorting on any field or property and
// keyset pages. Every value is a bound parameter and every property key reaches SQL only as a
// bound parameter of `->>` (after matching a defined key): nothing from a request is spliced
// into the SQL text, which is assembled from fixed fragments only.
import type { z } from 'zod';
import type { AppContext } from '../server/context.ts';
import { badRequest } from '../server/errors.ts';
import { isCountryCode } from '../shared/country-codes.ts';
import {
  BUILT_IN_FIELDS,
  type ContactFilter,
  type contactSelection,
  type FieldType,
  OPS_BY_TYPE,
  OP_LABELS,
  type contact,
} from './contract.ts';
import { PROPERTY_KEY_PATTERN } from './fields.ts';
import { definitionsByKey } from './properties.ts';
import type { PropertyDefinition } from './values.ts';

export type Contact = z.output<typeof contact>;
export type Selection = z.output<typeof contactSelection>;
type SqlType = 'text' | 'numeric' | 'timestamptz' | 'boolean';

/** Collects bound parameters; `add` returns the placeholder. */
export class Params {
  readonly values: unknown[];
  constructor(initial: unknown[] = []) {
    this.values = [...initial];
  }
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return cast ? `$${this.values.length}::${cast}` : `$${this.values.length}`;
  }
}

interface Field {
  /** SQL over the alias `c`, built from fixed fragments and placeholders only. */
  sql: string;
  type: FieldType;
  sqlType: SqlType;
  nullable: boolean;
  options?: readonly string[];
  /** For properties: the key, and the placeholder of the bound key (added on first use). */
  key?: string;
  keyParam?: string;
}

// Built-in columns by field name: the only column names that ever reach SQL.
const COLUMNS: Record<string, { column: string; sqlType: SqlType; nullable: boolean }> = {
  email: { column: 'c.email', sqlType: 'text', nullable: true },
  external_id: { column: 'c.external_id', sqlType: 'text', nullable: true },
  phone: { column: 'c.phone', sqlType: 'text', nullable: true },
  first_name: { column: 'c.first_name', sqlType: 'text', nullable: true },
  last_name: { column: 'c.last_name', sqlType: 'text', nullable: true },
  lifecycle_stage: { column: 'c.lifecycle_stage', sqlType: 'text', nullable: true },
  email_status: { column: 'c.email_status', sqlType: 'text', nullable: false },
  created_at: { column: 'c.created_at', sqlType: 'timestamptz', nullable: false },
  updated_at: { column: 'c.updated_at', sqlType: 'timestamptz', nullable: false },
};

export const CONTACT_COLUMNS =
  'c.id, c.email, c.external_id, c.phone, c.first_name, c.last_name, c.lifecycle_stage, c.email_status, c.properties, c.created_at, c.updated_at';

export interface ContactRow {
  id: string;
  email: string | null;
  external_id: string | null;
  phone: string | null;
  first_name: string | null;
  last_name: string | null;
  lifecycle_stage: Contact['lifecycleStage'];
  email_status: Contact['emailStatus'];
  properties: Record<string, string | number | boolean>;
  created_at: Date | string;
  updated_at: Date | string;
}

export function toContact(r: ContactRow): Contact {
  return {
    id: r.id,
    email: r.email,
    externalId: r.external_id,
    phone: r.phone,
    firstName: r.first_name,
    lastName: r.last_name,
    lifecycleStage: r.lifecycle_stage,
    emailStatus: r.email_status,
    properties: r.properties,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

/** A field name ("email", "properties.plan") as SQL; unknown names are the caller's mistake. */
export function resolveField(name: string, defs: Map<string, PropertyDefinition>, p: Params, path: string): Field {
  const builtIn = Object.hasOwn(COLUMNS, name) ? COLUMNS[name] : undefined;
  if (builtIn) {
    const meta = BUILT_IN_FIELDS[name]!;
    return { sql: builtIn.column, type: meta.type, sqlType: builtIn.sqlType, nullable: builtIn.nullable, options: meta.options };
  }
  const key = name.startsWith('properties.') ? name.slice('properties.'.length) : undefined;
  const def = key !== undefined && PROPERTY_KEY_PATTERN.test(key) ? defs.get(key) : undefined;
  if (!def) {
    throw badRequest(`Unknown field "${name.slice(0, 100)}".`, [
      { path, message: `must be a contact field (${Object.keys(COLUMNS).join(', ')}) or "properties.<key>" of a defined property` },
    ]);
  }
  // The key is bound on first use only: PostgreSQL refuses parameters a statement never uses.
  let placeholder: string | undefined;
  const k = () => (placeholder ??= p.add(def.key));
  const typed = (jsonType: string, cast: SqlType) =>
    `(case when jsonb_typeof(c.properties -> ${k()}) = '${jsonType}' then (c.properties ->> ${k()})::${cast} end)`;
  const sqlType: SqlType = def.type === 'number' ? 'numeric' : def.type === 'boolean' ? 'boolean' : 'text';
  return {
    get sql() {
      return def.type === 'number' ? typed('number', 'numeric') : def.type === 'boolean' ? typed('boolean', 'boolean') : `(c.properties ->> ${k()})`;
    },
    get keyParam() {
      return k();
    },
    key: def.key,
    type: def.type,
    sqlType,
    nullable: true,
    options: def.type === 'enum' ? def.options : undefined,
  };
}

/** The WHERE conditions (joined with AND) of a selection: the search and every filter. */
export function selectionConditions(selection: Selection, defs: Map<string, PropertyDefinition>, p: Params, path: string): string[] {
  const conditions: string[] = [];
  // Each word must appear in "first last email external-id" (search_text; a scan, see migration 0006).
  for (const word of (selection.q ?? '').toLowerCase().split(/\s+/).filter(Boolean)) {
    conditions.push(`c.search_text like ${p.add(`%${escapeLike(word)}%`)}`);
  }
  selection.filters.forEach((f, i) => conditions.push(filterCondition(f, defs, p, `${path}.${i}`)));
  return conditions;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filterCondition(f: ContactFilter, defs: Map<string, PropertyDefinition>, p: Params, path: string): string {
  // Members of a segment or list (its stored, current membership): `segment` is / is not an id.
  // $1 is always the workspace (see the Params of every caller), so another workspace's
  // segment id selects nothing.
  if (f.field === 'segment') {
    if (f.op !== 'eq' && f.op !== 'neq') throw badRequest('Membership takes "is" or "is not".', [{ path: `${path}.op`, message: 'must be eq or neq for segment' }]);
    if (typeof f.value !== 'string' || !UUID.test(f.value)) throw badRequest('A segment id is not valid.', [{ path: `${path}.value`, message: 'must be a segment or list id (UUID)' }]);
    const member = `c.id in (select m.contact_id from segment_members m where m.segment_id = ${p.add(f.value, 'uuid')} and m.workspace_id = $1 and m.exited_at is null)`;
    return f.op === 'eq' ? member : `not ${member}`;
  }
  // Contacts picked by hand (the web app's "export selected"): `id` is one of a list.
  if (f.field === 'id') {
    const ids = f.op === 'eq' ? [f.value] : f.op === 'in' && Array.isArray(f.value) ? f.value : undefined;
    if (!ids) throw badRequest('Contacts by id take "is" or "is any of".', [{ path: `${path}.op`, message: 'must be eq or in for id' }]);
    if (!ids.every((v) => typeof v === 'string' && UUID.test(v))) throw badRequest('A contact id is not valid.', [{ path: `${path}.value`, message: 'must be contact ids (UUIDs)' }]);
    return `c.id = any(${p.add(ids, 'uuid[]')})`;
  }
  const field = resolveField(f.field, defs, p, `${path}.field`);
  if (!(OPS_BY_TYPE[field.type] as readonly string[]).includes(f.op)) {
    throw badRequest(`"${OP_LABELS[f.op]}" does not apply to ${f.field}.`, [
      { path: `${path}.op`, message: `must be one of ${OPS_BY_TYPE[field.type].join(', ')} for a ${field.type} field` },
    ]);
  }
  const bad = (message: string) => badRequest(`The filter on ${f.field} has a value that does not fit: it ${message}.`, [{ path: `${path}.value`, message }]);
  // A property condition that containment can express exactly: one jsonb parameter (the key
  // is data inside it), which the GIN index on properties answers and the planner can estimate.
  const contains = (value: unknown) => `c.properties @> ${p.add(JSON.stringify({ [field.key!]: value }), 'jsonb')}`;

  if (f.op === 'is_set' || f.op === 'is_not_set') {
    const set = field.key ? `(c.properties ? ${field.keyParam})` : field.nullable ? `(${field.sql} is not null)` : 'true';
    return f.op === 'is_set' ? set : `not ${set}`;
  }

  switch (field.type) {
    case 'string': {
      if (f.op === 'in') {
        const list = asList(f.value, bad).map((v) => asText(v, bad).toLowerCase());
        return `lower(${field.sql}) = any(${p.add(list, 'text[]')})`;
      }
      const v = asText(f.value, bad);
      if (f.op === 'contains') return `${field.sql} ilike ${p.add(`%${escapeLike(v)}%`)}`;
      if (f.op === 'starts_with') return `${field.sql} ilike ${p.add(`${escapeLike(v)}%`)}`;
      // Emails are stored lower-cased, so the unique index answers `=` directly.
      const eq = f.field === 'email' ? `${field.sql} = ${p.add(v.trim().toLowerCase())}` : `lower(${field.sql}) = lower(${p.add(v)})`;
      return f.op === 'eq' ? eq : `(${field.sql} is null or not ${eq})`;
    }
    case 'country':
    case 'enum': {
      const pick = (v: unknown) => {
        const text = asText(v, bad);
        if (field.type === 'country') {
          // Stored as the ISO 3166-1 alpha-2 code, compared as one.
          if (!isCountryCode(text.trim().toUpperCase())) throw bad('must be a country code (two letters, like "GB")');
          return text.trim().toUpperCase();
        }
        const match = field.options?.find((o) => o.toLowerCase() === text.trim().toLowerCase());
        if (match === undefined) throw bad(`must be one of ${field.options?.map((o) => `"${o}"`).join(', ')}`);
        return match;
      };
      if (f.op === 'in') return `${field.sql} = any(${p.add(asList(f.value, bad).map(pick), 'text[]')})`;
      const v = pick(f.value);
      const eq = field.key ? contains(v) : `${field.sql} = ${p.add(v)}`;
      return f.op === 'eq' ? eq : `not coalesce(${eq}, false)`;
    }
    case 'number': {
      if (f.op === 'in') return `${field.sql} = any(${p.add(asList(f.value, bad).map((v) => asNumber(v, bad)), 'numeric[]')})`;
      if (f.op === 'between') {
        const [lo, hi] = asPair(f.value, bad).map((v) => asNumber(v, bad));
        return `${field.sql} between ${p.add(lo, 'numeric')} and ${p.add(hi, 'numeric')}`;
      }
      const n = asNumber(f.value, bad);
      if (f.op === 'gt') return `${field.sql} > ${p.add(n, 'numeric')}`;
      if (f.op === 'lt') return `${field.sql} < ${p.add(n, 'numeric')}`;
      const eq = contains(n);
      return f.op === 'eq' ? eq : `not ${eq}`;
    }
    case 'boolean': {
      if (typeof f.value === 'boolean') return contains(f.value);
      const word = typeof f.value === 'string' ? f.value.trim().toLowerCase() : '';
      if (word !== 'true' && word !== 'false') throw bad('must be true or false');
      return contains(word === 'true');
    }
    case 'date': {
      // A day ("2024-03-05") means that whole day in UTC; an instant means that instant.
      // Date properties are stored as "YYYY-MM-DD" or ISO instants, which order as text.
      const lit = (d: Date, day: boolean) =>
        field.sqlType === 'timestamptz' ? p.add(d.toISOString(), 'timestamptz') : p.add(day ? d.toISOString().slice(0, 10) : d.toISOString());
      const from = (v: unknown) => {
        const d = asDate(v, bad);
        return `${field.sql} >= ${lit(d.start, d.day)}`;
      };
      const to = (v: unknown) => {
        const d = asDate(v, bad);
        return d.day ? `${field.sql} < ${lit(d.nextDay, true)}` : `${field.sql} <= ${lit(d.start, false)}`;
      };
      if (f.op === 'before') {
        const d = asDate(f.value, bad);
        return `${field.sql} < ${lit(d.start, d.day)}`;
      }
      if (f.op === 'after') {
        const d = asDate(f.value, bad);
        return d.day ? `${field.sql} >= ${lit(d.nextDay, true)}` : `${field.sql} > ${lit(d.start, false)}`;
      }
      const [lo, hi] = f.op === 'between' ? asPair(f.value, bad) : [f.value, f.value];
      return `(${from(lo)} and ${to(hi)})`;
    }
  }
}

type Bad = (message: string) => Error;

function asText(v: unknown, bad: Bad): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw bad('must be a text value');
}

function asNumber(v: unknown, bad: Bad): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw bad('must be a number');
  return n;
}

function asList(v: unknown, bad: Bad): unknown[] {
  if (!Array.isArray(v) || v.length === 0) throw bad('must be a non-empty list of values');
  return v;
}

function asPair(v: unknown, bad: Bad): [unknown, unknown] {
  if (!Array.isArray(v) || v.length !== 2) throw bad('must be a list of two values, [from, to]');
  return [v[0], v[1]];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function asDate(v: unknown, bad: Bad): { day: boolean; start: Date; nextDay: Date } {
  const s = typeof v === 'string' ? v.trim() : '';
  const day = DAY.exec(s);
  const start = day ? new Date(Date.UTC(+day[1]!, +day[2]! - 1, +day[3]!)) : /^\d{4}-\d{2}-\d{2}T/.test(s) ? new Date(s) : new Date(NaN);
  if (Number.isNaN(start.getTime()) || (day && start.toISOString().slice(0, 10) !== s)) throw bad('must be a date like 2024-03-05 or an ISO date-time');
  return { day: Boolean(day), start, nextDay: new Date(start.getTime() + 86_400_000) };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

// ---- Keyset pages ----------------------------------------------------------------------

export interface ListOptions {
  sort: string;
  order: 'asc' | 'desc';
}

// How long the exact count may take before an estimate is answered instead.
const COUNT_BUDGET_MS = 30;
const QUERY_CANCELED = '57014';

interface Cursor {
  s: string;
  o: 'asc' | 'desc';
  /** The sort value of the last row as text, or null when it had none. */
  v: string | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string, options: ListOptions): Cursor {
  let c: Partial<Cursor> | undefined;
  try {
    c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
  } catch {
    c = undefined;
  }
  const ok =
    c && typeof c.id === 'string' && /^[0-9a-f-]{36}$/i.test(c.id) && (c.v === null || typeof c.v === 'string') && c.s === options.sort && c.o === options.order;
  if (!ok) {
    throw badRequest('This page cursor is not valid for this list; start again from the first page.', [
      { path: 'query.after', message: 'must be the nextCursor of a page with the same sort' },
    ]);
  }
  return c as Cursor;
}

/**
 * A prepared listing: the selection and sort resolved once, then pages fetched by cursor.
 * The sort order is (sort value, id) with contacts lacking a value after the others
 * (in both directions), and each page starts right after the previous page's last
 * row, so that a page costs the same at row 50 and at row 900,000 (no OFFSET).
 * Rows without a value form a segment of their own, so each segment is a plain range scan
 * of an index on (workspace_id, column, id) where one exists.
 */
export async function prepareList(ctx: AppContext, workspaceId: string, selection: Selection, options: ListOptions, path = 'query.filters') {
  const defs = await definitionsByKey(ctx, workspaceId);
  const p = new Params([workspaceId]);
  const where = ['c.workspace_id = $1', ...selectionConditions(selection, defs, p, path)];
  // PostgreSQL refuses parameters a statement does not use, so counting gets only these.
  const whereValues = [...p.values];
  const sort = resolveField(options.sort, defs, p, 'query.sort');
  // Bind the sort key now, so that every page's parameters include it.
  void sort.sql;
  const dir = options.order;
  const base = p.values;
  // Contacts without a value come last in both directions (a "top spenders" list starts with spenders).
  const segments: ('values' | 'nulls')[] = !sort.nullable ? ['values'] : ['values', 'nulls'];

  async function segment(kind: 'values' | 'nulls', after: Cursor | undefined, limit: number): Promise<(ContactRow & { sort_key: string | null })[]> {
    const q = new Params(base);
    const conds = [...where];
    if (sort.nullable) conds.push(`${sort.sql} is ${kind === 'values' ? 'not ' : ''}null`);
    const cmp = dir === 'asc' ? '>' : '<';
    if (after && kind === 'values') conds.push(`(${sort.sql}, c.id) ${cmp} (${q.add(after.v, sort.sqlType)}, ${q.add(after.id, 'uuid')})`);
    if (after && kind === 'nulls') conds.push(`c.id ${cmp} ${q.add(after.id, 'uuid')}`);
    // Without values, a built-in column still names its (workspace_id, column, id) index, whose
    // null entries are in id order; a property's nulls walk the (workspace_id, id) index.
    const orderBy = kind === 'nulls' && sort.key ? `c.id ${dir}` : `${sort.sql} ${dir}, c.id ${dir}`;
    // The cursor's text form of the sort value is made for the page's rows only, outside the
    // sort: inside, it was computed for every contact sorted (sort by last name at 1,000,000
    // contacts: 507 → 305 ms, npm run bench -- list).
    return ctx.db.query(
      `select t.*, to_jsonb(t.sort_value) #>> '{}' as sort_key from (
         select ${CONTACT_COLUMNS}, ${sort.sql} as sort_value from contacts c
         where ${conds.join(' and ')} order by ${orderBy} limit ${q.add(limit)}) t`,
      q.values,
    );
  }

  return {
    async page(limit: number, afterText?: string): Promise<{ items: Contact[]; nextCursor: string | null }> {
      const after = afterText ? decodeCursor(afterText, options) : undefined;
      const rows: (ContactRow & { sort_key: string | null })[] = [];
      // Start in the segment the cursor is in; later segments start from their beginning.
      let from = after ? segments.indexOf(after.v === null ? 'nulls' : 'values') : 0;
      if (from < 0) from = 0;
      for (let i = from; i < segments.length && rows.length <= limit; i++) {
        rows.push(...(await segment(segments[i]!, i === from ? after : undefined, limit + 1 - rows.length)));
      }
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const nextCursor = rows.length > limit && last ? encodeCursor({ s: options.sort, o: dir, v: last.sort_key, id: last.id }) : null;
      return { items: items.map(toContact), nextCursor };
    },

    /**
     * The number of matches: exact when counting is cheap (up to `cap` matches, within a
     * time budget on PostgreSQL), else the planner's estimate, flagged as such. Counting
     * must never make the page slow: a rare filter without an index would scan every row.
     */
    async count(cap = 10_000): Promise<{ total: number; exact: boolean }> {
      const sqlWhere = where.join(' and ');
      let n: number | undefined;
      try {
        n = await ctx.db.transaction(async (tx) => {
          if (ctx.db.kind === 'postgres') await tx.query("select set_config('statement_timeout', $1, true)", [String(COUNT_BUDGET_MS)]);
          const q = new Params(whereValues);
          const [row] = await tx.query<{ n: number }>(
            `select count(*)::int as n from (select 1 from contacts c where ${sqlWhere} limit ${q.add(cap + 1)}) s`,
            q.values,
          );
          return row?.n ?? 0;
        });
      } catch (err) {
        if ((err as { code?: string }).code !== QUERY_CANCELED) throw err;
      }
      if (n !== undefined && n <= cap) return { total: n, exact: true };
      const [plan] = await ctx.db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) select 1 from contacts c where ${sqlWhere}`, whereValues);
      const doc = plan?.['QUERY PLAN'];
      const parsed = (typeof doc === 'string' ? JSON.parse(doc) : doc) as [{ Plan: { 'Plan Rows': number } }] | undefined;
      const estimate = Math.round(parsed?.[0]?.Plan?.['Plan Rows'] ?? 0);
      return { total: Math.max(estimate, n ?? 0), exact: false };
    },
  };
}

export async function listContacts(
  ctx: AppContext,
  workspaceId: string,
  query: { q?: string; filters?: ContactFilter[]; sort: string; order: 'asc' | 'desc'; limit: number; after?: string },
): Promise<{ items: Contact[]; nextCursor: string | null; total?: number; totalExact?: boolean }> {
  const list = await prepareList(ctx, workspaceId, { q: query.q, filters: query.filters ?? [] }, query);
  const page = await list.page(query.limit, query.after);
  if (query.after) return page;
  // A first page that is also the last one is its own exact total.
  if (page.nextCursor === null) return { ...page, total: page.items.length, totalExact: true };
  // The total only with the first page: later pages stay pure index range scans.
  const { total, exact } = await list.count();
  return { ...page, total, totalExact: exact };
}

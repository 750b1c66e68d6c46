// Sorting on any field, score or property, and keyset pages: a page costs the same at row 50 and
// at row 900,000 (no OFFSET). Property keys reach SQL only as bound parameters of `->>` (after
// matching a defined key); column names only from the fixed lists of built-in and score fields.
import { Params } from '../db/params.ts';
import { BUILT_IN_FIELDS, isBuiltInField, isJoinedField, JOINED_FIELDS, PROPERTY_KEY_PATTERN } from '../contacts/fields.ts';
import { definitionsByKey } from '../contacts/properties.ts';
import { CONTACT_COLUMNS, type Contact, type ContactRow, toContact } from '../contacts/row.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import type { ContactScores } from '../purchases/contract.ts';
import { SCORE_COLUMNS, type ScoreRow, scoresOfRow } from '../purchases/summary.ts';
import type { AppContext } from '../server/context.ts';
import { badRequest } from '../errors.ts';
import { unknownField } from './filters.ts';
import { filterContext, fromSelection, type Selection, selectionSql } from './selection.ts';

type SqlType = 'text' | 'numeric' | 'timestamptz' | 'boolean';

export interface ListOptions {
  sort: string;
  order: 'asc' | 'desc';
  /** Each contact with their retention scores (null when not scored): read for the page's rows only. */
  scores?: boolean;
}

/** A contact of a page, with their scores when asked for. */
export type ListedContact = Contact & { scores?: ContactScores | null };

// Built-in columns that always have a value (the others may be empty).
const NOT_NULL = new Set(['email_status', 'created_at', 'updated_at']);

interface SortKey {
  /** SQL over the alias `c`, from fixed fragments and placeholders only. */
  sql: string;
  sqlType: SqlType;
  nullable: boolean;
  /** A property's or a score's: its contacts without a value are walked in id order. */
  property: boolean;
}

/** The sort field as SQL; its property key, if any, is bound in `p` at once (every page uses it). */
function sortKey(name: string, defs: Map<string, PropertyDefinition>, p: Params): SortKey {
  if (isBuiltInField(name)) {
    // The built-in field's name is its column's.
    return { sql: `c.${name}`, sqlType: BUILT_IN_FIELDS[name]!.type === 'date' ? 'timestamptz' : 'text', nullable: !NOT_NULL.has(name), property: false };
  }
  if (isJoinedField(name)) {
    // The table and column are fixed names of JOINED_FIELDS; a contact without a row has no value.
    // One primary-key lookup a contact, only when sorting by such a field.
    const f = JOINED_FIELDS[name]!;
    const sqlType: SqlType = f.type === 'number' ? 'numeric' : f.type === 'date' ? 'timestamptz' : 'text';
    return { sql: `(select s.${f.column}::${sqlType} from ${f.table} s where s.workspace_id = c.workspace_id and s.contact_id = c.id)`, sqlType, nullable: true, property: true };
  }
  const key = name.startsWith('properties.') ? name.slice('properties.'.length) : undefined;
  const def = key !== undefined && PROPERTY_KEY_PATTERN.test(key) ? defs.get(key) : undefined;
  if (!def) throw unknownField(name, 'sort');
  const k = p.add(def.key);
  const typed = (jsonType: string, cast: SqlType) => `(case when jsonb_typeof(c.properties -> ${k}) = '${jsonType}' then (c.properties ->> ${k})::${cast} end)`;
  // Text, choices, countries and dates (stored "YYYY-MM-DD" or ISO instants) order as text.
  if (def.type === 'number') return { sql: typed('number', 'numeric'), sqlType: 'numeric', nullable: true, property: true };
  if (def.type === 'boolean') return { sql: typed('boolean', 'boolean'), sqlType: 'boolean', nullable: true, property: true };
  return { sql: `(c.properties ->> ${k})`, sqlType: 'text', nullable: true, property: true };
}

type PageRow = ContactRow & { sort_key: string | null; scores?: ScoreRow | null };

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
      { path: 'after', message: 'must be the nextCursor of a page with the same sort' },
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
export async function prepareList(ctx: AppContext, workspaceId: string, selection: Selection, options: ListOptions, path = 'filters') {
  const defs = await definitionsByKey(ctx, workspaceId);
  const p = new Params([workspaceId]);
  const selected = selectionSql(selection, filterContext(ctx, workspaceId, defs), p, path);
  const { withSql, fromSql } = fromSelection(selected);
  const where = ['c.workspace_id = $1', ...selected.conditions];
  // PostgreSQL refuses parameters a statement does not use, so counting gets only these.
  const whereValues = [...p.values];
  const sort = sortKey(options.sort, defs, p);
  const dir = options.order;
  const base = p.values;
  // Contacts without a value come last in both directions (a "top spenders" list starts with spenders).
  const segments: ('values' | 'nulls')[] = !sort.nullable ? ['values'] : ['values', 'nulls'];

  // The scores of the page's rows only, after the limit: the default list does not read them.
  const scoresSql = options.scores
    ? `, (select to_jsonb(s) from (select ${SCORE_COLUMNS} from contact_scores where workspace_id = $1 and contact_id = t.id) s) as scores`
    : '';

  async function segment(kind: 'values' | 'nulls', after: Cursor | undefined, limit: number): Promise<PageRow[]> {
    const q = new Params(base);
    const conds = [...where];
    if (sort.nullable) conds.push(`${sort.sql} is ${kind === 'values' ? 'not ' : ''}null`);
    const cmp = dir === 'asc' ? '>' : '<';
    if (after && kind === 'values') conds.push(`(${sort.sql}, c.id) ${cmp} (${q.add(after.v, sort.sqlType)}, ${q.add(after.id, 'uuid')})`);
    if (after && kind === 'nulls') conds.push(`c.id ${cmp} ${q.add(after.id, 'uuid')}`);
    // Without values, a built-in column still names its (workspace_id, column, id) index, whose
    // null entries are in id order; a property's nulls walk the (workspace_id, id) index.
    const orderBy = kind === 'nulls' && sort.property ? `c.id ${dir}` : `${sort.sql} ${dir}, c.id ${dir}`;
    // The cursor's text form of the sort value is made for the page's rows only, outside the
    // sort: inside, it was computed for every contact sorted (sort by last name at 1,000,000
    // contacts: 507 → 305 ms, npm run bench -- list).
    return ctx.db.query(
      `${withSql}select t.*, to_jsonb(t.sort_value) #>> '{}' as sort_key${scoresSql} from (
         select ${CONTACT_COLUMNS}, ${sort.sql} as sort_value ${fromSql}
         where ${conds.join(' and ')} order by ${orderBy} limit ${q.add(limit)}) t`,
      q.values,
    );
  }

  return {
    async page(limit: number, afterText?: string): Promise<{ items: ListedContact[]; nextCursor: string | null }> {
      const after = afterText ? decodeCursor(afterText, options) : undefined;
      const rows: PageRow[] = [];
      // Start in the segment the cursor is in; later segments start from their beginning.
      let from = after ? segments.indexOf(after.v === null ? 'nulls' : 'values') : 0;
      if (from < 0) from = 0;
      for (let i = from; i < segments.length && rows.length <= limit; i++) {
        rows.push(...(await segment(segments[i]!, i === from ? after : undefined, limit + 1 - rows.length)));
      }
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const nextCursor = rows.length > limit && last ? encodeCursor({ s: options.sort, o: dir, v: last.sort_key, id: last.id }) : null;
      const listed = (r: PageRow): ListedContact => (options.scores ? { ...toContact(r), scores: r.scores ? scoresOfRow(r.scores) : null } : toContact(r));
      return { items: items.map(listed), nextCursor };
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
            `${withSql}select count(*)::int as n from (select 1 ${fromSql} where ${sqlWhere} limit ${q.add(cap + 1)}) s`,
            q.values,
          );
          return row?.n ?? 0;
        });
      } catch (err) {
        if ((err as { code?: string }).code !== QUERY_CANCELED) throw err;
      }
      if (n !== undefined && n <= cap) return { total: n, exact: true };
      const [plan] = await ctx.db.query<{ 'QUERY PLAN': unknown }>(`explain (format json) ${withSql}select 1 ${fromSql} where ${sqlWhere}`, whereValues);
      const doc = plan?.['QUERY PLAN'];
      const parsed = (typeof doc === 'string' ? JSON.parse(doc) : doc) as [{ Plan: { 'Plan Rows': number } }] | undefined;
      const estimate = Math.round(parsed?.[0]?.Plan?.['Plan Rows'] ?? 0);
      return { total: Math.max(estimate, n ?? 0), exact: false };
    },
  };
}

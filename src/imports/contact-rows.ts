import { EMAIL_STATUSES, type EmailStatus, LIFECYCLE_STAGES, type LifecycleStage } from '../contacts/fields.ts';
import { normalizeEmail, normalizePhone, normalizeText } from '../contacts/normalize.ts';
import type { PropertyValue } from '../contacts/schema.ts';
import type { ContactInput } from '../contacts/upsert.ts';
import { coerceValue, type DateOrder, type PropertyDefinition } from '../contacts/values.ts';
import type { FileRow } from './reader.ts';

export interface MappedRow {
  input?: ContactInput;
  /** Why the row cannot be imported (empty when it can). */
  errors: string[];
  /** A row with no values at all: ignored, not an error. */
  empty: boolean;
}

const STATUS_WORDS: Record<string, EmailStatus> = {
  subscribed: 'subscribed',
  yes: 'subscribed',
  true: 'subscribed',
  '1': 'subscribed',
  'opted in': 'subscribed',
  optin: 'subscribed',
  unsubscribed: 'unsubscribed',
  no: 'unsubscribed',
  false: 'unsubscribed',
  '0': 'unsubscribed',
  'opted out': 'unsubscribed',
  optout: 'unsubscribed',
  not_subscribed: 'not_subscribed',
  'not subscribed': 'not_subscribed',
  bounced: 'bounced',
  complained: 'complained',
};

/** Turns spreadsheet rows into contact inputs, checking every value against its field or property. */
export class ContactRowMapper {
  readonly #width: number;

  constructor(
    private readonly mapping: string[],
    private readonly defs: Map<string, PropertyDefinition>,
    private readonly options: { defaultCountry: string | null; dateOrders: Record<number, DateOrder> },
  ) {
    this.#width = mapping.length;
  }

  map(row: FileRow): MappedRow {
    const cells = row.cells;
    if (cells.every((c) => c.trim() === '')) return { errors: [], empty: true };
    const errors: string[] = [];
    // A row must have the file's fields: fewer means values moved to the wrong columns;
    // more are tolerated only when empty (some exporters end every row with a delimiter).
    if (cells.length < this.#width && !row.fromSheet) {
      errors.push(`has ${cells.length} field${cells.length === 1 ? '' : 's'} where the file has ${this.#width} columns`);
      return { errors, empty: false };
    }
    if (cells.slice(this.#width).some((c) => c.trim() !== '')) {
      errors.push(`has ${cells.length} fields where the file has ${this.#width} columns`);
      return { errors, empty: false };
    }
    const input: ContactInput = {};
    const properties: Record<string, PropertyValue | null> = {};
    let fullName: string | undefined;
    this.mapping.forEach((target, i) => {
      const raw = cells[i] ?? '';
      if (target === 'ignore' || raw.trim() === '') return;
      switch (target) {
        case 'email': {
          const r = normalizeEmail(raw);
          if (r.ok) input.email = r.value;
          else errors.push(r.reason);
          return;
        }
        case 'phone': {
          const r = normalizePhone(raw, this.options.defaultCountry);
          if (r.ok) input.phone = r.value;
          else errors.push(r.reason);
          return;
        }
        case 'external_id':
          input.externalId = normalizeText(raw, 200);
          return;
        case 'first_name':
          input.firstName = normalizeText(raw, 200);
          return;
        case 'last_name':
          input.lastName = normalizeText(raw, 200);
          return;
        case 'name':
          fullName = normalizeText(raw, 400);
          return;
        case 'lifecycle_stage': {
          const word = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
          const stage = LIFECYCLE_STAGES.find((s) => s === word);
          if (stage) input.lifecycleStage = stage as LifecycleStage;
          else errors.push(`"${raw.trim()}" is not a lifecycle stage (${LIFECYCLE_STAGES.join(', ')})`);
          return;
        }
        case 'email_status': {
          const status = STATUS_WORDS[raw.trim().toLowerCase()];
          if (status) input.emailStatus = status;
          else errors.push(`"${raw.trim()}" is not an email status (${EMAIL_STATUSES.join(', ')})`);
          return;
        }
      }
      if (target.startsWith('properties.')) {
        const def = this.defs.get(target.slice('properties.'.length));
        if (!def) return;
        const r = coerceValue(def, raw, { dateOrder: this.options.dateOrders[i] });
        if (r.ok) properties[def.key] = r.value;
        else errors.push(r.reason);
      }
    });
    // A full name fills first and last name where the file has no such columns.
    if (fullName && input.firstName === undefined && input.lastName === undefined) {
      const space = fullName.lastIndexOf(' ');
      if (space > 0) {
        input.firstName = fullName.slice(0, space).trim();
        input.lastName = fullName.slice(space + 1).trim();
      } else input.firstName = fullName;
    }
    if (Object.keys(properties).length > 0) input.properties = properties;
    if (errors.length > 0) return { errors, empty: false };
    if (Object.values(input).every((v) => v === undefined)) return { errors: [], empty: true };
    return { input, errors, empty: false };
  }
}

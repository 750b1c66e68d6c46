import { EMAIL_STATUSES, type EmailStatus, LIFECYCLE_STAGES, type LifecycleStage } from '../contacts/fields.ts';
import { normalizeEmail, normalizePhone, normalizeText } from '../contacts/normalize.ts';
import type { PropertyValue } from '../contacts/schema.ts';
import type { ContactInput } from '../contacts/upsert.ts';
import { coerceValue, type DateOrder, type PropertyDefinition } from '../contacts/values.ts';
import { ZERO_DATE } from './mapping.ts';
import type { FileRow } from './reader.ts';

/** A value that did not fit its field: the row is imported without it. */
export interface ValueProblem {
  /** The column (0-based) the value came from. */
  column: number;
  message: string;
}

export interface MappedRow {
  input?: ContactInput;
  /** Values left out of the row; it is imported without them. */
  leftOut: ValueProblem[];
  /** Why the row cannot be imported at all (empty when it can). */
  skip: string[];
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

/**
 * Turns spreadsheet rows into contact inputs, checking every value against its field or
 * property. A value that does not fit is left out and listed; the row is skipped only when it
 * cannot be placed at all (its values in the wrong columns) or its only identity, the email,
 * is not an address: without it the row would become a new contact with no email, and
 * importing the corrected file later would duplicate that person.
 */
export class ContactRowMapper {
  readonly #width: number;

  constructor(
    private readonly mapping: string[],
    /** Existing properties and those the import will define when a row first uses them. */
    private readonly defs: Map<string, PropertyDefinition>,
    private readonly options: { defaultCountry: string | null; dateOrders: Record<number, DateOrder> },
  ) {
    this.#width = mapping.length;
  }

  map(row: FileRow): MappedRow {
    const cells = row.cells;
    if (cells.every((c) => c.trim() === '')) return { leftOut: [], skip: [], empty: true };
    // A row must have the file's fields: fewer means values moved to the wrong columns;
    // more are tolerated only when empty (some exporters end every row with a delimiter).
    if (cells.length < this.#width && !row.fromSheet) {
      return { leftOut: [], skip: [`has ${cells.length} field${cells.length === 1 ? '' : 's'} where the file has ${this.#width} columns`], empty: false };
    }
    if (cells.slice(this.#width).some((c) => c.trim() !== '')) {
      return { leftOut: [], skip: [`has ${cells.length} fields where the file has ${this.#width} columns`], empty: false };
    }
    const input: ContactInput = {};
    const properties: Record<string, PropertyValue | null> = {};
    const leftOut: ValueProblem[] = [];
    const birthday: Partial<Record<'year' | 'month' | 'day', { column: number; text: string }>> = {};
    let badEmail: string | undefined;
    let fullName: string | undefined;
    this.mapping.forEach((target, i) => {
      const raw = cells[i] ?? '';
      if (target === 'ignore' || raw.trim() === '') return;
      const problem = (message: string) => leftOut.push({ column: i, message });
      switch (target) {
        case 'email': {
          const r = normalizeEmail(raw);
          if (r.ok) input.email = r.value;
          else badEmail = r.reason;
          return;
        }
        case 'phone': {
          const r = normalizePhone(raw, this.options.defaultCountry);
          if (r.ok) input.phone = r.value;
          else problem(r.reason);
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
          else problem(`"${raw.trim()}" is not a lifecycle stage (${LIFECYCLE_STAGES.join(', ')})`);
          return;
        }
        case 'email_status': {
          const status = STATUS_WORDS[raw.trim().toLowerCase()];
          if (status) input.emailStatus = status;
          else problem(`"${raw.trim()}" is not an email status (${EMAIL_STATUSES.join(', ')})`);
          return;
        }
        case 'birthday.year':
        case 'birthday.month':
        case 'birthday.day':
          birthday[target.slice(9) as 'year' | 'month' | 'day'] = { column: i, text: raw.trim() };
          return;
      }
      if (target.startsWith('properties.')) {
        const def = this.defs.get(target.slice('properties.'.length));
        if (!def) return;
        if (def.type === 'date' && ZERO_DATE.test(raw.trim())) return; // Outlook's "no birthday"
        const r = coerceValue(def, raw, { dateOrder: this.options.dateOrders[i] });
        if (r.ok) {
          if (r.value !== null) properties[def.key] = r.value;
        } else problem(r.reason);
      }
    });
    this.#birthday(birthday, properties, leftOut);
    // A full name fills first and last name where the file has no such columns.
    if (fullName && input.firstName === undefined && input.lastName === undefined) {
      const space = fullName.lastIndexOf(' ');
      if (space > 0) {
        input.firstName = fullName.slice(0, space).trim();
        input.lastName = fullName.slice(space + 1).trim();
      } else input.firstName = fullName;
    }
    if (Object.keys(properties).length > 0) input.properties = properties;
    if (badEmail !== undefined) {
      // With an external id the row still names its contact; the address alone is left out.
      if (input.externalId !== undefined) leftOut.unshift({ column: this.mapping.indexOf('email'), message: badEmail });
      else return { leftOut: [], skip: [badEmail, ...leftOut.map((p) => p.message)], empty: false };
    }
    if (Object.values(input).every((v) => v === undefined)) {
      if (leftOut.length > 0) return { leftOut: [], skip: leftOut.map((p) => p.message), empty: false };
      return { leftOut: [], skip: [], empty: true };
    }
    return { input, leftOut, skip: [], empty: false };
  }

  /**
   * Thunderbird's three birthday columns: with a year, one `birthday` date ("1984-07-21");
   * without one, `birthday_month` and `birthday_day` (a birthday is still a birthday).
   */
  #birthday(
    parts: Partial<Record<'year' | 'month' | 'day', { column: number; text: string }>>,
    properties: Record<string, PropertyValue | null>,
    leftOut: ValueProblem[],
  ): void {
    const { year, month, day } = parts;
    if (!year && !month && !day) return;
    const column = (month ?? day ?? year)!.column;
    const asInt = (p: { text: string } | undefined) => (p && /^\d{1,4}$/.test(p.text) ? Number(p.text) : undefined);
    const [y, m, d] = [asInt(year), asInt(month), asInt(day)];
    const shown = [year?.text, month?.text, day?.text].map((t) => t || '?').join('-');
    if (!month || !day) {
      leftOut.push({ column, message: `Birthday: ${shown} needs a month and a day` });
      return;
    }
    if (m === undefined || d === undefined || m < 1 || m > 12 || d < 1 || d > 31 || (year && (y === undefined || y < 1000))) {
      leftOut.push({ column, message: `Birthday: ${shown} is not a date` });
      return;
    }
    if (y !== undefined) {
      const date = new Date(Date.UTC(y, m - 1, d));
      if (date.getUTCDate() !== d) {
        leftOut.push({ column, message: `Birthday: ${shown} is not a date` });
        return;
      }
      const def = this.defs.get('birthday');
      const r = def ? coerceValue(def, date.toISOString().slice(0, 10)) : undefined;
      if (r?.ok) properties.birthday = r.value;
      else if (r) leftOut.push({ column, message: r.reason });
      return;
    }
    for (const [key, value] of [['birthday_month', m], ['birthday_day', d]] as const) {
      const def = this.defs.get(key);
      const r = def ? coerceValue(def, value) : undefined;
      if (r?.ok) properties[key] = r.value;
      else if (r) leftOut.push({ column, message: r.reason });
    }
  }
}

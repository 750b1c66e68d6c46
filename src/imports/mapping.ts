import { CONTACT_FIELDS, type PropertyType, toPropertyKey } from '../contacts/fields.ts';
import type { PropertyDefinition } from '../contacts/values.ts';
import { parseDate, parseNumber } from '../contacts/values.ts';
import type { ImportKind } from './schema.ts';

/** Header words people use, normalized (lower case, letters and digits only), per target. Earlier wins. */
const CONTACT_SYNONYMS: [string, string[]][] = [
  ['email', ['email', 'emailaddress', 'primaryemail', 'mail', 'emailaddr', 'emails', 'courriel', 'correo', 'personalemail', 'workemail']],
  ['external_id', ['externalid', 'identifier', 'userid', 'customerid', 'clientid', 'contactid', 'memberid', 'customernumber', 'accountid', 'uid', 'id']],
  ['phone', ['mobilephone', 'mobilenumber', 'mobile', 'cellphone', 'cell', 'phone', 'phonenumber', 'telephone', 'tel', 'phone1', 'handy']],
  ['first_name', ['firstname', 'givenname', 'first', 'forename', 'vorname', 'prenom', 'nombre']],
  ['last_name', ['lastname', 'surname', 'familyname', 'last', 'nachname', 'nomdefamille', 'apellido']],
  ['name', ['fullname', 'name', 'displayname', 'contactname', 'contact']],
  ['lifecycle_stage', ['lifecyclestage', 'lifecycle', 'stage']],
  ['email_status', ['emailstatus', 'subscriptionstatus', 'emailsubscription', 'subscribed', 'optin', 'emailoptin']],
];

const ORDER_SYNONYMS: [string, string[]][] = [
  ['order_id', ['orderid', 'invoiceno', 'invoicenumber', 'invoice', 'ordernumber', 'orderno', 'order', 'transactionid', 'receiptid']],
  ['customer_email', ['customeremail', 'email', 'emailaddress', 'buyeremail']],
  ['customer_id', ['customerid', 'customer', 'clientid', 'userid', 'buyerid', 'customernumber', 'memberid']],
  ['ordered_at', ['orderdate', 'invoicedate', 'ordereddate', 'orderedat', 'purchasedate', 'date', 'createdat', 'timestamp', 'datetime']],
  ['quantity', ['quantity', 'qty', 'units', 'count']],
  ['unit_price', ['unitprice', 'price', 'itemprice', 'priceeach']],
  ['line_total', ['linetotal', 'lineamount', 'subtotal', 'amount', 'lineprice']],
  ['order_total', ['ordertotal', 'total', 'totalamount', 'grandtotal', 'ordervalue', 'revenue']],
  ['currency', ['currency', 'currencycode', 'curr']],
  ['sku', ['sku', 'stockcode', 'productid', 'itemcode', 'productcode', 'itemid', 'articlenumber']],
  ['product_name', ['productname', 'description', 'product', 'itemname', 'item', 'title', 'itemdescription']],
  ['customer_country', ['country', 'customercountry', 'countrycode', 'billingcountry', 'shippingcountry']],
];

const normalize = (header: string) =>
  header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const EMAIL_VALUE = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

export interface Suggestion {
  mapping: string[];
  properties: { column: number; key: string; label: string; type: PropertyType }[];
}

/**
 * A mapping from the column names (and, without names, from what the values look like):
 * built-in fields by their usual names in several exports and languages, existing
 * properties by key or label, and a proposed new property for each other column.
 */
export function suggestMapping(kind: ImportKind, columns: string[], sample: string[][], hasHeader: boolean, defs: PropertyDefinition[]): Suggestion {
  const mapping: string[] = columns.map(() => 'ignore');
  const taken = new Set<string>();
  const synonyms = kind === 'contacts' ? CONTACT_SYNONYMS : ORDER_SYNONYMS;
  const names = columns.map((c) => (hasHeader ? normalize(c) : ''));
  // Each target goes to the column whose name matches its most preferred synonym.
  for (const [target, words] of synonyms) {
    for (const word of words) {
      const col = names.findIndex((n, i) => n === word && mapping[i] === 'ignore');
      if (col >= 0 && !taken.has(target)) {
        mapping[col] = target;
        taken.add(target);
        break;
      }
    }
  }
  const values = (col: number) => sample.map((r) => (r[col] ?? '').trim()).filter((v) => v !== '');
  // Without a name to go by, a column of email addresses is still the email.
  const emailTarget = kind === 'contacts' ? 'email' : 'customer_email';
  if (!taken.has(emailTarget)) {
    const col = columns.findIndex((_, i) => mapping[i] === 'ignore' && values(i).length > 0 && values(i).filter((v) => EMAIL_VALUE.test(v)).length / values(i).length >= 0.8);
    if (col >= 0) mapping[col] = emailTarget;
  }
  const properties: Suggestion['properties'] = [];
  if (kind === 'contacts') {
    const byKey = new Map(defs.map((d) => [d.key, d]));
    const byLabel = new Map(defs.map((d) => [normalize(d.label), d]));
    columns.forEach((column, i) => {
      if (mapping[i] !== 'ignore' || !hasHeader || column.trim() === '') return;
      const key = toPropertyKey(column);
      const existing = byKey.get(key) ?? byLabel.get(normalize(column));
      if (existing) {
        mapping[i] = `properties.${existing.key}`;
        return;
      }
      if (values(i).length === 0) return; // an empty column: nothing to keep
      properties.push({ column: i, key, label: column.trim().slice(0, 100), type: inferType(values(i)) });
    });
    // Two columns may normalize to one key ("Birth Day", "Birthday"): keep keys unique.
    const used = new Set(defs.map((d) => d.key));
    for (const p of properties) {
      let key = p.key;
      for (let n = 2; used.has(key) || key in CONTACT_FIELDS; n++) key = `${p.key.slice(0, 58)}_${n}`;
      used.add(key);
      p.key = key;
    }
  }
  return { mapping, properties };
}

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'y', 'n']);

/** The type of a new property from its sample values: number, boolean, date, or text. */
export function inferType(values: string[]): PropertyType {
  if (values.length === 0) return 'string';
  if (values.every((v) => BOOLEAN_WORDS.has(v.toLowerCase()))) return 'boolean';
  if (values.every((v) => /^[-+]?[\d\s.,]+%?$/.test(v) && Number.isFinite(parseNumber(v)))) return 'number';
  if (values.every((v) => /^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}/.test(v) && parseDate(v) !== undefined)) return 'date';
  return 'string';
}

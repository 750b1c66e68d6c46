// The built-in fields of a contact, with their types, labels and choices, shared by the
// server and the web app (no imports).

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'opportunity', 'customer', 'evangelist', 'churned', 'other'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export const LIFECYCLE_LABELS: Record<LifecycleStage, string> = {
  subscriber: 'Subscriber',
  lead: 'Lead',
  opportunity: 'Opportunity',
  customer: 'Customer',
  evangelist: 'Evangelist',
  churned: 'Churned',
  other: 'Other',
};

export const EMAIL_STATUSES = ['subscribed', 'not_subscribed', 'unsubscribed', 'bounced', 'complained'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];
export const EMAIL_STATUS_LABELS: Record<EmailStatus, string> = {
  subscribed: 'Subscribed',
  not_subscribed: 'Not subscribed',
  unsubscribed: 'Unsubscribed',
  bounced: 'Bounced',
  complained: 'Complained',
};

/** 'country': an ISO 3166-1 alpha-2 code ("GB"), accepted as a code or a name (src/shared/countries.ts). */
export const PROPERTY_TYPES = ['string', 'number', 'boolean', 'date', 'enum', 'country'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Built-in fields a column can be mapped to, with their labels. */
export const CONTACT_FIELDS = {
  email: 'Email',
  external_id: 'External ID',
  phone: 'Phone',
  first_name: 'First name',
  last_name: 'Last name',
  lifecycle_stage: 'Lifecycle stage',
  email_status: 'Email status',
} as const;
export type ContactField = keyof typeof CONTACT_FIELDS;

export interface BuiltInField {
  label: string;
  type: PropertyType;
  /** The values of a choice, in display order, with their labels. */
  options?: readonly string[];
  optionLabels?: Record<string, string>;
}

/**
 * The built-in fields that conditions (segments, the contact list's filters) and sorting can
 * name, in the order they are offered; their names are the columns' names.
 */
export const BUILT_IN_FIELDS: Readonly<Record<string, BuiltInField>> = {
  email: { label: CONTACT_FIELDS.email, type: 'string' },
  first_name: { label: CONTACT_FIELDS.first_name, type: 'string' },
  last_name: { label: CONTACT_FIELDS.last_name, type: 'string' },
  phone: { label: CONTACT_FIELDS.phone, type: 'string' },
  external_id: { label: CONTACT_FIELDS.external_id, type: 'string' },
  lifecycle_stage: { label: CONTACT_FIELDS.lifecycle_stage, type: 'enum', options: LIFECYCLE_STAGES, optionLabels: LIFECYCLE_LABELS },
  email_status: { label: CONTACT_FIELDS.email_status, type: 'enum', options: EMAIL_STATUSES, optionLabels: EMAIL_STATUS_LABELS },
  created_at: { label: 'Created', type: 'date' },
  updated_at: { label: 'Updated', type: 'date' },
};

export const isBuiltInField = (name: string): boolean => Object.hasOwn(BUILT_IN_FIELDS, name);

/** A property key: lower-case letters, digits and underscores, starting with a letter. */
export const PROPERTY_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

/** Turns a column header or a label into a property key ("Loyalty Tier" → "loyalty_tier"). */
export function toPropertyKey(label: string): string {
  const key = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 63);
  if (!key) return 'property';
  return /^[a-z]/.test(key) ? key : `p_${key}`.slice(0, 63);
}

/**
 * The scores of a customer that the retention models write (table `contact_scores`, see
 * src/retention/), read like fields by conditions, the contact list and templates under the
 * name "scores.<column>". Contacts who never ordered have none. Money scores (expected order
 * value, lifetime value) are amounts in a currency: conditions read them as order figures
 * (`purchases` conditions with a currency), not here.
 */
/** A field read from a table kept per contact by a later domain (the scores, the loyalty figures): its table and column. */
export interface JoinedField extends BuiltInField {
  table: 'contact_scores' | 'loyalty_members';
  column: string;
  description: string;
}

export const SCORE_FIELDS: Readonly<Record<string, JoinedField>> = {
  'scores.p_alive': {
    label: 'Chance still a customer',
    type: 'number',
    table: 'contact_scores',
    column: 'p_alive',
    description: 'The probability (0 to 1) that the customer still buys from you, from their order history (the BG/NBD model).',
  },
  'scores.expected_purchases_90': {
    label: 'Orders expected in 90 days',
    type: 'number',
    table: 'contact_scores',
    column: 'expected_purchases_90',
    description: 'How many times the customer is expected to order in the next 90 days (days with orders).',
  },
  'scores.health': {
    label: 'Health score',
    type: 'number',
    table: 'contact_scores',
    column: 'health',
    description: 'From 0 to 100: the chance they are still a customer, their email engagement and their latest NPS answer, combined.',
  },
  'scores.rfm_recency': { label: 'RFM recency (1–5)', type: 'number', table: 'contact_scores', column: 'rfm_recency', description: 'Quintile of the last order among your customers: 5 = the most recent fifth.' },
  'scores.rfm_frequency': { label: 'RFM frequency (1–5)', type: 'number', table: 'contact_scores', column: 'rfm_frequency', description: 'Quintile of the number of order days: 5 = the fifth who ordered most often.' },
  'scores.rfm_monetary': { label: 'RFM monetary (1–5)', type: 'number', table: 'contact_scores', column: 'rfm_monetary', description: 'Quintile of the total spent (in their currency): 5 = the fifth who spent most.' },
};

export const isScoreField = (name: string): boolean => Object.hasOwn(SCORE_FIELDS, name);

/**
 * A member's points figures that the loyalty program keeps (table `loyalty_members`, see
 * src/loyalty/), read like fields under the name "loyalty.<figure>". Contacts who never earned
 * have none. "Points expiring in the next 14 days" is `loyalty.next_expiry_at` within 14 days.
 */
export const LOYALTY_FIELDS: Readonly<Record<string, JoinedField>> = {
  'loyalty.points': { label: 'Loyalty points', type: 'number', table: 'loyalty_members', column: 'points', description: 'The points the member can spend now (pending points not included).' },
  'loyalty.pending': { label: 'Loyalty points pending', type: 'number', table: 'loyalty_members', column: 'pending', description: 'Points earned but not yet usable (within their rule’s pending period).' },
  'loyalty.lifetime': { label: 'Loyalty points earned (lifetime)', type: 'number', table: 'loyalty_members', column: 'lifetime', description: 'Every point earned, less what refunds took back.' },
  'loyalty.tier': { label: 'Loyalty program tier', type: 'string', table: 'loyalty_members', column: 'tier_name', description: 'The name of the member’s tier (empty below every tier).' },
  'loyalty.next_expiry_at': { label: 'Loyalty points next expire on', type: 'date', table: 'loyalty_members', column: 'next_expiry_at', description: 'When the member’s next points expire.' },
  'loyalty.next_expiry_points': { label: 'Loyalty points expiring next', type: 'number', table: 'loyalty_members', column: 'next_expiry_points', description: 'How many points expire on that date.' },
};

/** Every field read from a per-contact table of a later domain, by name. */
export const JOINED_FIELDS: Readonly<Record<string, JoinedField>> = { ...SCORE_FIELDS, ...LOYALTY_FIELDS };
export const isJoinedField = (name: string): boolean => Object.hasOwn(JOINED_FIELDS, name);

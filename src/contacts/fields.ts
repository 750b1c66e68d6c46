// The built-in fields of a contact, shared by the server and the web app (no imports).

export const LIFECYCLE_STAGES = ['subscriber', 'lead', 'opportunity', 'customer', 'evangelist', 'churned', 'other'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const EMAIL_STATUSES = ['subscribed', 'not_subscribed', 'unsubscribed', 'bounced', 'complained'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

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

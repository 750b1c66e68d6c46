// A contact's email consent in words: what their status is, since when, and through what
// ("Subscribed on Dec 5, 2026 · import of customers.csv, agreement stated by Ann Lee").
import { formatDate } from '../lib/format.ts';
import { type Contact, type ConsentChange, EMAIL_STATUS_LABELS } from './model.ts';

type Status = Contact['emailStatus'];

/** The writers of a change (contact_changes.source), short, for badges in the change history. */
export const SOURCE_LABELS: Record<string, { label: string; color: string }> = {
  web: { label: 'Web app', color: 'brand' },
  api: { label: 'API', color: 'cyan' },
  import: { label: 'Import', color: 'orange' },
  tracking: { label: 'Tracking', color: 'teal' },
  unsubscribe: { label: 'Unsubscribe link', color: 'yellow' },
  preferences: { label: 'Preference page', color: 'yellow' },
  'email-feedback': { label: 'Email provider', color: 'red' },
  suppressions: { label: 'Suppression list', color: 'gray' },
  demo: { label: 'Demo data', color: 'gray' },
  migration: { label: 'Rapport update', color: 'gray' },
};

/** How a consent change came about, as the end of a sentence. */
export function consentHow(change: Pick<ConsentChange, 'source' | 'status' | 'importFile' | 'statedBy'>): string {
  switch (change.source) {
    case 'web':
      return 'the web app';
    case 'api':
      return 'the API';
    case 'tracking':
      return 'the tracking API';
    case 'unsubscribe':
      return 'the unsubscribe link in an email';
    case 'preferences':
      return 'the preference page';
    case 'email-feedback':
      if (change.status === 'bounced') return 'a bounce reported by the email provider';
      if (change.status === 'complained') return 'a spam complaint reported by the email provider';
      return 'the email provider';
    case 'suppressions':
      return 'a change to the suppression list';
    case 'demo':
      return 'the demo data';
    case 'migration':
      return 'an update of Rapport';
    case 'import': {
      const what = change.importFile ? `import of ${change.importFile}` : 'an import';
      if (!change.statedBy) return what;
      return `${what}, ${change.status === 'subscribed' ? 'agreement stated' : 'stated'} by ${change.statedBy}`;
    }
    default:
      return change.source;
  }
}

const SINCE: Record<Status, string> = {
  subscribed: 'Subscribed on',
  not_subscribed: 'Not subscribed since',
  unsubscribed: 'Unsubscribed on',
  bounced: 'Bounced on',
  complained: 'Marked an email as spam on',
};

export interface ConsentLine {
  /** "Subscribed on Dec 5, 2026", "Not subscribed". */
  status: string;
  /** The instant of the change, for a tooltip; null without a record. */
  at: string | null;
  /** "import of customers.csv, agreement stated by Ann Lee", "nobody has said they agreed to marketing email". */
  how: string;
}

/** The contact's current consent, from their status and the newest change of it. */
export function currentConsent(contact: Pick<Contact, 'email' | 'emailStatus'>, history: ConsentChange[]): ConsentLine {
  const status = contact.emailStatus;
  const latest = history[0];
  if (latest && latest.status === status) {
    return { status: `${SINCE[status]} ${formatDate(latest.at)}`, at: latest.at, how: consentHow(latest) };
  }
  if (status === 'not_subscribed') {
    return {
      status: EMAIL_STATUS_LABELS.not_subscribed,
      at: null,
      how: contact.email ? 'nobody has said they agreed to marketing email' : 'no email address',
    };
  }
  return { status: EMAIL_STATUS_LABELS[status], at: null, how: 'when and how was not recorded' };
}

/** One change as a sentence: "Not subscribed → Subscribed" or "Added as subscribed". */
export function consentChangeText(change: ConsentChange): string {
  const to = EMAIL_STATUS_LABELS[change.status];
  return change.previous === null ? `Added as ${to.toLowerCase()}` : `${EMAIL_STATUS_LABELS[change.previous]} → ${to}`;
}

// How the events Rapport itself writes read to a person: a label for pickers ("Purchase"),
// and what the contact did, for sentences ("Bought at least twice", "Did not open an email").
// Zod-free and dependency-free, so the web app imports it as it is. Events a shop sends under
// its own names read as those names. (The full event catalogue, with each event's properties,
// grows from this list.)

export interface EventLabel {
  /** For pickers and headings: "Purchase", "Email opened". */
  label: string;
  /** What the contact did: "Bought", "Opened an email". */
  did: string;
  /** The negation: "Did not buy", "Did not open an email". */
  didNot: string;
}

export const EVENT_LABELS: Record<string, EventLabel> = {
  purchase: { label: 'Purchase', did: 'Bought', didNot: 'Did not buy' },
  refund: { label: 'Refund', did: 'Was refunded', didNot: 'Was not refunded' },
  'email.sent': { label: 'Email sent', did: 'Was sent an email', didNot: 'Was not sent an email' },
  'email.opened': { label: 'Email opened', did: 'Opened an email', didNot: 'Did not open an email' },
  'email.clicked': { label: 'Email link clicked', did: 'Clicked a link in an email', didNot: 'Did not click a link in an email' },
  'email.bounced': { label: 'Email bounced', did: 'Had an email bounce', didNot: 'Had no email bounce' },
  'email.complained': { label: 'Email marked as spam', did: 'Marked an email as spam', didNot: 'Did not mark an email as spam' },
  'email.unsubscribed': { label: 'Unsubscribed from email', did: 'Unsubscribed from email', didNot: 'Did not unsubscribe from email' },
  'email.resubscribed': { label: 'Subscribed to email again', did: 'Subscribed to email again', didNot: 'Did not subscribe to email again' },
  'email.preferences_changed': { label: 'Email preferences changed', did: 'Changed their email preferences', didNot: 'Did not change their email preferences' },
  page: { label: 'Page viewed', did: 'Viewed a page', didNot: 'Did not view a page' },
  screen: { label: 'App screen viewed', did: 'Viewed an app screen', didNot: 'Did not view an app screen' },
  identify: { label: 'Identified', did: 'Was identified', didNot: 'Was not identified' },
  alias: { label: 'Linked to another id', did: 'Was linked to another id', didNot: 'Was not linked to another id' },
  group: { label: 'Joined a group', did: 'Joined a group', didNot: 'Did not join a group' },
  'segment.entered': { label: 'Entered a segment or list', did: 'Entered a segment or list', didNot: 'Did not enter a segment or list' },
  'segment.exited': { label: 'Left a segment or list', did: 'Left a segment or list', didNot: 'Did not leave a segment or list' },
};

/** "purchase" → "Purchase"; a shop's own "Signed Up" stays "Signed Up". */
export function eventLabel(name: string): string {
  return EVENT_LABELS[name]?.label ?? name;
}

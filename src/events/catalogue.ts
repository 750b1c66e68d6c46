// The events Rapport itself writes on the spine: each one's name, the properties it carries
// and their types, how it reads to a person (a label for pickers, what the contact did and did
// not do for segment sentences, the timeline sentence), and which part of Rapport writes it.
// Zod-free and free of any dependency but the money rule, so the web app imports it as it is.
// The writers (src/events/record.ts), the segment catalog and the timeline all read it; a new
// capability adds its events here (workflow.*, survey.answered, points.earned…).
// Events a shop sends under its own names ("Signed Up") are not in it and read as those names.
import { formatMoney, isCurrency } from '../shared/money.ts';

/** The JSON type of a property as segment conditions on event properties see it. */
export type PropertyType = 'string' | 'number' | 'boolean' | 'array' | 'object';

interface PropertySpec {
  type: PropertyType;
  /** May be null or absent. */
  optional?: boolean;
}

/** Where on the timeline an event is drawn (its icon and colour). */
export type EventKind = 'purchase' | 'refund' | 'email' | 'page' | 'segment' | 'workflow' | 'survey' | 'loyalty' | 'social' | 'identity' | 'other';

/** Which part of Rapport writes an event (the `source` column). */
export type EventSource = 'tracking' | 'import' | 'demo' | 'email' | 'segments' | 'workflows' | 'surveys' | 'coupons' | 'loyalty' | 'social';

export interface SystemEventSpec {
  /** For pickers and headings: "Purchase", "Email opened". */
  label: string;
  /** What the contact did: "Bought", "Opened an email". */
  did: string;
  /** The negation: "Did not buy", "Did not open an email". */
  didNot: string;
  kind: EventKind;
  /** The properties it carries. Events a caller describes (page, identify…) carry the caller's own as well. */
  properties: Record<string, PropertySpec>;
  /** One sentence for the contact's timeline. */
  sentence: (p: Record<string, unknown>) => string;
}

const numberFormat = new Intl.NumberFormat('en');
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);
const quoted = (v: unknown, fallback: string) => (str(v) ? `“${str(v)}”` : fallback);
const plural = (n: number, one: string, many = `${one}s`) => `${numberFormat.format(n)} ${n === 1 ? one : many}`;

/** Integer minor units of a known currency as money ("£45.20"); otherwise hundredths with the code, or null without an amount. */
export function moneyText(minor: unknown, currency: unknown): string | null {
  if (typeof minor !== 'number' || !Number.isFinite(minor)) return null;
  const code = typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency.trim()) ? currency.trim().toUpperCase() : undefined;
  // Without a known currency the amount cannot be placed: shown as a plain number of hundredths.
  if (!code || !isCurrency(code)) return `${numberFormat.format(minor / 100)}${code ? ` ${code}` : ''}`;
  return formatMoney(minor, code, 'en');
}

/** How many items an order holds, from whichever property says it. */
export function itemCount(p: Record<string, unknown>): number | undefined {
  if (typeof p.item_count === 'number') return p.item_count;
  if (typeof p.quantity === 'number') return p.quantity;
  if (Array.isArray(p.items)) return p.items.length;
  if (Array.isArray(p.products)) return p.products.length;
  return undefined;
}

/** "Bought 3 items for £45.20". */
export function purchaseSentence(p: Record<string, unknown>): string {
  const money = moneyText(p.total ?? p.revenue ?? p.value ?? p.amount, p.currency);
  const n = itemCount(p);
  if (n !== undefined && money) return `Bought ${plural(n, 'item')} for ${money}`;
  if (money) return `Bought for ${money}`;
  return n !== undefined ? `Bought ${plural(n, 'item')}` : 'Made a purchase';
}

/** "Refunded £12.00". */
export function refundSentence(p: Record<string, unknown>): string {
  const money = moneyText(p.total ?? p.revenue ?? p.value ?? p.amount, p.currency);
  return money ? `Refunded ${money}` : 'Was refunded';
}

/** How someone unsubscribed or came back (the `via` of email.unsubscribed and email.resubscribed). */
const VIA: Record<string, string> = {
  link: ' through the link in an email',
  'one-click': ' with one click in their mail app',
  preferences: ' on their preference page',
};

const order = { order_id: { type: 'string' }, total: { type: 'number' }, currency: { type: 'string' } } as const;
const message = {
  message_id: { type: 'string' },
  broadcast_id: { type: 'string', optional: true },
  template_id: { type: 'string', optional: true },
  subject: { type: 'string', optional: true },
} as const;
const workflow = { workflow_id: { type: 'string' }, workflow_name: { type: 'string' }, enrollment_id: { type: 'string' } } as const;
const STEP_WORDS: Record<string, string> = {
  send_email: 'Email step',
  update_contact: 'Update step',
  list: 'List step',
  webhook: 'Webhook step',
  send_survey: 'Survey step',
  award_points: 'Points step',
  issue_coupon: 'Coupon step',
};
const RESULT_WORDS: Record<string, string> = {
  queued: 'email queued',
  survey_queued: 'survey sent',
  skipped: 'skipped',
  capped: 'held back by the frequency cap',
  held: 'held until quiet hours end',
  holdout: 'nothing done (holdout)',
  updated: 'updated',
  unchanged: 'already so',
  added: 'added to the list',
  removed: 'taken off the list',
  webhook_queued: 'call queued',
  points_awarded: 'points given',
  coupon_issued: 'coupon given',
  failed: 'failed',
};
const EXIT_WORDS: Record<string, string> = {
  completed: 'reached the end',
  exit_step: 'reached an exit step',
  exit_condition: 'met an exit condition',
  removed: 'removed by hand',
  archived: 'the workflow was archived',
  failed: 'a step failed',
};
const segment = { segment_id: { type: 'string' }, segment_name: { type: 'string' }, segment_kind: { type: 'string', optional: true } } as const;

export const SYSTEM_EVENTS = {
  purchase: {
    label: 'Purchase',
    did: 'Bought',
    didNot: 'Did not buy',
    kind: 'purchase',
    properties: { ...order, item_count: { type: 'number', optional: true }, items: { type: 'array', optional: true } },
    sentence: purchaseSentence,
  },
  refund: {
    label: 'Refund',
    did: 'Was refunded',
    didNot: 'Was not refunded',
    kind: 'refund',
    properties: { ...order, order_id: { type: 'string', optional: true }, item_count: { type: 'number', optional: true }, items: { type: 'array', optional: true } },
    sentence: refundSentence,
  },
  'email.sent': {
    label: 'Email sent',
    did: 'Was sent an email',
    didNot: 'Was not sent an email',
    kind: 'email',
    properties: message,
    sentence: (p) => `Was sent ${quoted(p.subject, 'an email')}`,
  },
  'email.opened': {
    label: 'Email opened',
    did: 'Opened an email',
    didNot: 'Did not open an email',
    kind: 'email',
    properties: message,
    sentence: (p) => `Opened ${quoted(p.subject, 'an email')}`,
  },
  'email.clicked': {
    label: 'Email link clicked',
    did: 'Clicked a link in an email',
    didNot: 'Did not click a link in an email',
    kind: 'email',
    properties: { ...message, url: { type: 'string' } },
    sentence: (p) => (str(p.url) ? `Clicked ${str(p.url)} in ${quoted(p.subject, 'an email')}` : `Clicked a link in ${quoted(p.subject, 'an email')}`),
  },
  'email.bounced': {
    label: 'Email bounced',
    did: 'Had an email bounce',
    didNot: 'Had no email bounce',
    kind: 'email',
    properties: {
      message_id: { type: 'string', optional: true },
      broadcast_id: { type: 'string', optional: true },
      provider: { type: 'string' },
      bounce_type: { type: 'string', optional: true },
      diagnostic: { type: 'string', optional: true },
    },
    sentence: (p) => {
      const why = str(p.diagnostic) ?? str(p.reason);
      const type = p.bounce_type === 'hard' || p.bounce_type === 'soft' ? ` (${p.bounce_type} bounce)` : '';
      return `An email to them bounced${type}${why ? `: ${why.length > 120 ? `${why.slice(0, 119)}…` : why}` : ''}`;
    },
  },
  'email.complained': {
    label: 'Email marked as spam',
    did: 'Marked an email as spam',
    didNot: 'Did not mark an email as spam',
    kind: 'email',
    properties: {
      message_id: { type: 'string', optional: true },
      broadcast_id: { type: 'string', optional: true },
      provider: { type: 'string' },
      feedback_type: { type: 'string', optional: true },
    },
    sentence: () => 'Marked an email as spam',
  },
  'email.unsubscribed': {
    label: 'Unsubscribed from email',
    did: 'Unsubscribed from email',
    didNot: 'Did not unsubscribe from email',
    kind: 'email',
    properties: { via: { type: 'string' } },
    sentence: (p) => `Unsubscribed from email${VIA[String(p.via)] ?? ''}`,
  },
  'email.resubscribed': {
    label: 'Subscribed to email again',
    did: 'Subscribed to email again',
    didNot: 'Did not subscribe to email again',
    kind: 'email',
    properties: { via: { type: 'string' }, previous: { type: 'string', optional: true } },
    sentence: (p) =>
      p.via === 'suppression_removed' ? 'Was subscribed again: their address was taken off the suppression list' : `Subscribed to email again${VIA[String(p.via)] ?? ''}`,
  },
  'email.preferences_changed': {
    label: 'Email preferences changed',
    did: 'Changed their email preferences',
    didNot: 'Did not change their email preferences',
    kind: 'email',
    properties: { topics_left: { type: 'number' }, subscribed: { type: 'boolean' } },
    sentence: (p) => {
      if (p.subscribed === false) return 'Changed their email preferences: no marketing email';
      return typeof p.topics_left === 'number' && p.topics_left > 0
        ? `Changed their email preferences: left ${plural(p.topics_left, 'topic')}`
        : 'Changed their email preferences: every topic';
    },
  },
  page: {
    label: 'Page viewed',
    did: 'Viewed a page',
    didNot: 'Did not view a page',
    kind: 'page',
    properties: {},
    sentence: (p) => `Viewed ${str(p.title) ?? str(p.name) ?? str(p.url) ?? str(p.path) ?? 'a page'}`,
  },
  screen: {
    label: 'App screen viewed',
    did: 'Viewed an app screen',
    didNot: 'Did not view an app screen',
    kind: 'page',
    properties: {},
    sentence: (p) => `Viewed the ${str(p.name) ?? 'app'} screen`,
  },
  identify: { label: 'Identified', did: 'Was identified', didNot: 'Was not identified', kind: 'identity', properties: {}, sentence: () => 'Was identified' },
  alias: {
    label: 'Linked to another id',
    did: 'Was linked to another id',
    didNot: 'Was not linked to another id',
    kind: 'identity',
    properties: {},
    sentence: () => 'Was linked to another id',
  },
  group: {
    label: 'Joined a group',
    did: 'Joined a group',
    didNot: 'Did not join a group',
    kind: 'identity',
    properties: {},
    sentence: (p) => `Joined ${str(p.name) ?? str(p.groupId) ?? 'a group'}`,
  },
  'segment.entered': {
    label: 'Entered a segment or list',
    did: 'Entered a segment or list',
    didNot: 'Did not enter a segment or list',
    kind: 'segment',
    properties: segment,
    sentence: (p) =>
      p.segment_kind === 'list' ? `Added to list ${quoted(p.segment_name, '')}`.trim() : `Entered segment ${quoted(p.segment_name ?? p.name ?? p.segment, '')}`.trim(),
  },
  'segment.exited': {
    label: 'Left a segment or list',
    did: 'Left a segment or list',
    didNot: 'Did not leave a segment or list',
    kind: 'segment',
    properties: segment,
    sentence: (p) =>
      p.segment_kind === 'list' ? `Taken off list ${quoted(p.segment_name, '')}`.trim() : `Left segment ${quoted(p.segment_name ?? p.name ?? p.segment, '')}`.trim(),
  },
  'workflow.entered': {
    label: 'Entered a workflow',
    did: 'Entered a workflow',
    didNot: 'Did not enter a workflow',
    kind: 'workflow',
    properties: { ...workflow, version: { type: 'number' }, holdout: { type: 'boolean' } },
    sentence: (p) => `Entered workflow ${quoted(p.workflow_name, '')}${p.holdout === true ? ' (in its holdout: no actions)' : ''}`.replace(/ +/g, ' ').trim(),
  },
  'workflow.step_completed': {
    label: 'Passed a workflow step',
    did: 'Passed a workflow step',
    didNot: 'Did not pass a workflow step',
    kind: 'workflow',
    properties: { ...workflow, step: { type: 'string' }, step_kind: { type: 'string' }, result: { type: 'string' }, detail: { type: 'string', optional: true } },
    sentence: (p) => `${STEP_WORDS[String(p.step_kind)] ?? 'Passed step'} “${str(p.step) ?? '?'}” in workflow ${quoted(p.workflow_name, '')}: ${RESULT_WORDS[String(p.result)] ?? str(p.result) ?? 'done'}${str(p.detail) ? ` (${str(p.detail)})` : ''}`,
  },
  'workflow.converted': {
    label: 'Reached a workflow goal',
    did: 'Reached a workflow goal',
    didNot: 'Did not reach a workflow goal',
    kind: 'workflow',
    properties: { ...workflow },
    sentence: (p) => `Reached the goal of workflow ${quoted(p.workflow_name, '')}`.replace(/ +/g, ' ').trim(),
  },
  'workflow.exited': {
    label: 'Left a workflow',
    did: 'Left a workflow',
    didNot: 'Did not leave a workflow',
    kind: 'workflow',
    properties: { ...workflow, reason: { type: 'string' }, detail: { type: 'string', optional: true } },
    sentence: (p) => `Left workflow ${quoted(p.workflow_name, '')}: ${EXIT_WORDS[String(p.reason)] ?? str(p.reason) ?? 'ended'}`.replace(/ +/g, ' ').trim(),
  },
  'survey.sent': {
    label: 'Was sent a survey',
    did: 'Was sent a survey',
    didNot: 'Was not sent a survey',
    kind: 'survey',
    properties: { survey_id: { type: 'string' }, survey_name: { type: 'string' }, send_id: { type: 'string' }, reminder: { type: 'number' } },
    sentence: (p) => `${Number(p.reminder) > 0 ? 'Was reminded of' : 'Was sent'} survey ${quoted(p.survey_name, '')}`.replace(/ +/g, ' ').trim(),
  },
  'survey.answered': {
    label: 'Answered a survey',
    did: 'Answered a survey',
    didNot: 'Did not answer a survey',
    kind: 'survey',
    properties: {
      survey_id: { type: 'string' },
      survey_name: { type: 'string' },
      response_id: { type: 'string' },
      /** nps, csat, ces or custom: the survey's main question. */
      kind: { type: 'string' },
      score: { type: 'number', optional: true },
      band: { type: 'string', optional: true },
      text: { type: 'string', optional: true },
      sentiment: { type: 'string', optional: true },
      /** Left before the end: the answers given are kept. */
      partial: { type: 'boolean' },
      channel: { type: 'string' },
    },
    sentence: (p) => {
      const kind = str(p.kind) && p.kind !== 'custom' ? String(p.kind).toUpperCase() : '';
      const score = typeof p.score === 'number' ? `: ${kind ? `${kind} ` : 'score '}${p.score}${str(p.band) ? ` (${String(p.band)})` : ''}` : '';
      const text = str(p.text) ? ` · “${String(p.text).length > 120 ? `${String(p.text).slice(0, 117)}…` : String(p.text)}”` : '';
      return `Answered survey ${quoted(p.survey_name, '')}${score}${p.partial === true ? ' (did not finish)' : ''}${text}`.replace(/ +/g, ' ').trim();
    },
  },
  'coupon.issued': {
    label: 'Was given a coupon',
    did: 'Was given a coupon',
    didNot: 'Was not given a coupon',
    kind: 'loyalty',
    properties: { campaign_id: { type: 'string' }, campaign_name: { type: 'string' }, code: { type: 'string' }, channel: { type: 'string' }, cause: { type: 'string', optional: true } },
    sentence: (p) => `Was given coupon ${str(p.code) ?? ''} from ${quoted(p.campaign_name, 'a campaign')}`.replace(/ +/g, ' '),
  },
  'coupon.redeemed': {
    label: 'Used a coupon',
    did: 'Used a coupon',
    didNot: 'Did not use a coupon',
    kind: 'loyalty',
    properties: {
      campaign_id: { type: 'string' },
      campaign_name: { type: 'string' },
      code: { type: 'string' },
      channel: { type: 'string' },
      channel_detail: { type: 'string', optional: true },
      redemption_id: { type: 'string' },
      order_id: { type: 'string', optional: true },
      total: { type: 'number' },
      discount: { type: 'number' },
      currency: { type: 'string' },
    },
    sentence: (p) => {
      const off = moneyText(p.discount, p.currency);
      const on = moneyText(p.total, p.currency);
      return `Used coupon ${str(p.code) ?? ''}${off && Number(p.discount) > 0 ? ` for ${off} off` : ''}${on ? ` an order of ${on}` : ''}`.replace(/ +/g, ' ');
    },
  },
  'coupon.rolled_back': {
    label: 'Coupon use cancelled',
    did: 'Had a coupon use cancelled',
    didNot: 'Had no coupon use cancelled',
    kind: 'loyalty',
    properties: { campaign_id: { type: 'string' }, campaign_name: { type: 'string' }, code: { type: 'string' }, redemption_id: { type: 'string' }, order_id: { type: 'string', optional: true } },
    sentence: (p) => `The use of coupon ${str(p.code) ?? ''} was cancelled${str(p.order_id) ? ` (order ${str(p.order_id)})` : ''}`.replace(/ +/g, ' '),
  },
  'points.earned': {
    label: 'Earned points',
    did: 'Earned points',
    didNot: 'Did not earn points',
    kind: 'loyalty',
    properties: { points: { type: 'number' }, rule_id: { type: 'string', optional: true }, rule_name: { type: 'string' }, pending_until: { type: 'string', optional: true }, expires_at: { type: 'string', optional: true }, order_id: { type: 'string', optional: true } },
    sentence: (p) => `Earned ${plural(Number(p.points) || 0, 'point')} (${str(p.rule_name) ?? 'points'})${str(p.pending_until) ? `, usable from ${String(p.pending_until).slice(0, 10)}` : ''}`,
  },
  'points.spent': {
    label: 'Spent points',
    did: 'Spent points',
    didNot: 'Did not spend points',
    kind: 'loyalty',
    properties: { points: { type: 'number' }, reward_id: { type: 'string' }, reward_name: { type: 'string' }, redemption_id: { type: 'string' } },
    sentence: (p) => `Spent ${plural(Number(p.points) || 0, 'point')} on ${quoted(p.reward_name, 'a reward')}`,
  },
  'points.reversed': {
    label: 'Points taken back',
    did: 'Had points taken back',
    didNot: 'Had no points taken back',
    kind: 'loyalty',
    properties: { points: { type: 'number' }, order_id: { type: 'string', optional: true }, capped: { type: 'number' } },
    sentence: (p) => `${plural(Number(p.points) || 0, 'point')} taken back for a refund${str(p.order_id) ? ` of order ${str(p.order_id)}` : ''}${Number(p.capped) > 0 ? ` (${plural(Number(p.capped), 'point')} already spent were left)` : ''}`,
  },
  'points.expired': {
    label: 'Points expired',
    did: 'Had points expire',
    didNot: 'Had no points expire',
    kind: 'loyalty',
    properties: { points: { type: 'number' } },
    sentence: (p) => `${plural(Number(p.points) || 0, 'point')} expired`,
  },
  'points.adjusted': {
    label: 'Points adjusted',
    did: 'Had points adjusted',
    didNot: 'Had no points adjusted',
    kind: 'loyalty',
    properties: { points: { type: 'number' }, reason: { type: 'string' } },
    sentence: (p) => `Points adjusted by ${Number(p.points) > 0 ? '+' : ''}${numberFormat.format(Number(p.points) || 0)}: ${str(p.reason) ?? 'no reason given'}`,
  },
  'tier.changed': {
    label: 'Loyalty tier changed',
    did: 'Changed loyalty tier',
    didNot: 'Did not change loyalty tier',
    kind: 'loyalty',
    properties: { tier_id: { type: 'string', optional: true }, tier: { type: 'string', optional: true }, previous_tier: { type: 'string', optional: true }, direction: { type: 'string' } },
    sentence: (p) => (str(p.tier) ? `${p.direction === 'down' ? 'Moved down' : 'Moved up'} to ${str(p.tier)}${str(p.previous_tier) ? ` from ${str(p.previous_tier)}` : ''}` : `Left tier ${str(p.previous_tier) ?? ''}`.trim()),
  },
  'social.mentioned': {
    label: 'Mentioned us on social media',
    did: 'Mentioned us on social media',
    didNot: 'Did not mention us on social media',
    kind: 'social',
    properties: {
      network: { type: 'string' },
      /** mention, reply, hashtag or keyword: how the post was found. */
      kind: { type: 'string' },
      /** positive, neutral or negative; null where the language could not be scored. */
      sentiment: { type: 'string', optional: true },
      score: { type: 'number', optional: true },
      language: { type: 'string' },
      text: { type: 'string' },
      url: { type: 'string', optional: true },
      handle: { type: 'string' },
      mention_id: { type: 'string' },
    },
    sentence: (p) => {
      const network = p.network === 'bluesky' ? 'Bluesky' : p.network === 'mastodon' ? 'Mastodon' : str(p.network) ?? 'social media';
      const how = p.kind === 'reply' ? 'Replied to us' : 'Mentioned us';
      const mood = str(p.sentiment) ? ` (${String(p.sentiment)})` : ' (sentiment not scored)';
      const text = str(p.text) ? ` · “${String(p.text).length > 120 ? `${String(p.text).slice(0, 117)}…` : String(p.text)}”` : '';
      return `${how} on ${network}${mood}${text}`;
    },
  },
} as const satisfies Record<string, SystemEventSpec>;

export type SystemEventName = keyof typeof SYSTEM_EVENTS;

type TypeOf<T extends PropertyType> = T extends 'string' ? string : T extends 'number' ? number : T extends 'boolean' ? boolean : T extends 'array' ? unknown[] : Record<string, unknown>;
type Props<P> = { [K in keyof P as P[K] extends { optional: true } ? never : K]: P[K] extends { type: infer T extends PropertyType } ? TypeOf<T> : never } & {
  [K in keyof P as P[K] extends { optional: true } ? K : never]?: (P[K] extends { type: infer T extends PropertyType } ? TypeOf<T> : never) | null;
};

/** The properties a system event carries, as TypeScript sees them (page, identify… also take the caller's own). */
export type SystemEventProperties<N extends SystemEventName> = (typeof SYSTEM_EVENTS)[N]['properties'] extends Record<string, never>
  ? Record<string, unknown>
  : Props<(typeof SYSTEM_EVENTS)[N]['properties']>;

/** The catalogue entry of an event Rapport writes, or undefined for a shop's own event. */
export function systemEvent(name: string): SystemEventSpec | undefined {
  return Object.hasOwn(SYSTEM_EVENTS, name) ? (SYSTEM_EVENTS as Record<string, SystemEventSpec>)[name] : undefined;
}

export const isSystemEvent = (name: string): name is SystemEventName => Object.hasOwn(SYSTEM_EVENTS, name);

/** "purchase" → "Purchase"; a shop's own "Signed Up" stays "Signed Up". */
export function eventLabel(name: string): string {
  return systemEvent(name)?.label ?? name;
}

// A workflow's graph as the editor handles it, without zod: the kinds of step the palette
// offers, each step's ways out, a step in plain words ("Wait 3 days", "Send “We miss you”"),
// adding a step after a way out and deleting one, and where the server's problems belong.
import {
  type Icon,
  IconArrowsSplit,
  IconBolt,
  IconCalendarEvent,
  IconClock,
  IconDoorExit,
  IconGitBranch,
  IconHourglass,
  IconMail,
  IconMessageQuestion,
  IconPlaylistAdd,
  IconPlaylistX,
  IconUserEdit,
  IconWebhook,
  IconCalendarTime,
  IconDiscount2,
  IconGift,
} from '@tabler/icons-react';
import { eventLabel } from '../../../src/events/catalogue.ts';
import { sentenceCase } from '../lib/api.ts';
import type { Graph, Step, StepKind, Trigger } from './model.ts';

/** What the palette adds: a step kind, with "list" as two entries (add, remove). */
export type PaletteKey = Exclude<StepKind, 'list'> | 'list_add' | 'list_remove';

export interface KindInfo {
  key: PaletteKey;
  label: string;
  icon: Icon;
  color: string;
  /** One line for the palette's tooltip. */
  help: string;
}

export const PALETTE: KindInfo[] = [
  { key: 'wait', label: 'Wait', icon: IconHourglass, color: 'gray', help: 'A number of days, hours or minutes' },
  { key: 'wait_until', label: 'Wait until a time', icon: IconClock, color: 'gray', help: 'The next 10:00 in the contact’s time zone, on some weekdays if you like' },
  { key: 'wait_date', label: 'Wait until a date', icon: IconCalendarEvent, color: 'gray', help: 'A date of the contact’s (a renewal, a birthday), a few days before or after' },
  { key: 'wait_event', label: 'Wait for an event', icon: IconCalendarTime, color: 'cyan', help: 'Until they buy, open an email… or a time limit passes: one path for each' },
  { key: 'branch', label: 'Branch', icon: IconGitBranch, color: 'violet', help: 'Paths by conditions: the first that holds is taken, everyone else goes on' },
  { key: 'split', label: 'Split', icon: IconArrowsSplit, color: 'violet', help: 'Random paths by percentage, to try two versions' },
  { key: 'send_email', label: 'Send email', icon: IconMail, color: 'blue', help: 'One of your email templates' },
  { key: 'send_survey', label: 'Send survey', icon: IconMessageQuestion, color: 'blue', help: 'Ask them to answer one of your surveys (nobody is asked too often)' },
  { key: 'update_contact', label: 'Update contact', icon: IconUserEdit, color: 'orange', help: 'Set a field or property' },
  { key: 'list_add', label: 'Add to list', icon: IconPlaylistAdd, color: 'teal', help: 'Put the contact on one of your lists' },
  { key: 'list_remove', label: 'Remove from list', icon: IconPlaylistX, color: 'teal', help: 'Take the contact off one of your lists' },
  { key: 'award_points', label: 'Give points', icon: IconGift, color: 'grape', help: 'Add points to their loyalty balance, with a reason on their statement' },
  { key: 'issue_coupon', label: 'Give a coupon', icon: IconDiscount2, color: 'green', help: 'A code of one of your coupon campaigns; the next email can show it as {{ coupon.code }}' },
  { key: 'webhook', label: 'Call a webhook', icon: IconWebhook, color: 'grape', help: 'Tell another system, with a signed HTTP request' },
  { key: 'exit', label: 'Exit', icon: IconDoorExit, color: 'red', help: 'The contact leaves the workflow here' },
];

export const paletteKeyOf = (s: Step): PaletteKey => (s.kind === 'list' ? (s.action === 'add' ? 'list_add' : 'list_remove') : s.kind);
export const kindInfo = (s: Step | PaletteKey): KindInfo => PALETTE.find((k) => k.key === (typeof s === 'string' ? s : paletteKeyOf(s)))!;
export const TRIGGER_INFO: { label: string; icon: Icon; color: string } = { label: 'Trigger', icon: IconBolt, color: 'brand' };

// ---- Ways out ------------------------------------------------------------------------------

/** A way out of a step: its label on the edge, the field that holds it, where it leads (null: the end). */
export interface Way {
  label: string;
  field: string;
  to: string | null;
}

/** As graph.ts's exitsOf (which the web cannot import: it holds zod), with the field of each. */
export function waysOut(s: Step): Way[] {
  switch (s.kind) {
    case 'wait_event':
      return [
        { label: 'happened', field: 'happened', to: s.happened },
        { label: 'timed out', field: 'timedOut', to: s.timedOut },
      ];
    case 'branch':
      return [...s.paths.map((p, i) => ({ label: p.name, field: `paths.${i}`, to: p.next })), { label: 'everyone else', field: 'otherwise', to: s.otherwise }];
    case 'split':
      return s.paths.map((p, i) => ({ label: `${p.name} · ${p.percent}%`, field: `paths.${i}`, to: p.next }));
    case 'exit':
      return [];
    default:
      return [{ label: '', field: 'next', to: s.next }];
  }
}

/** The step with one way out changed. */
export function withWay(s: Step, field: string, to: string | null): Step {
  if (field.startsWith('paths.') && (s.kind === 'branch' || s.kind === 'split')) {
    const i = Number(field.slice('paths.'.length));
    if (s.kind === 'branch') return { ...s, paths: s.paths.map((p, j) => (j === i ? { ...p, next: to } : p)) };
    return { ...s, paths: s.paths.map((p, j) => (j === i ? { ...p, next: to } : p)) };
  }
  if (s.kind === 'exit') return s;
  return { ...s, [field]: to } as Step;
}

/** Where a new step goes: after the trigger (the start) or after a step's way out. */
export interface Slot {
  from: 'trigger' | string;
  field: string;
}

export const wayAt = (g: Graph, slot: Slot): string | null =>
  slot.from === 'trigger' ? (Object.hasOwn(g.steps, g.start) ? g.start : null) : (waysOut(g.steps[slot.from]!).find((w) => w.field === slot.field)?.to ?? null);

// ---- New steps -----------------------------------------------------------------------------

const KEY_STEMS: Record<PaletteKey, string> = {
  wait: 'wait',
  wait_until: 'wait-until',
  wait_date: 'wait-date',
  wait_event: 'wait-for',
  branch: 'branch',
  split: 'split',
  send_email: 'send',
  send_survey: 'survey',
  update_contact: 'update',
  list_add: 'add-to-list',
  list_remove: 'remove-from-list',
  award_points: 'points',
  issue_coupon: 'coupon',
  webhook: 'webhook',
  exit: 'exit',
};

export function newKey(g: Graph, kind: PaletteKey): string {
  let n = 1;
  while (Object.hasOwn(g.steps, `${KEY_STEMS[kind]}-${n}`)) n++;
  return `${KEY_STEMS[kind]}-${n}`;
}

/** A new step of a kind, leading to `next`; what cannot be guessed (a template, a list) is left empty for the panel to ask. */
export function newStep(kind: PaletteKey, next: string | null): Step {
  switch (kind) {
    case 'wait':
      return { kind, for: { days: 1, hours: 0, minutes: 0 }, next };
    case 'wait_until':
      return { kind, at: '10:00', next };
    case 'wait_date':
      return { kind, field: '', offsetDays: 0, at: '09:00', next };
    case 'wait_event':
      return { kind, event: 'purchase', where: [], timeout: { days: 7, hours: 0, minutes: 0 }, happened: next, timedOut: next };
    case 'branch':
      return { kind, paths: [{ name: 'Path 1', condition: { kind: 'group', op: 'and', children: [] }, next }], otherwise: next };
    case 'split':
      return {
        kind,
        paths: [
          { name: 'A', percent: 50, next },
          { name: 'B', percent: 50, next },
        ],
      };
    case 'send_email':
      return { kind, templateId: '', transactional: false, whenCapped: 'skip', next };
    case 'send_survey':
      return { kind, surveyId: '', next };
    case 'update_contact':
      return { kind, field: '', value: '', next };
    case 'list_add':
    case 'list_remove':
      return { kind: 'list', action: kind === 'list_add' ? 'add' : 'remove', listId: '', next };
    case 'webhook':
      return { kind, url: '', next };
    case 'award_points':
      return { kind, points: 50, reason: '', next };
    case 'issue_coupon':
      return { kind, campaignId: '', next };
    case 'exit':
      return { kind };
  }
}

/** Adds a step of `kind` at a slot: the way out leads to it, and it leads where the way out led. */
export function insertStep(g: Graph, slot: Slot, kind: PaletteKey): { graph: Graph; key: string } {
  const key = newKey(g, kind);
  const step = newStep(kind, wayAt(g, slot));
  const steps = { ...g.steps, [key]: step };
  if (slot.from === 'trigger') return { graph: { ...g, start: key, steps }, key };
  steps[slot.from] = withWay(g.steps[slot.from]!, slot.field, key);
  return { graph: { ...g, steps }, key };
}

/** The steps reachable from the start. */
export function reachable(g: Graph): Set<string> {
  const seen = new Set<string>();
  const visit = (k: string | null) => {
    if (k === null || seen.has(k) || !Object.hasOwn(g.steps, k)) return;
    seen.add(k);
    for (const w of waysOut(g.steps[k]!)) visit(w.to);
  };
  visit(g.start);
  return seen;
}

/**
 * Deletes a step: whatever led to it leads where its first way out led, and the steps that
 * could only be reached through its other ways out go with it. Returns those too.
 */
export function deleteStep(g: Graph, key: string): { graph: Graph; removed: string[] } {
  const s = g.steps[key];
  if (!s) return { graph: g, removed: [] };
  const ways = waysOut(s);
  const heir = ways.find((w) => w.to !== null)?.to ?? null;
  const steps: Graph['steps'] = {};
  for (const [k, step] of Object.entries(g.steps)) {
    if (k === key) continue;
    let changed = step;
    for (const w of waysOut(step)) if (w.to === key) changed = withWay(changed, w.field, heir);
    steps[k] = changed;
  }
  let next: Graph = { ...g, steps, start: g.start === key ? (heir ?? g.start) : g.start };
  const before = reachable(g);
  const after = reachable(next);
  // Only what deleting it cut off: steps that were already unreachable stay for the person to see.
  const removed = [...before].filter((k) => k !== key && !after.has(k));
  if (removed.length > 0) next = { ...next, steps: Object.fromEntries(Object.entries(next.steps).filter(([k]) => !removed.includes(k))) };
  return { graph: next, removed };
}

// ---- In words ------------------------------------------------------------------------------

export interface Names {
  template: (id: string) => string | undefined;
  segment: (id: string) => string | undefined;
  survey: (id: string) => string | undefined;
  campaign: (id: string) => string | undefined;
  field: (field: string) => string;
}

const nf = new Intl.NumberFormat('en');
const plural = (n: number, one: string) => `${nf.format(n)} ${one}${n === 1 ? '' : 's'}`;
const quote = (s: string) => `“${s}”`;

export function durationText(d: { days: number; hours: number; minutes: number }): string {
  const parts = [d.days ? plural(d.days, 'day') : '', d.hours ? plural(d.hours, 'hour') : '', d.minutes ? plural(d.minutes, 'minute') : ''].filter(Boolean);
  return parts.length === 0 ? 'no time' : parts.join(' ');
}

const WEEKDAYS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' } as const;
export const WEEKDAY_KEYS = Object.keys(WEEKDAYS) as (keyof typeof WEEKDAYS)[];

/** "a purchase", "“Email opened”", "“Signed Up”". */
export function eventWords(event: string): string {
  if (!event) return 'an event';
  if (event === 'purchase') return 'a purchase';
  if (event === 'refund') return 'a refund';
  return quote(eventLabel(event));
}

function daysFrom(offset: number, field: string): string {
  if (offset === 0) return `on ${field}`;
  return `${plural(Math.abs(offset), 'day')} ${offset < 0 ? 'before' : 'after'} ${field}`;
}

/** One line about a step: "Wait 3 days", "Send “We miss you”", "Branch: 2 paths + everyone else". */
export function describeStep(s: Step, names: Names): string {
  switch (s.kind) {
    case 'wait':
      return `Wait ${durationText(s.for)}`;
    case 'wait_until': {
      const days = s.weekdays && s.weekdays.length < 7 ? ` on ${s.weekdays.map((d) => WEEKDAYS[d]).join(', ')}` : '';
      return `Wait until ${s.at} their time${days}`;
    }
    case 'wait_date':
      return s.field ? `Wait until ${daysFrom(s.offsetDays, names.field(s.field))}, ${s.at}` : 'Wait until a date (choose one)';
    case 'wait_event':
      return `Wait for ${eventWords(s.event)}, up to ${durationText(s.timeout)}`;
    case 'branch':
      return `Branch: ${plural(s.paths.length, 'path')} + everyone else`;
    case 'split':
      return s.paths.length === 0 ? 'Split (add paths)' : `Split: ${s.paths.map((p) => `${p.percent}%`).join(' / ')}`;
    case 'send_email': {
      if (!s.templateId) return 'Send an email (choose a template)';
      const name = names.template(s.templateId);
      return name ? `Send ${quote(name)}` : 'Send a deleted template';
    }
    case 'update_contact': {
      if (!s.field) return 'Update the contact (choose a field)';
      const field = names.field(s.field);
      if (s.value === null || s.value === '') return `Clear ${field}`;
      return `Set ${field} to ${typeof s.value === 'string' ? quote(s.value) : typeof s.value === 'boolean' ? (s.value ? 'yes' : 'no') : nf.format(s.value)}`;
    }
    case 'list': {
      if (!s.listId) return s.action === 'add' ? 'Add to a list (choose one)' : 'Remove from a list (choose one)';
      const list = names.segment(s.listId);
      const target = list ? quote(list) : 'a deleted list';
      return s.action === 'add' ? `Add to ${target}` : `Remove from ${target}`;
    }
    case 'send_survey': {
      if (!s.surveyId) return 'Send a survey (choose one)';
      const name = names.survey(s.surveyId);
      return name ? `Ask ${quote(name)}` : 'Send a deleted survey';
    }
    case 'award_points':
      return `Give ${plural(s.points, 'point')}${s.reason ? ` (${quote(s.reason)})` : ''}`;
    case 'issue_coupon': {
      if (!s.campaignId) return 'Give a coupon (choose a campaign)';
      const name = names.campaign(s.campaignId);
      return name ? `Give a code of ${quote(name)}` : 'Give a code of a deleted campaign';
    }
    case 'webhook': {
      if (!s.url) return 'Call a webhook (give its address)';
      try {
        return `Call ${new URL(s.url).host}`;
      } catch {
        return `Call ${s.url}`;
      }
    }
    case 'exit':
      return 'Leave the workflow';
  }
}

export function describeTrigger(t: Trigger, names: Names): string {
  const seg = (id: string, what: string) => (id ? (names.segment(id) ? quote(names.segment(id)!) : `a deleted ${what}`) : `a ${what} (choose one)`);
  switch (t.kind) {
    case 'event':
      return `When someone does ${eventWords(t.event)}${t.keyBy ? `, once per ${t.keyBy}` : ''}`;
    case 'segment_entered':
      return `When someone enters ${seg(t.segmentId, 'segment')}`;
    case 'segment_exited':
      return `When someone leaves ${seg(t.segmentId, 'segment')}`;
    case 'list_added':
      return `When someone is added to ${seg(t.listId, 'list')}`;
    case 'date':
      return t.field ? `${sentenceCase(daysFrom(t.offsetDays, names.field(t.field)))}${t.yearly ? ' every year' : ''}, at ${t.at} their time` : 'On a date (choose one)';
    case 'manual':
      return 'Only when you enroll contacts by hand or through the API';
  }
}

// ---- The server's problems, by where they belong ----------------------------------------------

/** Which part of the editor a problem is about: a step key, the trigger, the settings, or the workflow as a whole. */
export type Target = { kind: 'step'; key: string } | { kind: 'trigger' } | { kind: 'settings' } | { kind: 'general' };

const PART_WORDS: Record<string, string> = {
  templateId: 'Email template',
  topicId: 'Topic',
  for: 'How long',
  timeout: 'Time limit',
  at: 'Time of day',
  weekdays: 'Weekdays',
  field: 'Field',
  value: 'Value',
  listId: 'List',
  url: 'Address',
  event: 'Event',
  where: 'Event filter',
  next: 'Next step',
  happened: 'If it happened',
  timedOut: 'If it timed out',
  otherwise: 'Everyone else',
  paths: 'Paths',
  segmentId: 'Segment',
  offsetDays: 'Days before or after',
  condition: 'Condition',
};

/** The fields of a workflow's own email limits, as the subject of the server's message ("… must be at least 1"). */
const LIMIT_WORDS: Record<string, string> = {
  perDay: 'The daily limit',
  perWeek: 'The weekly limit',
  'quietHours.from': 'The start of the quiet hours',
  'quietHours.to': 'The end of the quiet hours',
};

function partWords(parts: string[]): string {
  if (parts.length === 0) return '';
  if (parts[0] === 'paths' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    const rest = parts.slice(2);
    return `Path ${Number(parts[1]) + 1}${rest.length ? ` ${(PART_WORDS[rest[0]!] ?? rest[0]!).toLowerCase()}` : ''}`;
  }
  return PART_WORDS[parts[0]!] ?? parts[0]!;
}

export interface Problem {
  target: Target;
  message: string;
}

/** The problems of a 400 (`details` with paths like "graph.steps.mail.templateId" or "body.graph.trigger"), in words, by where they belong. */
export function problemsOf(details: unknown): Problem[] {
  if (!Array.isArray(details)) return [];
  const out: Problem[] = [];
  for (const issue of details as { path?: unknown; message?: unknown }[]) {
    if (typeof issue?.path !== 'string' || typeof issue.message !== 'string') continue;
    const path = issue.path.replace(/^body\./, '');
    const parts = path.split('.');
    const say = (rest: string[]) => {
      const words = partWords(rest);
      return words ? `${words}: ${issue.message as string}` : sentenceCase(issue.message as string);
    };
    if (parts[0] === 'emailLimits') {
      const field = LIMIT_WORDS[parts.slice(1).join('.')];
      out.push({ target: { kind: 'settings' }, message: field ? `${field} ${issue.message}` : `Email limits: ${issue.message}` });
      continue;
    }
    if (parts[0] !== 'graph') {
      out.push({ target: parts[0] === 'holdoutPercent' || parts[0] === 'name' ? { kind: 'settings' } : { kind: 'general' }, message: say(parts) });
      continue;
    }
    const [, part, key, ...rest] = parts;
    if (part === 'steps' && key) out.push({ target: { kind: 'step', key }, message: say(rest) });
    else if (part === 'steps') out.push({ target: { kind: 'trigger' }, message: issue.message === 'needs at least one step' ? 'Add at least one step after the trigger.' : say([]) });
    else if (part === 'trigger' || part === 'reentry' || part === 'filter') out.push({ target: { kind: 'trigger' }, message: say(parts.slice(2)) });
    else if (part === 'start') out.push({ target: { kind: 'trigger' }, message: 'Add a first step after the trigger.' });
    else if (part === 'goal' || part === 'exits') out.push({ target: { kind: 'settings' }, message: `${part === 'goal' ? 'Goal' : 'Exit conditions'}: ${issue.message}` });
    else out.push({ target: { kind: 'general' }, message: say(parts.slice(1)) });
  }
  return out;
}

export const targetId = (t: Target): string => (t.kind === 'step' ? `s:${t.key}` : t.kind);

/** `next` without the steps that were reachable in `before` and are not any more (a path removed, a way out changed). */
export function pruneCutOff(before: Graph, next: Graph): { graph: Graph; removed: string[] } {
  const was = reachable(before);
  const is = reachable(next);
  const removed = Object.keys(next.steps).filter((k) => was.has(k) && !is.has(k));
  if (removed.length === 0) return { graph: next, removed };
  return { graph: { ...next, steps: Object.fromEntries(Object.entries(next.steps).filter(([k]) => !removed.includes(k))) }, removed };
}

/** What must be chosen before the draft can be saved (the server's schema refuses an empty template, list or address). */
export function missingChoices(g: Graph): Problem[] {
  const out: Problem[] = [];
  const step = (key: string, message: string) => out.push({ target: { kind: 'step', key }, message });
  const t = g.trigger;
  if ((t.kind === 'segment_entered' || t.kind === 'segment_exited') && !t.segmentId) out.push({ target: { kind: 'trigger' }, message: 'Choose the segment that starts the workflow.' });
  if (t.kind === 'list_added' && !t.listId) out.push({ target: { kind: 'trigger' }, message: 'Choose the list that starts the workflow.' });
  if (t.kind === 'event' && !t.event) out.push({ target: { kind: 'trigger' }, message: 'Choose the event that starts the workflow.' });
  if (t.kind === 'date' && !t.field) out.push({ target: { kind: 'trigger' }, message: 'Choose the date field that starts the workflow.' });
  if (g.goal?.kind === 'event_since_entry' && !g.goal.event) out.push({ target: { kind: 'settings' }, message: 'Choose the event of the goal.' });
  for (const [key, s] of Object.entries(g.steps)) {
    switch (s.kind) {
      case 'send_email':
        if (!s.templateId) step(key, 'Choose the email template to send.');
        break;
      case 'list':
        if (!s.listId) step(key, 'Choose the list.');
        break;
      case 'update_contact':
        if (!s.field) step(key, 'Choose the field to set.');
        break;
      case 'wait_date':
        if (!s.field) step(key, 'Choose the date field to wait for.');
        break;
      case 'wait_event':
        if (!s.event) step(key, 'Choose the event to wait for.');
        break;
      case 'webhook':
        if (!/^https?:\/\/[^\s/]+/.test(s.url)) step(key, 'Give the address to call, starting with https://');
        break;
      case 'send_survey':
        if (!s.surveyId) step(key, 'Choose the survey to send.');
        break;
      case 'award_points':
        if (!s.reason.trim()) step(key, 'Say why they get the points: it shows on their statement.');
        break;
      case 'issue_coupon':
        if (!s.campaignId) step(key, 'Choose the coupon campaign to give a code of.');
        break;
      case 'branch':
      case 'split':
        s.paths.forEach((p, i) => {
          if (!p.name.trim()) step(key, `Give path ${i + 1} a name.`);
        });
        break;
    }
  }
  return out;
}

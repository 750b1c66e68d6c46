// The meaning of a workflow, run in memory over plain objects, contact by contact: the
// reference the set-based engine is held to by a property test (interpret.property.test.ts).
// It is written from the rules, not from the engine's code, and is not used to serve anything.
//
// The rules, at each pass of the clock (a tick at time T):
// 1. What happened since the last pass that the workflow reads (its trigger event, the events
//    its waits wait for, what its goal and exit conditions read), in the order it happened:
//    a. each trigger event whose filters hold enrolls its contact if the enrollment filter
//       holds, the re-entry policy allows it (once ever; again once the last run ended;
//       every time, once per key value or event, not within the minimum interval) and the
//       contact is not in a run already;
//    b. the contacts concerned who reached the goal (an event since entering, or a condition)
//       leave as converted; those meeting an exit condition leave as exited;
//    c. a contact still waiting for an event that came leaves by "happened" if a matching
//       event occurred after they started waiting and before the wait ends.
// 2. Waits that are over end: a wait goes on to its next step; a wait for an event leaves by
//    "happened" if a matching event occurred in the wait, else by "timed out".
// 3. Every contact at a step to be started starts it, and goes on until they wait or leave:
//    a branch takes the first path whose condition holds now, else "otherwise"; a split the
//    path of the contact's bucket; an action acts (nothing for the holdout) and goes on.
// Then again from 1 for what the actions changed, until nothing is left to do at T.
import type { SegmentNode } from '../segments/definition.ts';
import { evaluateSegment, type MemoryContact, type MemoryEvent } from '../segments/evaluate.ts';
import type { SegmentContext } from '../segments/validate.ts';
import type { EventFilter } from '../segments/definition.ts';
import { inHoldout, splitPath } from './engine/run-context.ts';
import { exitsOf, type Step, type WorkflowGraph } from './graph.ts';

export interface InterpretedRun {
  contactId: string;
  entryKey: string;
  /** The steps passed, in order. */
  path: string[];
  state: 'active' | 'waiting' | 'done';
  outcome: string | null;
  holdout: boolean;
  enteredAt: Date;
  stepEnteredAt: Date;
  wakeAt: Date | null;
  /** Steps whose action was done (messages queued, fields set…), by step key: the result. */
  actions: Record<string, string>;
}

export interface InterpretedEvent extends MemoryEvent {
  id: string;
}

const MINUTE = 60_000;
const minutes = (d: { days: number; hours: number; minutes: number }) => ((d.days * 24 + d.hours) * 60 + d.minutes) * MINUTE;

export class Interpreter {
  readonly runs: InterpretedRun[] = [];
  /** Events received so far, in the order they were. */
  readonly events: InterpretedEvent[] = [];
  private unseen: InterpretedEvent[] = [];
  private changedFields = new Set<string>();
  private readonly watchedEvents: Set<string>;
  private readonly watchedFields: Set<string>;

  constructor(
    private readonly graph: WorkflowGraph,
    private readonly workflowId: string,
    private readonly holdoutBp: number,
    readonly contacts: Map<string, MemoryContact>,
    private readonly segmentContext: (now: Date) => SegmentContext,
    /** What the workflow reads (its dependencies): only those events and fields start anything. */
    watched: { events: string[]; fields: string[] },
  ) {
    this.watchedEvents = new Set(watched.events);
    this.watchedFields = new Set(watched.fields);
  }

  /** An event is received (it happened at `occurredAt`, no later than the next tick). */
  receive(e: InterpretedEvent): void {
    this.events.push(e);
    if (this.watchedEvents.has(e.name)) this.unseen.push(e);
  }

  private holds(node: SegmentNode, contactId: string, now: Date): boolean {
    const c = this.contacts.get(contactId);
    if (!c) return false;
    const events = this.events.filter((e) => e.contactId === contactId);
    return evaluateSegment(node, this.segmentContext(now), { contacts: [c], events, members: new Map() }).has(contactId);
  }

  private matches(e: MemoryEvent, name: string, where: EventFilter[], now: Date): boolean {
    if (e.name !== name) return false;
    if (where.length === 0) return true;
    // An event's filters as a segment condition on that one event: "did it at least once".
    const probe: SegmentNode = { kind: 'event', event: name, where, window: { type: 'ever' }, measure: { fn: 'count', op: 'gte', value: 1 } };
    const c = this.contacts.get(e.contactId);
    if (!c) return false;
    return evaluateSegment(probe, this.segmentContext(now), { contacts: [c], events: [e], members: new Map() }).has(e.contactId);
  }

  /** Everything the workflow does at time `now`. */
  tick(now: Date): void {
    for (let pass = 0; pass < 100; pass++) {
      let did = this.pending(now);
      did = this.wakeDue(now) || did;
      did = this.advance(now) || did;
      if (!did) return;
    }
  }

  private live(contactId: string): InterpretedRun | undefined {
    return this.runs.find((r) => r.contactId === contactId && r.state !== 'done');
  }

  private pending(now: Date): boolean {
    const batch = this.unseen;
    const fields = this.changedFields;
    this.unseen = [];
    this.changedFields = new Set();
    if (batch.length === 0 && fields.size === 0) return false;
    const g = this.graph;

    // a. Entries.
    const t = triggerOf(g);
    if (t) {
      const ordered = batch.filter((e) => this.matches(e, t.event, t.where, now)).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : 1));
      for (const e of ordered) this.enter(e, t.keyBy, now);
    }

    // b. Goals and exits of the contacts concerned.
    const concerned = new Set([...batch.map((e) => e.contactId), ...fields]);
    for (const run of this.runs) {
      if (run.state === 'done' || !concerned.has(run.contactId)) continue;
      this.checkEnds(run, now);
    }
    // c. Waits for an event that came.
    for (const run of this.runs) {
      if (run.state !== 'waiting') continue;
      const step = g.steps[run.path.at(-1)!];
      if (step?.kind !== 'wait_event') continue;
      if (!batch.some((e) => e.contactId === run.contactId && e.name === step.event)) continue;
      if (this.happened(run, step, now)) this.moveOn(run, step.happened, now);
    }

    return true;
  }

  private enter(e: InterpretedEvent, keyBy: string | undefined, now: Date): void {
    const g = this.graph;
    const contactId = e.contactId;
    if (g.filter && !this.holds(g.filter, contactId, now)) return;
    const mine = this.runs.filter((r) => r.contactId === contactId);
    let key: string;
    switch (g.reentry.policy) {
      case 'once':
        key = `contact:${contactId}`;
        break;
      case 'after_leaving':
        key = `contact:${contactId}:${mine.length + 1}`;
        break;
      case 'every_time': {
        const v = keyBy ? e.properties[keyBy] : undefined;
        key = keyBy && v !== undefined && v !== null ? `key:${contactId}:${typeof v === 'string' ? v : JSON.stringify(v)}` : `event:${e.id}`;
        const gap = g.reentry.minIntervalHours * 3_600_000;
        if (gap > 0 && mine.some((r) => r.enteredAt.getTime() > now.getTime() - gap)) return;
        break;
      }
    }
    if (mine.some((r) => r.entryKey === key) || this.live(contactId)) return;
    this.runs.push({
      contactId,
      entryKey: key,
      path: [g.start],
      state: 'active',
      outcome: null,
      holdout: inHoldout(this.workflowId, contactId, this.holdoutBp),
      enteredAt: now,
      stepEnteredAt: now,
      wakeAt: null,
      actions: {},
    });
  }

  private happened(run: InterpretedRun, step: Extract<Step, { kind: 'wait_event' }>, now: Date): boolean {
    const until = Math.min(run.wakeAt!.getTime(), now.getTime());
    return this.events.some(
      (e) => e.contactId === run.contactId && e.occurredAt.getTime() > run.stepEnteredAt.getTime() && e.occurredAt.getTime() <= until && this.matches(e, step.event, step.where, now),
    );
  }

  private checkEnds(run: InterpretedRun, now: Date): void {
    const g = this.graph;
    if (g.goal) {
      let reached: boolean;
      if (g.goal.kind === 'event_since_entry') {
        const goal = g.goal;
        reached = this.events.some(
          (e) => e.contactId === run.contactId && e.occurredAt.getTime() > run.enteredAt.getTime() && e.occurredAt.getTime() <= now.getTime() && this.matches(e, goal.event, goal.where, now),
        );
      } else reached = this.holds(g.goal.condition, run.contactId, now);
      if (reached) return this.end(run, 'converted', now);
    }
    if (g.exits.some((x) => this.holds(x, run.contactId, now))) this.end(run, 'exited', now);
  }

  private end(run: InterpretedRun, outcome: string, now: Date): void {
    run.state = 'done';
    run.outcome = outcome;
    run.wakeAt = null;
    run.stepEnteredAt = now;
  }

  private moveOn(run: InterpretedRun, next: string | null, now: Date): void {
    run.wakeAt = null;
    if (next === null) return this.end(run, 'completed', now);
    run.path.push(next);
    run.state = 'active';
    run.stepEnteredAt = now;
  }

  private wakeDue(now: Date): boolean {
    let did = false;
    for (const run of this.runs) {
      if (run.state !== 'waiting' || run.wakeAt!.getTime() > now.getTime()) continue;
      did = true;
      const step = this.graph.steps[run.path.at(-1)!]!;
      if (step.kind === 'wait_event') this.moveOn(run, this.happened(run, step, now) ? step.happened : step.timedOut, now);
      else if (step.kind === 'wait' || step.kind === 'wait_until' || step.kind === 'wait_date') this.moveOn(run, step.next, now);
    }
    return did;
  }

  private advance(now: Date): boolean {
    let did = false;
    for (const run of this.runs) {
      while (run.state === 'active') {
        did = true;
        this.start(run, now);
      }
    }
    return did;
  }

  private start(run: InterpretedRun, now: Date): void {
    const key = run.path.at(-1)!;
    const step = this.graph.steps[key]!;
    switch (step.kind) {
      case 'wait':
        run.state = 'waiting';
        run.wakeAt = new Date(now.getTime() + minutes(step.for));
        return;
      case 'wait_event':
        run.state = 'waiting';
        run.wakeAt = new Date(now.getTime() + minutes(step.timeout));
        return;
      case 'wait_until':
      case 'wait_date':
        throw new Error('the interpreter runs waits by duration and waits for events only');
      case 'branch': {
        const path = step.paths.find((p) => this.holds(p.condition, run.contactId, now));
        return this.moveOn(run, path ? path.next : step.otherwise, now);
      }
      case 'split':
        return this.moveOn(
          run,
          step.paths[
            splitPath(
              this.workflowId,
              key,
              run.contactId,
              step.paths.map((p) => p.percent),
            )
          ]!.next,
          now,
        );
      case 'exit':
        return this.end(run, 'exited', now);
      case 'send_email': {
        const c = this.contacts.get(run.contactId);
        run.actions[key] = run.holdout ? 'holdout' : c?.email && c.email_status === 'subscribed' ? 'queued' : 'skipped';
        return this.moveOn(run, step.next, now);
      }
      case 'send_survey': {
        // The survey's own rules (fatigue, answered already) are not modelled: the generator makes no survey steps.
        const c = this.contacts.get(run.contactId);
        run.actions[key] = run.holdout ? 'holdout' : c?.email && c.email_status === 'subscribed' ? 'survey_queued' : 'skipped';
        return this.moveOn(run, step.next, now);
      }
      case 'award_points':
      case 'issue_coupon':
        // Not modelled beyond its outcome: the generator makes no loyalty steps.
        run.actions[key] = run.holdout ? 'holdout' : step.kind === 'award_points' ? 'points_awarded' : 'coupon_issued';
        return this.moveOn(run, step.next, now);
      case 'update_contact': {
        const c = this.contacts.get(run.contactId)!;
        if (run.holdout) run.actions[key] = 'holdout';
        else {
          const prop = step.field.replace(/^properties\./, '');
          const before = c.properties[prop] ?? null;
          if (before === step.value) run.actions[key] = 'unchanged';
          else {
            if (step.value === null) delete c.properties[prop];
            else c.properties[prop] = step.value;
            run.actions[key] = 'updated';
            if (this.watchedFields.has(`properties.${prop}`)) this.changedFields.add(run.contactId);
          }
        }
        return this.moveOn(run, step.next, now);
      }
      case 'list':
      case 'webhook':
        run.actions[key] = run.holdout ? 'holdout' : step.kind === 'webhook' ? 'webhook_queued' : 'list';
        return this.moveOn(run, step.next, now);
    }
  }
}

function triggerOf(g: WorkflowGraph): { event: string; where: EventFilter[]; keyBy?: string } | undefined {
  return g.trigger.kind === 'event' ? { event: g.trigger.event, where: g.trigger.where, keyBy: g.trigger.keyBy } : undefined;
}

/** The steps reachable from the start (for generated graphs: the others are dropped). */
export function reachable(g: WorkflowGraph): Set<string> {
  const seen = new Set<string>();
  const walk = (k: string | null) => {
    if (k === null || seen.has(k) || !g.steps[k]) return;
    seen.add(k);
    for (const e of exitsOf(g.steps[k])) walk(e.to);
  };
  walk(g.start);
  return seen;
}

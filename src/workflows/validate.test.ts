import { describe, expect, it } from 'vitest';
import { type WorkflowGraph, workflowGraph } from './graph.ts';
import { validateGraph } from './validate.ts';

const LIST = '0190b8a0-0000-7000-8000-000000000001';
const TEMPLATE = '0190b8a0-0000-7000-8000-000000000002';

/** The win-back journey: wait, ask whether they bought, send, wait for a purchase, exit. */
function winBack(): WorkflowGraph {
  return workflowGraph.parse({
    trigger: { kind: 'segment_entered', segmentId: LIST },
    reentry: { policy: 'after_leaving' },
    goal: { kind: 'event_since_entry', event: 'purchase', where: [] },
    start: 'wait-1',
    steps: {
      'wait-1': { kind: 'wait', for: { days: 3 }, next: 'branch-1' },
      'branch-1': {
        kind: 'branch',
        paths: [{ name: 'Gold', condition: { kind: 'field', field: 'properties.tier', op: 'eq', value: 'gold' }, next: 'send-1' }],
        otherwise: 'send-1',
      },
      'send-1': { kind: 'send_email', templateId: TEMPLATE, next: 'wait-event-1' },
      'wait-event-1': { kind: 'wait_event', event: 'purchase', timeout: { days: 7 }, happened: null, timedOut: 'exit-1' },
      'exit-1': { kind: 'exit' },
    },
  });
}

const paths = (g: WorkflowGraph) => validateGraph(g).map((i) => i.path);

describe('a workflow before it is published', () => {
  it('accepts the win-back journey as drawn', () => {
    expect(validateGraph(winBack())).toEqual([]);
  });

  it('names the step whose way out leads nowhere', () => {
    const g = winBack();
    g.steps['send-1'] = { kind: 'send_email', templateId: TEMPLATE, transactional: false, whenCapped: 'skip', next: 'missing' };
    const issues = validateGraph(g);
    expect(issues).toContainEqual({ path: 'steps.send-1.next', message: 'leads to "missing", which is not a step of this workflow' });
    // What only the missing step led to can no longer be reached.
    expect(issues.map((i) => i.path)).toContain('steps.wait-event-1');
  });

  it('refuses a start that is not a step, and steps no path reaches', () => {
    const g = winBack();
    g.start = 'nope';
    expect(paths(g)).toContain('start');
    const h = winBack();
    h.steps['orphan'] = { kind: 'exit' };
    expect(validateGraph(h)).toContainEqual({ path: 'steps.orphan', message: 'cannot be reached from the start' });
  });

  it('refuses a journey that leads back to an earlier step, naming the loop', () => {
    const g = winBack();
    g.steps['wait-event-1'] = { kind: 'wait_event', event: 'purchase', where: [], timeout: { days: 7, hours: 0, minutes: 0 }, happened: null, timedOut: 'wait-1' };
    const issue = validateGraph(g).find((i) => i.message.includes('leads back'));
    expect(issue?.path).toBe('steps.wait-event-1');
    expect(issue?.message).toContain('wait-1 → branch-1 → send-1 → wait-event-1 → wait-1');
  });

  it('refuses a branch without paths, a split that does not share 100%, and paths with one name', () => {
    const g = winBack();
    g.steps['branch-1'] = { kind: 'branch', paths: [], otherwise: 'send-1' };
    expect(paths(g)).toContain('steps.branch-1.paths');
    const h = winBack();
    h.steps['wait-1'] = { kind: 'wait', for: { days: 3, hours: 0, minutes: 0 }, next: 'split-1' };
    h.steps['split-1'] = {
      kind: 'split',
      paths: [
        { name: 'A', percent: 50, next: 'branch-1' },
        { name: 'a', percent: 40, next: 'branch-1' },
      ],
    };
    const issues = validateGraph(h);
    expect(issues).toContainEqual({ path: 'steps.split-1.paths', message: 'must share 100% between its paths (they add up to 90%)' });
    expect(issues).toContainEqual({ path: 'steps.split-1.paths.1.name', message: '"a" names two paths' });
  });

  it('refuses waits without an end', () => {
    const g = winBack();
    g.steps['wait-1'] = { kind: 'wait', for: { days: 0, hours: 0, minutes: 0 }, next: 'branch-1' };
    g.steps['wait-event-1'] = { kind: 'wait_event', event: 'purchase', where: [], timeout: { days: 0, hours: 0, minutes: 0 }, happened: null, timedOut: 'exit-1' };
    expect(paths(g)).toEqual(expect.arrayContaining(['steps.wait-1.for', 'steps.wait-event-1.timeout']));
  });

  it('refuses an action that would enroll its own contacts again', () => {
    const g = winBack();
    g.steps['send-1'] = { kind: 'list', action: 'add', listId: LIST, next: 'wait-event-1' };
    expect(validateGraph(g)).toContainEqual({
      path: 'steps.send-1.listId',
      message: 'adds to the list that starts this workflow: contacts would enroll again from their own step',
    });
  });

  it('takes the shape through zod: a bad step key or time of day is a field error', () => {
    const bad = workflowGraph.safeParse({ ...winBack(), steps: { 'has space': { kind: 'exit' } } });
    expect(bad.success).toBe(false);
    const time = workflowGraph.safeParse({ ...winBack(), trigger: { kind: 'date', field: 'properties.birthday', offsetDays: 0, at: '25:00', yearly: true } });
    expect(time.success).toBe(false);
    expect(time.error?.issues[0]?.path).toEqual(['trigger', 'at']);
  });
});

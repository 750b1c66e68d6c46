// What a workflow graph must be before it is published, beyond its shape: every way out of a
// step leads to a step that exists, every step can be reached, no step leads back to itself
// (a journey is walked once; coming back is the re-entry policy's job), branches and splits
// have paths that make sense, waits end, and no action re-triggers the workflow it is in.
// Each issue names the step at fault as a field of the graph ("steps.send-1.next"). What
// needs the workspace (templates, lists, segments that exist) is checked when publishing.
import type { FieldIssue } from '../errors.ts';
import { exitsOf, type Step, type WorkflowGraph } from './graph.ts';

const minutesOf = (d: { days: number; hours: number; minutes: number }) => d.days * 1440 + d.hours * 60 + d.minutes;

/** The field of a step's way out, for issues: "next", "happened", "paths.1.next", "otherwise". */
function exitFields(s: Step): string[] {
  switch (s.kind) {
    case 'wait_event':
      return ['happened', 'timedOut'];
    case 'branch':
      return [...s.paths.map((_, i) => `paths.${i}.next`), 'otherwise'];
    case 'split':
      return s.paths.map((_, i) => `paths.${i}.next`);
    case 'exit':
      return [];
    default:
      return ['next'];
  }
}

export function validateGraph(graph: WorkflowGraph): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const keys = Object.keys(graph.steps);
  if (keys.length === 0) return [{ path: 'steps', message: 'needs at least one step' }];
  if (!Object.hasOwn(graph.steps, graph.start)) issues.push({ path: 'start', message: `is "${graph.start}", which is not a step of this workflow` });

  for (const [key, s] of Object.entries(graph.steps)) {
    const at = `steps.${key}`;
    const fields = exitFields(s);
    exitsOf(s).forEach((e, i) => {
      if (e.to !== null && !Object.hasOwn(graph.steps, e.to)) issues.push({ path: `${at}.${fields[i]}`, message: `leads to "${e.to}", which is not a step of this workflow` });
      if (e.to === key) issues.push({ path: `${at}.${fields[i]}`, message: 'leads back to the same step' });
    });
    switch (s.kind) {
      case 'wait':
        if (minutesOf(s.for) === 0) issues.push({ path: `${at}.for`, message: 'must wait at least a minute' });
        break;
      case 'wait_event':
        if (minutesOf(s.timeout) === 0) issues.push({ path: `${at}.timeout`, message: 'must give the contact at least a minute: a wait for an event needs an end' });
        break;
      case 'branch':
        if (s.paths.length === 0) issues.push({ path: `${at}.paths`, message: 'needs at least one path with a condition (everyone else takes "otherwise")' });
        duplicateNames(s.paths, at, issues);
        break;
      case 'split': {
        if (s.paths.length < 2) issues.push({ path: `${at}.paths`, message: 'needs at least two paths' });
        const total = s.paths.reduce((sum, p) => sum + p.percent, 0);
        if (s.paths.length >= 2 && total !== 100) issues.push({ path: `${at}.paths`, message: `must share 100% between its paths (they add up to ${total}%)` });
        duplicateNames(s.paths, at, issues);
        break;
      }
      case 'list':
        if (s.action === 'add' && (graph.trigger.kind === 'list_added' || graph.trigger.kind === 'segment_entered') && triggerTarget(graph) === s.listId) {
          issues.push({ path: `${at}.listId`, message: 'adds to the list that starts this workflow: contacts would enroll again from their own step' });
        }
        if (s.action === 'remove' && graph.trigger.kind === 'segment_exited' && graph.trigger.segmentId === s.listId) {
          issues.push({ path: `${at}.listId`, message: 'takes contacts off the list whose leaving starts this workflow: they would enroll again from their own step' });
        }
        break;
      case 'update_contact':
        if (graph.trigger.kind === 'date' && graph.trigger.field === s.field) {
          issues.push({ path: `${at}.field`, message: 'changes the date that starts this workflow' });
        }
        break;
    }
  }

  // Reachable from the start, and no way back to a step already passed (a depth-first walk).
  const state = new Map<string, 'open' | 'done'>();
  const cycles = new Set<string>();
  const walk = (key: string, trail: string[]) => {
    const s = graph.steps[key];
    if (!s) return;
    state.set(key, 'open');
    for (const e of exitsOf(s)) {
      if (e.to === null || e.to === key || !Object.hasOwn(graph.steps, e.to)) continue;
      if (state.get(e.to) === 'open') {
        const loop = [...trail.slice(trail.indexOf(e.to)), key, e.to].join(' → ');
        if (!cycles.has(loop)) {
          cycles.add(loop);
          issues.push({ path: `steps.${key}`, message: `leads back to an earlier step (${loop}); to repeat a journey, let contacts enter again` });
        }
      } else if (!state.has(e.to)) walk(e.to, [...trail, key]);
    }
    state.set(key, 'done');
  };
  if (Object.hasOwn(graph.steps, graph.start)) walk(graph.start, []);
  for (const key of keys) if (!state.has(key)) issues.push({ path: `steps.${key}`, message: 'cannot be reached from the start' });
  return issues;
}

function triggerTarget(graph: WorkflowGraph): string | undefined {
  if (graph.trigger.kind === 'list_added') return graph.trigger.listId;
  if (graph.trigger.kind === 'segment_entered') return graph.trigger.segmentId;
  return undefined;
}

function duplicateNames(paths: { name: string }[], at: string, issues: FieldIssue[]): void {
  const seen = new Set<string>();
  paths.forEach((p, i) => {
    const name = p.name.trim().toLowerCase();
    if (seen.has(name)) issues.push({ path: `${at}.paths.${i}.name`, message: `"${p.name}" names two paths` });
    seen.add(name);
  });
}

// The graph drawn top to bottom: the trigger on top, each step one layer below the lowest
// step that leads to it (the longest path: the graph has no loops), a small "End" under each
// way out that ends the journey, and the steps of a layer ordered and placed under their
// parents (a branch's paths fan out in the order of its ways out). Steps that cannot be
// reached start layers of their own beside the trigger, to be seen and fixed.
import type { Graph } from './model.ts';
import { waysOut } from './steps.ts';

export const NODE_W = 264;
export const NODE_H = 112;
export const END_W = 84;
export const END_H = 34;
const H_GAP = 36;
const V_GAP = 64;

export type LaidNode =
  | { id: 'trigger'; type: 'trigger'; x: number; y: number }
  | { id: string; type: 'step'; key: string; x: number; y: number }
  | { id: string; type: 'end'; from: string; field: string; x: number; y: number };

export interface LaidEdge {
  id: string;
  source: string;
  target: string;
  label: string;
  /** The slot this edge fills: a step (or the trigger) and the field of its way out. */
  from: string;
  field: string;
}

export const stepId = (key: string) => `s:${key}`;

/** Positions (top-left corners) of the nodes and the edges between them. */
export function layoutGraph(g: Graph): { nodes: LaidNode[]; edges: LaidEdge[] } {
  type Raw = { id: string; w: number; h: number; node: Record<string, unknown> };
  const raw = new Map<string, Raw>();
  const edges: LaidEdge[] = [];
  raw.set('trigger', { id: 'trigger', w: NODE_W, h: NODE_H, node: { id: 'trigger', type: 'trigger' } });
  for (const key of Object.keys(g.steps)) raw.set(stepId(key), { id: stepId(key), w: NODE_W, h: NODE_H, node: { id: stepId(key), type: 'step', key } });

  const end = (from: string, field: string, source: string, label: string) => {
    const id = `end:${from}:${field}`;
    raw.set(id, { id, w: END_W, h: END_H, node: { id, type: 'end', from, field } });
    edges.push({ id: `e:${source}:${field}`, source, target: id, label, from, field });
  };
  if (Object.hasOwn(g.steps, g.start)) edges.push({ id: 'e:trigger', source: 'trigger', target: stepId(g.start), label: '', from: 'trigger', field: 'start' });
  else end('trigger', 'start', 'trigger', '');
  for (const [key, s] of Object.entries(g.steps)) {
    for (const w of waysOut(s)) {
      if (w.to !== null && Object.hasOwn(g.steps, w.to)) edges.push({ id: `e:${stepId(key)}:${w.field}`, source: stepId(key), target: stepId(w.to), label: w.label, from: key, field: w.field });
      else end(key, w.field, stepId(key), w.label);
    }
  }

  // Out-edges in the order of the ways out; back edges (a loop in a draft) are left out of the layering.
  const out = new Map<string, string[]>();
  for (const e of edges) out.set(e.source, [...(out.get(e.source) ?? []), e.target]);
  const forward: { source: string; target: string; index: number; of: number }[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const order: string[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    const targets = out.get(id) ?? [];
    targets.forEach((t, index) => {
      if (state.get(t) === 'open') return;
      forward.push({ source: id, target: t, index, of: targets.length });
      if (!state.has(t)) visit(t);
    });
    state.set(id, 'done');
    order.push(id);
  };
  visit('trigger');
  const hasIncoming = new Set(edges.map((e) => e.target));
  for (const id of raw.keys()) if (!state.has(id) && !hasIncoming.has(id)) visit(id);
  for (const id of raw.keys()) if (!state.has(id)) visit(id);
  const topo = order.reverse();

  const preds = new Map<string, typeof forward>();
  for (const e of forward) preds.set(e.target, [...(preds.get(e.target) ?? []), e]);
  const layer = new Map<string, number>();
  for (const id of topo) layer.set(id, Math.max(0, ...(preds.get(id) ?? []).map((e) => (layer.get(e.source) ?? 0) + 1)));

  const layers: string[][] = [];
  for (const id of topo) (layers[layer.get(id)!] ??= []).push(id);
  const cx = new Map<string, number>();
  let y = 0;
  const placed: LaidNode[] = [];
  for (const ids of layers) {
    if (!ids) continue;
    const desired = ids.map((id, i) => {
      const ps = preds.get(id) ?? [];
      if (ps.length === 0) return { id, x: i * (NODE_W + H_GAP) * 1.2, tie: i };
      const xs = ps.map((e) => (cx.get(e.source) ?? 0) + (e.index - (e.of - 1) / 2) * (NODE_W + H_GAP) * (e.of > 1 ? 0.62 : 0));
      return { id, x: xs.reduce((a, b) => a + b, 0) / xs.length, tie: Math.min(...ps.map((e) => e.index)) };
    });
    desired.sort((a, b) => a.x - b.x || a.tie - b.tie);
    // Left to right without overlaps, then shifted back so that, on average, each sits under its parents.
    const xs: number[] = [];
    desired.forEach((d, i) => {
      const w = raw.get(d.id)!.w;
      if (i === 0) xs.push(d.x);
      else {
        const prev = desired[i - 1]!;
        xs.push(Math.max(d.x, xs[i - 1]! + raw.get(prev.id)!.w / 2 + H_GAP + w / 2));
      }
    });
    const shift = desired.reduce((sum, d, i) => sum + (d.x - xs[i]!), 0) / desired.length;
    desired.forEach((d, i) => cx.set(d.id, xs[i]! + shift));
    const height = Math.max(...ids.map((id) => raw.get(id)!.h));
    for (const d of desired) {
      const r = raw.get(d.id)!;
      placed.push({ ...r.node, x: cx.get(d.id)! - r.w / 2, y } as LaidNode);
    }
    y += height + V_GAP;
  }
  return { nodes: placed, edges };
}

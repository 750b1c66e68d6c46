// The workflow drawn as a graph (@xyflow/react): the trigger on top, a card per step with its
// kind, what it does in a line, and how many contacts are at it now and have passed it; edges
// labelled with their way out ("happened", "timed out", a path's name, "everyone else"), and
// an "End" where a path ends. Laid out by layout.ts; the person pans and zooms, and selects.
import '@xyflow/react/dist/style.css';
import { Badge, Group, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconAlertTriangle, IconFlag } from '@tabler/icons-react';
import { Background, Controls, Handle, type Node, type NodeProps, Position, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, MarkerType } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { END_H, END_W, layoutGraph, NODE_H, NODE_W } from './layout.ts';
import type { Graph } from './model.ts';
import { describeStep, describeTrigger, kindInfo, type Names, TRIGGER_INFO } from './steps.ts';
import classes from './workflows.module.css';

interface CardData extends Record<string, unknown> {
  title: string;
  description: string;
  icon: typeof TRIGGER_INFO.icon;
  color: string;
  stepKey: string | null;
  counts: { waiting: number; passed: number } | null;
  problems: number;
  unreachable: boolean;
  onOpenContacts: (key: string) => void;
}
type CardNode = Node<CardData, 'card'>;
type EndNode = Node<{ end: true }, 'end'>;

const n = (x: number) => x.toLocaleString('en');
const PAD = 24;
const MIN_HEIGHT = 420;

function CardNodeView({ data, selected }: NodeProps<CardNode>) {
  const Icon = data.icon;
  return (
    <div
      className={classes.node}
      data-selected={selected || undefined}
      data-problem={data.problems > 0 || undefined}
      data-testid={data.stepKey ? 'step-node' : 'trigger-node'}
      data-step={data.stepKey ?? undefined}
      style={{ width: NODE_W, height: NODE_H }}
    >
      {data.stepKey !== null && <Handle type="target" position={Position.Top} isConnectable={false} className={classes.handle} />}
      <Group gap={8} wrap="nowrap" justify="space-between">
        <Group gap={8} wrap="nowrap" miw={0}>
          <ThemeIcon size={26} radius="sm" variant="light" color={data.color}>
            <Icon size={16} stroke={1.8} />
          </ThemeIcon>
          <Text fz={11} fw={700} tt="uppercase" lts="0.04em" c="dimmed" truncate>
            {data.title}
          </Text>
        </Group>
        {data.problems > 0 && (
          <Badge color="red" size="sm" leftSection={<IconAlertTriangle size={11} />} data-testid="node-problems">
            {data.problems === 1 ? '1 problem' : `${data.problems} problems`}
          </Badge>
        )}
        {data.unreachable && data.problems === 0 && (
          <Badge color="orange" size="sm">
            Not connected
          </Badge>
        )}
      </Group>
      <Text fz="sm" fw={600} lh={1.3} mt={6} lineClamp={2} data-testid="node-description">
        {data.description}
      </Text>
      {data.counts && data.stepKey && (
        <Group gap={6} mt="auto" pt={4} wrap="nowrap" className="nodrag nopan">
          <UnstyledButton
            className={classes.countButton}
            data-testid="node-waiting"
            disabled={data.counts.waiting === 0}
            onClick={(e) => {
              e.stopPropagation();
              data.onOpenContacts(data.stepKey!);
            }}
            aria-label={`${n(data.counts.waiting)} contacts at step ${data.stepKey} now: show them`}
          >
            <Text span fz="xs" fw={700}>
              {n(data.counts.waiting)}
            </Text>{' '}
            <Text span fz="xs">
              here now
            </Text>
          </UnstyledButton>
          <Text fz="xs" c="dimmed" data-testid="node-passed">
            {n(data.counts.passed)} passed
          </Text>
        </Group>
      )}
      {data.stepKey === null && data.counts && (
        <Text fz="xs" c="dimmed" mt="auto">
          {n(data.counts.passed)} entered
        </Text>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} className={classes.handle} />
    </div>
  );
}

function EndNodeView({ selected }: NodeProps<EndNode>) {
  return (
    <div className={classes.end} data-selected={selected || undefined} style={{ width: END_W, height: END_H }} data-testid="end-node">
      <Handle type="target" position={Position.Top} isConnectable={false} className={classes.handle} />
      <IconFlag size={13} stroke={1.8} />
      <Text span fz="xs" fw={600}>
        End
      </Text>
    </div>
  );
}

const nodeTypes = { card: CardNodeView, end: EndNodeView };

export interface CanvasProps {
  graph: Graph;
  names: Names;
  selected: string | null;
  counts: Map<string, { waiting: number; passed: number }> | null;
  entered: number | null;
  problems: Map<string, string[]>;
  unreachable: Set<string>;
  onSelect: (id: string | null) => void;
  onOpenContacts: (key: string) => void;
  /** As tall as the graph, in a page that scrolls (a laptop); else a fixed frame to pan in (a phone). */
  fill: boolean;
}

export function Canvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <Flow {...props} />
    </ReactFlowProvider>
  );
}

function Flow({ graph, names, selected, counts, entered, problems, unreachable, onSelect, onOpenContacts, fill }: CanvasProps) {
  const laid = useMemo(() => layoutGraph(graph), [graph]);
  const nodes = useMemo<(CardNode | EndNode)[]>(
    () =>
      laid.nodes.map((l) => {
        if (l.type === 'end') return { id: l.id, type: 'end', position: { x: l.x, y: l.y }, data: { end: true }, selected: selected === l.id, ariaLabel: 'End of the path' } satisfies EndNode;
        if (l.type === 'trigger') {
          return {
            id: l.id,
            type: 'card' as const,
            position: { x: l.x, y: l.y },
            selected: selected === 'trigger',
            ariaLabel: 'Trigger',
            data: {
              title: 'Trigger',
              description: describeTrigger(graph.trigger, names),
              icon: TRIGGER_INFO.icon,
              color: TRIGGER_INFO.color,
              stepKey: null,
              counts: entered === null ? null : { waiting: 0, passed: entered },
              problems: problems.get('trigger')?.length ?? 0,
              unreachable: false,
              onOpenContacts,
            },
          };
        }
        const s = graph.steps[l.key]!;
        const info = kindInfo(s);
        const description = describeStep(s, names);
        return {
          id: l.id,
          type: 'card' as const,
          position: { x: l.x, y: l.y },
          selected: selected === l.id,
          ariaLabel: `${info.label}: ${description}`,
          data: {
            title: info.label,
            description,
            icon: info.icon,
            color: info.color,
            stepKey: l.key,
            counts: counts ? (counts.get(l.key) ?? { waiting: 0, passed: 0 }) : null,
            problems: problems.get(l.id)?.length ?? 0,
            unreachable: unreachable.has(l.key),
            onOpenContacts,
          },
        };
      }),
    [laid, graph, names, selected, counts, entered, problems, unreachable, onOpenContacts],
  );
  const edges = useMemo<Edge[]>(
    () =>
      laid.edges.map((e) => ({
        id: e.id,
        source: e.source,
        target: e.target,
        type: 'smoothstep',
        label: e.label || undefined,
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: 'var(--mantine-color-gray-5)' },
        style: { stroke: 'var(--mantine-color-gray-5)', strokeWidth: 1.5 },
        labelStyle: { fontSize: 12, fontWeight: 600, fill: 'var(--mantine-color-gray-8)' },
        labelBgStyle: { fill: 'var(--mantine-color-gray-0)' },
        labelBgPadding: [6, 3] as [number, number],
        labelBgBorderRadius: 4,
        selectable: false,
        focusable: false,
      })),
    [laid],
  );
  const box = useRef<HTMLDivElement>(null);
  const flow = useReactFlow();
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => setWidth(entries[0]!.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const bounds = useMemo(() => {
    const left = Math.min(...laid.nodes.map((x) => x.x));
    const right = Math.max(...laid.nodes.map((x) => x.x + (x.type === 'end' ? END_W : NODE_W)));
    const bottom = Math.max(...laid.nodes.map((x) => x.y + (x.type === 'end' ? END_H : NODE_H)));
    return { left, right, bottom };
  }, [laid]);
  // The full width (never above 100%), from the top. On a laptop the frame is as tall as the
  // graph and the page scrolls; on a phone the frame is fixed and the graph pans inside it.
  const zoom = width === null ? 1 : Math.max(0.35, Math.min(1, width / (bounds.right - bounds.left + 2 * PAD)));
  const height = fill ? Math.max(MIN_HEIGHT, Math.ceil(bounds.bottom * zoom + 2 * PAD)) : undefined;
  useEffect(() => {
    if (width === null) return;
    void flow.setViewport({ x: (width - (bounds.right - bounds.left) * zoom) / 2 - bounds.left * zoom, y: PAD, zoom });
  }, [flow, width, bounds, zoom]);
  // The selected step in sight: the page scrolls to it on a laptop; on a phone the graph moves.
  useEffect(() => {
    if (!selected) return;
    const laidNode = laid.nodes.find((x) => x.id === selected);
    if (!laidNode) return;
    if (fill) {
      box.current?.querySelector(`[data-id="${CSS.escape(selected)}"]`)?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    } else {
      const w = laidNode.type === 'end' ? END_W : NODE_W;
      void flow.setCenter(laidNode.x + w / 2, laidNode.y + NODE_H, { zoom: flow.getZoom(), duration: 250 });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the selection changes
  }, [selected]);
  return (
    <div ref={box} className={classes.flow} data-fill={fill || undefined} style={height ? { height } : undefined} data-testid="workflow-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable
        onNodeClick={(_, node) => onSelect(node.id)}
        onPaneClick={() => onSelect(null)}
        panOnScroll={!fill}
        zoomOnScroll={false}
        preventScrolling={!fill}
        zoomOnPinch
        minZoom={0.25}
        maxZoom={1.5}
        proOptions={{ hideAttribution: false }}
      >
        <Background gap={20} size={1} color="var(--mantine-color-gray-3)" />
        <Controls showInteractive={false} position="bottom-left" />
      </ReactFlow>
    </div>
  );
}

// A segment's size over the last 30 days: a sparkline for the list, a chart for its page.
// Plain SVG: two small pictures do not need a charting library.
import { Box, Group, Text } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useState } from 'react';
import { formatDay } from '../contacts/format.ts';

export interface SizePoint {
  day: string;
  size: number;
}

const n = (x: number) => x.toLocaleString('en');

/** Index of the first day to draw: the days before the segment existed have no size. */
function firstDrawn(points: SizePoint[], since?: string): number {
  if (!since) return 0;
  const day = since.slice(0, 10);
  const i = points.findIndex((p) => p.day >= day);
  return i === -1 ? points.length : i;
}

function scale(points: SizePoint[], width: number, height: number, pad: { top: number; bottom: number; left: number; right: number }, from = 0) {
  const max = Math.max(1, ...points.slice(from).map((p) => p.size));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (points.length <= 1 ? innerW : (i / (points.length - 1)) * innerW);
  const y = (v: number) => pad.top + innerH - (v / max) * innerH;
  return { x, y, max, base: pad.top + innerH };
}

function paths(points: SizePoint[], x: (i: number) => number, y: (v: number) => number, base: number, from: number) {
  const line = points
    .map((p, i) => (i < from ? '' : `${i === from ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.size).toFixed(1)}`))
    .filter(Boolean)
    .join(' ');
  const area = `${line} L${x(points.length - 1).toFixed(1)},${base} L${x(from).toFixed(1)},${base} Z`;
  return { line, area };
}

/**
 * A small line of the last 30 days, for a table cell. Days before `since` (the creation) are
 * left blank, so a segment made today is a dot at the right end.
 */
export function Sparkline({ points, since, width = 120, height = 30, label }: { points: SizePoint[]; since?: string; width?: number; height?: number; label: string }) {
  const from = firstDrawn(points, since);
  if (from >= points.length) {
    return (
      <Text fz="xs" c="dimmed">
        No history yet
      </Text>
    );
  }
  const { x, y, base } = scale(points, width, height, { top: 3, bottom: 3, left: 2, right: 4 }, from);
  const { line, area } = paths(points, x, y, base, from);
  const last = points[points.length - 1]!;
  const first = points[from]!;
  return (
    <svg width={width} height={height} role="img" aria-label={`${label}: ${n(first.size)} on ${formatDay(first.day)}, ${n(last.size)} on ${formatDay(last.day)}`}>
      <line x1={2} x2={width - 4} y1={base + 0.5} y2={base + 0.5} stroke="var(--mantine-color-gray-2)" />
      <path d={area} fill="var(--mantine-color-violet-0)" />
      <path d={line} fill="none" stroke="var(--mantine-color-violet-5)" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
      <circle cx={x(points.length - 1)} cy={y(last.size)} r={2.5} fill="var(--mantine-color-violet-6)" />
    </svg>
  );
}

/** The size at the end of each day, with the day under the pointer spelled out. */
export function SizeChart({ points, since, height = 180 }: { points: SizePoint[]; since?: string; height?: number }) {
  const { ref, width } = useElementSize();
  const [hover, setHover] = useState<number | null>(null);
  const w = Math.max(width, 200);
  const pad = { top: 12, bottom: 26, left: 44, right: 12 };
  const from = firstDrawn(points, since);
  const drawn = from < points.length;
  const { x, y, max, base } = scale(points, w, height, pad, from);
  const { line, area } = drawn ? paths(points, x, y, base, from) : { line: '', area: '' };
  const ticks = max <= 4 ? Array.from({ length: max + 1 }, (_, i) => i) : [0, Math.round(max / 2), max];
  const shown = hover !== null && hover >= from ? points[hover] : points[points.length - 1];

  return (
    <Box>
      <Group justify="space-between" mb={4}>
        <Text fz="xs" c="dimmed">
          Size at the end of each day, last {points.length} days{from > 0 && drawn ? ` (created ${formatDay(points[from]!.day)})` : ''}
        </Text>
        {shown && (
          <Text fz="xs" fw={600} data-testid="chart-readout">
            {formatDay(shown.day)}: {n(shown.size)}
          </Text>
        )}
      </Group>
      <Box ref={ref} h={height}>
        {width > 0 && (
          <svg
            width={w}
            height={height}
            role="img"
            aria-label="Size over the last 30 days"
            onMouseLeave={() => setHover(null)}
            onMouseMove={(e) => {
              const box = e.currentTarget.getBoundingClientRect();
              const rel = (e.clientX - box.left - pad.left) / (w - pad.left - pad.right);
              setHover(Math.min(points.length - 1, Math.max(0, Math.round(rel * (points.length - 1)))));
            }}
          >
            {ticks.map((t) => (
              <g key={t}>
                <line x1={pad.left} x2={w - pad.right} y1={y(t)} y2={y(t)} stroke="var(--mantine-color-gray-2)" />
                <text x={pad.left - 8} y={y(t)} textAnchor="end" dominantBaseline="middle" fontSize={11} fill="var(--mantine-color-gray-6)">
                  {n(t)}
                </text>
              </g>
            ))}
            {points.length > 0 && (
              <>
                {drawn && <path d={area} fill="var(--mantine-color-violet-0)" />}
                {drawn && <path d={line} fill="none" stroke="var(--mantine-color-violet-5)" strokeWidth={2} strokeLinejoin="round" />}
                {drawn && hover === null && <circle cx={x(points.length - 1)} cy={y(points[points.length - 1]!.size)} r={4} fill="var(--mantine-color-violet-6)" />}
                <text x={pad.left} y={height - 6} fontSize={11} fill="var(--mantine-color-gray-6)">
                  {formatDay(points[0]!.day)}
                </text>
                <text x={w - pad.right} y={height - 6} textAnchor="end" fontSize={11} fill="var(--mantine-color-gray-6)">
                  {formatDay(points[points.length - 1]!.day)}
                </text>
                {hover !== null && hover >= from && points[hover] && (
                  <>
                    <line x1={x(hover)} x2={x(hover)} y1={pad.top} y2={base} stroke="var(--mantine-color-gray-4)" strokeDasharray="3 3" />
                    <circle cx={x(hover)} cy={y(points[hover].size)} r={4} fill="var(--mantine-color-violet-6)" stroke="white" strokeWidth={2} />
                  </>
                )}
              </>
            )}
          </svg>
        )}
      </Box>
    </Box>
  );
}

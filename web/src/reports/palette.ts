// Colours of chart series, in order: distinct from each other, readable on white.
export const SERIES_COLORS = ['cyan.6', 'violet.6', 'orange.6', 'teal.6', 'pink.6', 'blue.6', 'grape.6', 'lime.7', 'red.6', 'indigo.6', 'yellow.7', 'green.7'];
export const seriesColor = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length]!;

/** A heat-grid cell's background for a share (0 … 1) on a scale whose top is `max`, and its text colour. */
export function heat(value: number, max: number): { background: string; color: string } {
  const t = max > 0 ? Math.min(1, value / max) : 0;
  // Cyan 6 (#15aabf) over white, from a faint tint to full.
  const alpha = value > 0 ? 0.08 + 0.82 * Math.sqrt(t) : 0;
  return { background: `rgba(21, 170, 191, ${alpha.toFixed(3)})`, color: alpha > 0.55 ? 'white' : 'var(--mantine-color-dark-7)' };
}

/** A series' key in chart data, sortable as text ("c03" before "c10": legends list keys in text order). */
export const seriesKey = (prefix: string, i: number) => `${prefix}${String(i).padStart(3, '0')}`;

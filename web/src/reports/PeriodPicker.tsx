// The period of the dashboard and the email report: the last 30, 90 or 365 days, or two days.
import { Group, SegmentedControl, TextInput } from '@mantine/core';
import { RANGES } from '../../../src/shared/days.ts';
import { RANGE_LABELS, type PeriodKeys, type SetUrlState, type UrlState } from './url.ts';

interface Props {
  state: UrlState<PeriodKeys>;
  set: SetUrlState<PeriodKeys>;
  /** The period shown now, to start a custom one from. */
  shown?: { from: string; to: string };
}

export function PeriodPicker({ state, set, shown }: Props) {
  const custom = state.range === 'custom';
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="period-picker">
      <SegmentedControl
        aria-label="Period"
        data={RANGES.map((r) => ({ value: r, label: RANGE_LABELS[r] }))}
        value={RANGES.includes(state.range as never) ? state.range : '90d'}
        onChange={(range) =>
          set(range === 'custom' ? { range, from: state.from || shown?.from || null, to: state.to || shown?.to || null } : { range, from: null, to: null })
        }
        size="sm"
        style={{ maxWidth: '100%' }}
      />
      {custom && <DaysInput from={state.from} to={state.to} onChange={(from, to) => set({ from, to })} />}
    </Group>
  );
}

/** Two days, first and last (both included). */
export function DaysInput({ from, to, onChange }: { from: string; to: string; onChange: (from: string, to: string) => void }) {
  const wrong = from && to && from > to ? 'Must be on or after the first day' : undefined;
  return (
    <Group gap="xs" wrap="wrap" align="flex-start">
      <TextInput type="date" label="From" aria-label="First day" size="sm" value={from} max={to || undefined} onChange={(e) => onChange(e.currentTarget.value, to)} w={148} />
      <TextInput type="date" label="To" aria-label="Last day" size="sm" value={to} min={from || undefined} onChange={(e) => onChange(from, e.currentTarget.value)} w={148} error={wrong} />
    </Group>
  );
}

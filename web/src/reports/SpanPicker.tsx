// The months a cohort, revenue, churn or segment report covers: the last 6, 12, 24 or 36 months
// (from the first of the month), or two days.
import { Group, Select } from '@mantine/core';
import { DaysInput } from './PeriodPicker.tsx';
import { SPANS, spanParams, type SetUrlState, type SpanKeys, type UrlState } from './url.ts';
import { today } from './url.ts';

export function SpanPicker({ state, set }: { state: UrlState<SpanKeys>; set: SetUrlState<SpanKeys> }) {
  return (
    <Group gap="xs" align="flex-end" wrap="wrap" data-testid="span-picker">
      <Select
        label="Period"
        data={SPANS.map((s) => ({ value: s.value, label: s.value === 'custom' ? 'Custom' : `Last ${s.label}` }))}
        value={SPANS.some((s) => s.value === state.span) ? state.span : '12m'}
        onChange={(span) => {
          if (!span) return;
          if (span !== 'custom') return set({ span, from: null, to: null });
          const current = spanParams(state);
          set({ span, from: state.from || current?.from || null, to: state.to || today() });
        }}
        size="sm"
        w={160}
      />
      {state.span === 'custom' && <DaysInput from={state.from} to={state.to} onChange={(from, to) => set({ from, to })} />}
    </Group>
  );
}

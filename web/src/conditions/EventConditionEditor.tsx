// A condition on events: which event, what is measured of the matching ones (how often, how
// much of a property, when first or last), in which window of time, and filters on their
// properties.
import { Box, Button, Group, NumberInput, Select, Stack, Text } from '@mantine/core';
import { IconFilter } from '@tabler/icons-react';
import { eventLabel } from '../../../src/events/catalogue.ts';
import { AGGREGATE_OPS, type AggregateOp, COUNT_OPS, type CountOp, FIELD_OP_LABELS, type FieldOp, TIME_OP_LABELS, TIME_OPS, type TimeOp } from '../../../src/segments/vocabulary.ts';
import { useConditions } from './context.tsx';
import { type DraftEvent, type DraftFilter, type MeasureMode, newFilter } from './draft.ts';
import { EventFilterEditor } from './EventFilterEditor.tsx';
import { ValueInput, valueFor } from './ValueInput.tsx';

const COUNT_LABELS: Record<CountOp, string> = {
  gte: 'at least … times',
  lte: 'at most … times',
  eq: 'exactly … times',
  gt: 'more than … times',
  lt: 'fewer than … times',
};

const MODE_GROUPS: { group: string; items: { value: MeasureMode; label: string }[] }[] = [
  {
    group: 'How often',
    items: [
      { value: 'performed', label: 'was performed' },
      { value: 'not_performed', label: 'was not performed' },
      ...COUNT_OPS.map((op) => ({ value: `count_${op}` as const, label: COUNT_LABELS[op] })),
    ],
  },
  {
    group: 'How much',
    items: [
      { value: 'sum', label: 'total of a property' },
      { value: 'avg', label: 'average of a property' },
      { value: 'min', label: 'lowest of a property' },
      { value: 'max', label: 'highest of a property' },
    ],
  },
  {
    group: 'When',
    items: [
      { value: 'first', label: 'first time' },
      { value: 'last', label: 'last time' },
    ],
  },
];

const WINDOW_OPTIONS = [
  { value: 'ever', label: 'at any time' },
  { value: 'last_days', label: 'in the last … days' },
  { value: 'between', label: 'between two dates' },
];

function withMode(c: DraftEvent, mode: MeasureMode): DraftEvent {
  if (mode === c.mode) return c;
  if (mode === 'performed' || mode === 'not_performed') return { ...c, mode, measureOp: mode === 'performed' ? 'gte' : 'eq', measureValue: mode === 'performed' ? 1 : 0 };
  if (mode.startsWith('count_')) {
    const keep = c.mode.startsWith('count_') || c.mode === 'performed';
    return { ...c, mode, measureOp: mode.slice('count_'.length) as DraftEvent['measureOp'], measureValue: keep && typeof c.measureValue === 'number' ? c.measureValue : 1 };
  }
  if (mode === 'first' || mode === 'last') {
    const keep = c.mode === 'first' || c.mode === 'last';
    return { ...c, mode, measureOp: keep ? c.measureOp : 'within_last_days', measureValue: keep ? c.measureValue : 30 };
  }
  const keep = c.mode === 'sum' || c.mode === 'avg' || c.mode === 'min' || c.mode === 'max';
  return keep ? { ...c, mode } : { ...c, mode, measureOp: 'gte', measureValue: undefined };
}

export function EventConditionEditor({ condition: c, onChange }: { condition: DraftEvent; onChange: (c: DraftEvent) => void }) {
  const { catalog } = useConditions();
  const events = catalog?.events ?? [];
  const event = events.find((e) => e.name === c.event);
  const eventOptions = events.map((e) => ({ value: e.name, label: eventLabel(e.name) }));
  if (c.event && !event) eventOptions.push({ value: c.event, label: eventLabel(c.event) });
  const numeric = (event?.properties ?? []).filter((p) => p.type === 'number').map((p) => p.key);
  if (c.property && !numeric.includes(c.property)) numeric.push(c.property);
  const isCount = c.mode.startsWith('count_');
  const isAggregate = c.mode === 'sum' || c.mode === 'avg' || c.mode === 'min' || c.mode === 'max';
  const isTime = c.mode === 'first' || c.mode === 'last';
  const setWhere = (i: number, f: DraftFilter) => onChange({ ...c, where: c.where.map((w, j) => (j === i ? f : w)) });

  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-start">
        <Select
          aria-label="Event"
          placeholder={events.length ? 'Choose an event' : 'No events received yet'}
          data={eventOptions}
          value={c.event || null}
          searchable
          w={190}
          onChange={(name) => {
            const props = events.find((e) => e.name === name)?.properties ?? [];
            const nums = props.filter((p) => p.type === 'number').map((p) => p.key);
            // Properties of another event do not carry over.
            onChange({ ...c, event: name ?? '', where: [], property: nums.includes(c.property) ? c.property : nums.length === 1 ? nums[0]! : '' });
          }}
        />
        <Select
          aria-label="Measure"
          data={MODE_GROUPS}
          value={c.mode}
          w={200}
          onChange={(mode) => {
            if (!mode) return;
            const next = withMode(c, mode as MeasureMode);
            onChange(next.property || !(mode === 'sum' || mode === 'avg' || mode === 'min' || mode === 'max') ? next : { ...next, property: numeric.length === 1 ? numeric[0]! : '' });
          }}
        />
        {isCount && (
          <NumberInput
            aria-label="Times"
            min={0}
            allowDecimal={false}
            allowNegative={false}
            w={110}
            rightSection={<Text fz="xs" c="dimmed" pr={8}>times</Text>}
            rightSectionWidth={50}
            value={typeof c.measureValue === 'number' ? c.measureValue : ''}
            onChange={(v) => onChange({ ...c, measureValue: v === '' ? null : Number(v) })}
          />
        )}
        {isAggregate && (
          <>
            <Select
              aria-label="Property"
              placeholder={numeric.length ? 'Numeric property' : 'No numeric property'}
              data={numeric}
              value={c.property || null}
              searchable
              w={160}
              onChange={(p) => onChange({ ...c, property: p ?? '' })}
            />
            <Select
              aria-label="Comparison"
              data={AGGREGATE_OPS.map((o) => ({ value: o, label: FIELD_OP_LABELS[o] }))}
              value={c.measureOp}
              w={160}
              onChange={(op) => op && onChange({ ...c, measureOp: op as AggregateOp, measureValue: valueFor('number', op as FieldOp, c.measureOp as FieldOp, c.measureValue) })}
            />
            <ValueInput type="number" op={c.measureOp as FieldOp} value={c.measureValue} onChange={(measureValue) => onChange({ ...c, measureValue })} label="Amount" />
          </>
        )}
        {isTime && (
          <>
            <Select
              aria-label="When"
              data={TIME_OPS.map((o) => ({ value: o, label: TIME_OP_LABELS[o] }))}
              value={c.measureOp}
              w={230}
              onChange={(op) => {
                if (!op) return;
                const days = op === 'within_last_days' || op === 'more_than_days_ago';
                const wasDays = c.measureOp === 'within_last_days' || c.measureOp === 'more_than_days_ago';
                onChange({ ...c, measureOp: op as TimeOp, measureValue: days === wasDays ? c.measureValue : days ? 30 : undefined });
              }}
            />
            <ValueInput type="date" op={c.measureOp === 'before' || c.measureOp === 'after' ? (c.measureOp as FieldOp) : 'within_last_days'} value={c.measureValue} onChange={(measureValue) => onChange({ ...c, measureValue })} label="When" />
          </>
        )}
      </Group>
      <Group gap="xs" align="flex-start">
        <Select
          aria-label="Time window"
          data={WINDOW_OPTIONS}
          value={c.window.type}
          w={190}
          onChange={(type) =>
            onChange({ ...c, window: type === 'last_days' ? { type, days: 30 } : type === 'between' ? { type, from: '', to: '' } : { type: 'ever' } })
          }
        />
        {c.window.type === 'last_days' && (
          <NumberInput
            aria-label="Window in days"
            min={1}
            max={36_500}
            allowDecimal={false}
            allowNegative={false}
            w={120}
            rightSection={<Text fz="xs" c="dimmed" pr={8}>days</Text>}
            rightSectionWidth={48}
            value={c.window.days ?? ''}
            onChange={(v) => onChange({ ...c, window: { type: 'last_days', days: v === '' ? null : Number(v) } })}
          />
        )}
        {c.window.type === 'between' && (
          <ValueInput
            type="date"
            op="between"
            value={[c.window.from || null, c.window.to || null]}
            onChange={(v) => {
              const [from, to] = Array.isArray(v) ? v : [];
              onChange({ ...c, window: { type: 'between', from: String(from ?? ''), to: String(to ?? '') } });
            }}
            label="Window"
          />
        )}
      </Group>
      {c.where.map((f, i) => (
        <EventFilterEditor key={f.uid} filter={f} properties={event?.properties ?? []} onChange={(next) => setWhere(i, next)} onRemove={() => onChange({ ...c, where: c.where.filter((_, j) => j !== i) })} />
      ))}
      <Box>
        <Button
          variant="subtle"
          size="compact-xs"
          color="gray"
          leftSection={<IconFilter size={12} />}
          disabled={!c.event || c.where.length >= 10}
          onClick={() => onChange({ ...c, where: [...c.where, newFilter()] })}
        >
          Filter on its properties
        </Button>
      </Box>
    </Stack>
  );
}

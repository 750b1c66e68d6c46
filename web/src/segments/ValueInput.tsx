// The value of a condition, in an input that fits its type and operator: text, a number,
// yes/no, a date, choices, a number of days, or a [low, high] pair.
import { Group, MultiSelect, NumberInput, SegmentedControl, Select, TagsInput, Text, TextInput } from '@mantine/core';
import { countryOptions } from '../lib/countries.ts';
import type { DraftValue } from './draft.ts';
import { DAYS_OPS, type FieldOp, NO_VALUE_OPS, type ValueType } from './model.ts';

export type ValueShape = 'none' | 'scalar' | 'list' | 'pair' | 'days';

export function shapeOf(op: FieldOp | null): ValueShape {
  if (op === null || NO_VALUE_OPS.has(op)) return 'none';
  if (op === 'between') return 'pair';
  if (op === 'in' || op === 'not_in') return 'list';
  if (DAYS_OPS.has(op)) return 'days';
  return 'scalar';
}

/** The value to start with when the operator (or the field) changes: kept when it still fits. */
export function valueFor(type: ValueType, op: FieldOp | null, previousOp: FieldOp | null, previous: DraftValue): DraftValue {
  if (previousOp !== null && shapeOf(op) === shapeOf(previousOp)) return previous;
  if (shapeOf(op) === 'scalar' && type === 'boolean') return true;
  if (shapeOf(op) === 'pair') return [null, null];
  if (shapeOf(op) === 'list') return [];
  if (shapeOf(op) === 'days') return 30;
  return undefined;
}

interface Props {
  type: ValueType;
  op: FieldOp | null;
  value: DraftValue;
  onChange: (v: DraftValue) => void;
  options?: { value: string; label: string }[];
  /** Names the inputs for screen readers and tests ("Value", "Filter value"). */
  label?: string;
  error?: boolean;
}

const num = (v: string | number): number | null => (v === '' || v === undefined ? null : Number(v));

export function ValueInput({ type, op, value, onChange, options: given = [], label = 'Value', error }: Props) {
  const shape = shapeOf(op);
  // A country is chosen by name and kept as its code.
  const options = type === 'country' ? countryOptions() : given;
  const pair = Array.isArray(value) ? value : [];
  if (shape === 'none') return null;
  if (shape === 'days') {
    return (
      <NumberInput
        aria-label={`${label} in days`}
        placeholder="30"
        min={0}
        max={36_500}
        allowDecimal={false}
        allowNegative={false}
        w={130}
        rightSection={<Text fz="xs" c="dimmed" pr={8}>days</Text>}
        rightSectionWidth={48}
        value={typeof value === 'number' ? value : ''}
        onChange={(v) => onChange(num(v))}
        error={error}
      />
    );
  }
  if (shape === 'pair') {
    if (type === 'date') {
      return (
        <Group gap={6} wrap="nowrap">
          <TextInput type="date" aria-label={`${label} from`} value={String(pair[0] ?? '')} onChange={(e) => onChange([e.currentTarget.value || null, pair[1] ?? null])} error={error} w={160} />
          <Text fz="sm" c="dimmed">
            and
          </Text>
          <TextInput type="date" aria-label={`${label} to`} value={String(pair[1] ?? '')} onChange={(e) => onChange([pair[0] ?? null, e.currentTarget.value || null])} error={error} w={160} />
        </Group>
      );
    }
    return (
      <Group gap={6} wrap="nowrap">
        <NumberInput aria-label={`${label} low`} placeholder="low" value={(pair[0] as number | null) ?? ''} onChange={(v) => onChange([num(v), pair[1] ?? null])} error={error} w={110} />
        <Text fz="sm" c="dimmed">
          and
        </Text>
        <NumberInput aria-label={`${label} high`} placeholder="high" value={(pair[1] as number | null) ?? ''} onChange={(v) => onChange([pair[0] ?? null, num(v)])} error={error} w={110} />
      </Group>
    );
  }
  if (shape === 'list') {
    if (type === 'enum' || type === 'country') {
      return <MultiSelect aria-label={label} placeholder="Choose values" data={options} value={pair.map(String)} onChange={onChange} error={error} miw={220} maw={420} />;
    }
    return (
      <TagsInput
        aria-label={label}
        placeholder="Type a value, press Enter"
        value={pair.map(String)}
        onChange={(v) => onChange(type === 'number' ? v.map(Number).filter(Number.isFinite) : v)}
        error={error}
        miw={220}
        maw={420}
      />
    );
  }
  switch (type) {
    case 'boolean':
      return (
        <SegmentedControl
          aria-label={label}
          size="sm"
          data={[
            { value: 'true', label: 'Yes' },
            { value: 'false', label: 'No' },
          ]}
          value={value === false ? 'false' : 'true'}
          onChange={(v) => onChange(v === 'true')}
        />
      );
    case 'enum':
    case 'country':
      return <Select aria-label={label} placeholder="Choose a value" data={options} value={typeof value === 'string' ? value : null} onChange={(v) => onChange(v ?? undefined)} error={error} w={180} searchable />;
    case 'number':
      return <NumberInput aria-label={label} placeholder="0" value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(num(v))} error={error} w={140} />;
    case 'date':
      return <TextInput type="date" aria-label={label} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value || undefined)} error={error} w={170} />;
    default:
      return <TextInput aria-label={label} placeholder="Text" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} error={error} w={200} />;
  }
}

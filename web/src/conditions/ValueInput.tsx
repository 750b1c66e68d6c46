// The value of a condition, in an input that fits its type and operator: text, a number,
// yes/no, a date, choices, a number of days, or a [low, high] pair.
import { Group, MultiSelect, NumberInput, SegmentedControl, Select, TagsInput, Text, TextInput } from '@mantine/core';
import { countryOptions } from '../lib/countries.ts';
import { type FieldOp, shapeOf, type ValueType } from '../../../src/segments/vocabulary.ts';
import type { DraftValue } from './draft.ts';

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
  /** Inside a popover (the contacts filter): as wide as it, and lists open within it. */
  inPopover?: boolean;
}

const num = (v: string | number): number | null => (v === '' || v === undefined ? null : Number(v));

export function ValueInput({ type, op, value, onChange, options: given = [], label = 'Value', error, inPopover }: Props) {
  const shape = shapeOf(op);
  // Fixed widths in a row of inputs; the popover's width in a popover.
  const w = (px: number) => (inPopover ? undefined : px);
  const comboboxProps = inPopover ? { withinPortal: false } : undefined;
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
        w={w(130)}
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
          <TextInput type="date" aria-label={`${label} from`} value={String(pair[0] ?? '')} onChange={(e) => onChange([e.currentTarget.value || null, pair[1] ?? null])} error={error} w={w(160)} flex={inPopover ? 1 : undefined} />
          <Text fz="sm" c="dimmed">
            and
          </Text>
          <TextInput type="date" aria-label={`${label} to`} value={String(pair[1] ?? '')} onChange={(e) => onChange([pair[0] ?? null, e.currentTarget.value || null])} error={error} w={w(160)} flex={inPopover ? 1 : undefined} />
        </Group>
      );
    }
    return (
      <Group gap={6} wrap="nowrap">
        <NumberInput aria-label={`${label} low`} placeholder="low" value={(pair[0] as number | null) ?? ''} onChange={(v) => onChange([num(v), pair[1] ?? null])} error={error} w={w(110)} flex={inPopover ? 1 : undefined} />
        <Text fz="sm" c="dimmed">
          and
        </Text>
        <NumberInput aria-label={`${label} high`} placeholder="high" value={(pair[1] as number | null) ?? ''} onChange={(v) => onChange([pair[0] ?? null, num(v)])} error={error} w={w(110)} flex={inPopover ? 1 : undefined} />
      </Group>
    );
  }
  if (shape === 'list') {
    if (type === 'enum' || type === 'country') {
      return (
        <MultiSelect aria-label={label} placeholder="Choose values" data={options} value={pair.map(String)} onChange={onChange} error={error} miw={w(220)} maw={w(420)} comboboxProps={comboboxProps} searchable />
      );
    }
    return (
      <TagsInput
        aria-label={label}
        placeholder="Type a value, press Enter"
        value={pair.map(String)}
        onChange={(v) => onChange(type === 'number' ? v.map(Number).filter(Number.isFinite) : v)}
        error={error}
        miw={w(220)}
        maw={w(420)}
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
      return (
        <Select
          aria-label={label}
          placeholder="Choose a value"
          data={options}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => onChange(v ?? undefined)}
          error={error}
          w={w(180)}
          comboboxProps={comboboxProps}
          searchable
        />
      );
    case 'number':
      return <NumberInput aria-label={label} placeholder="0" value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(num(v))} error={error} w={w(140)} />;
    case 'date':
      return <TextInput type="date" aria-label={label} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value || undefined)} error={error} w={w(170)} />;
    default:
      return <TextInput aria-label={label} placeholder="Text" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} error={error} w={w(200)} />;
  }
}

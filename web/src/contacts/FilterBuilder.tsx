// Filters on any field or property: a popover to build one (field, then an operator that fits
// its type, then a value in an input that fits it), and the active ones as removable pills.
import { Button, CloseButton, Group, MultiSelect, NumberInput, Pill, Popover, SegmentedControl, Select, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { IconFilter, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { countryOptions } from '../lib/countries.ts';
import { formatValue } from './format.ts';
import { type ContactFilter, type FieldInfo, type FilterOp, OP_LABELS, OPS_BY_TYPE } from './model.ts';

type Value = ContactFilter['value'];

/** "Plan is any of Gold, Silver", "Created is after Mar 5, 2024". */
export function describeFilter(f: ContactFilter, fields: FieldInfo[]): string {
  const field = fields.find((x) => x.id === f.field);
  const label = field?.label ?? f.field;
  if (f.op === 'is_set' || f.op === 'is_not_set') return `${label} ${OP_LABELS[f.op]}`;
  const show = (v: unknown) => (field ? formatValue(field, v as string) : String(v)) || String(v);
  const value = Array.isArray(f.value)
    ? f.op === 'between'
      ? `${show(f.value[0])} and ${show(f.value[1])}`
      : f.value.map(show).join(', ')
    : show(f.value);
  return `${label} ${OP_LABELS[f.op]} ${value}`;
}

export function FilterPills({ filters, fields, onChange }: { filters: ContactFilter[]; fields: FieldInfo[]; onChange: (f: ContactFilter[]) => void }) {
  if (filters.length === 0) return null;
  return (
    <Group gap={8} mt="sm" aria-label="Active filters">
      {filters.map((f, i) => {
        const text = describeFilter(f, fields);
        // Our own remove button: Mantine's is hidden from assistive technology and the keyboard.
        return (
          <Pill key={`${f.field}-${i}`} size="md" bg="brand.0" c="brand.9" pr={4}>
            <Group gap={4} wrap="nowrap">
              {text}
              <CloseButton size="xs" radius="xl" c="brand.9" aria-label={`Remove filter ${text}`} onClick={() => onChange(filters.filter((_, j) => j !== i))} />
            </Group>
          </Pill>
        );
      })}
      <Button variant="subtle" size="compact-sm" color="gray" onClick={() => onChange([])}>
        Clear all
      </Button>
    </Group>
  );
}

export function AddFilterButton({ fields, onAdd, count }: { fields: FieldInfo[]; onAdd: (f: ContactFilter) => void; count: number }) {
  const [opened, setOpened] = useState(false);
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-start" shadow="md" width={360} trapFocus withinPortal>
      <Popover.Target>
        <Button
          variant="default"
          leftSection={<IconFilter size={16} stroke={1.7} />}
          onClick={() => setOpened((o) => !o)}
          rightSection={count > 0 ? <Text span fz="xs" fw={700} c="brand.7">{count}</Text> : undefined}
        >
          Filter
        </Button>
      </Popover.Target>
      <Popover.Dropdown p="md">
        {opened && (
          <FilterForm
            fields={fields}
            onCancel={() => setOpened(false)}
            onApply={(f) => {
              onAdd(f);
              setOpened(false);
            }}
          />
        )}
      </Popover.Dropdown>
    </Popover>
  );
}

function FilterForm({ fields, onApply, onCancel }: { fields: FieldInfo[]; onApply: (f: ContactFilter) => void; onCancel: () => void }) {
  const [fieldId, setFieldId] = useState<string | null>(null);
  const field = fields.find((f) => f.id === fieldId);
  const opsOf = (f: FieldInfo) => f.ops ?? OPS_BY_TYPE[f.type];
  const ops: readonly FilterOp[] = field ? opsOf(field) : [];
  const [op, setOp] = useState<FilterOp | null>(null);
  const [value, setValue] = useState<Value>(undefined);
  const needsValue = op !== null && op !== 'is_set' && op !== 'is_not_set';
  const ready = field && op && (!needsValue || isComplete(op, value));

  const groups = [
    { group: 'Contact', items: fields.filter((f) => f.builtIn).map((f) => ({ value: f.id, label: f.label })) },
    { group: 'Properties', items: fields.filter((f) => !f.builtIn && !f.filterOnly).map((f) => ({ value: f.id, label: f.label })) },
    { group: 'Membership', items: fields.filter((f) => f.filterOnly).map((f) => ({ value: f.id, label: f.label })) },
  ].filter((g) => g.items.length > 0);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) onApply({ field: field.id, op, ...(needsValue ? { value } : {}) });
      }}
    >
      <Stack gap="sm">
        <Select
          label="Field"
          placeholder="Choose a field or property"
          data={groups}
          value={fieldId}
          searchable
          comboboxProps={{ withinPortal: false }}
          onChange={(id) => {
            setFieldId(id);
            const next = fields.find((f) => f.id === id);
            setOp(next ? opsOf(next)[0]! : null);
            setValue(next?.type === 'boolean' ? true : undefined);
          }}
        />
        {field && (
          <Select
            label="Condition"
            data={ops.map((o) => ({ value: o, label: OP_LABELS[o] }))}
            value={op}
            comboboxProps={{ withinPortal: false }}
            onChange={(o) => {
              setOp(o as FilterOp);
              setValue(field.type === 'boolean' ? true : undefined);
            }}
          />
        )}
        {field && op && needsValue && <ValueInput field={field} op={op} value={value} onChange={setValue} />}
        <Group justify="flex-end" gap="xs" mt={4}>
          <Button variant="default" size="xs" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" size="xs" disabled={!ready} leftSection={<IconPlus size={14} />}>
            Add filter
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function isComplete(op: FilterOp, value: Value): boolean {
  if (op === 'between') return Array.isArray(value) && value.length === 2 && value.every((v) => v !== '' && v !== undefined && v !== null);
  if (op === 'in') return Array.isArray(value) && value.length > 0;
  return value !== undefined && value !== '';
}

function ValueInput({ field, op, value, onChange }: { field: FieldInfo; op: FilterOp; value: Value; onChange: (v: Value) => void }) {
  const options = field.type === 'country' ? countryOptions() : (field.options ?? []).map((o) => ({ value: o, label: field.optionLabels?.[o] ?? o }));
  const pair = Array.isArray(value) ? value : [];
  if (field.type === 'boolean') {
    return (
      <SegmentedControl
        fullWidth
        data={[
          { value: 'true', label: 'Yes' },
          { value: 'false', label: 'No' },
        ]}
        value={value === false ? 'false' : 'true'}
        onChange={(v) => onChange(v === 'true')}
      />
    );
  }
  if (field.type === 'enum' || field.type === 'country') {
    return op === 'in' ? (
      <MultiSelect label="Values" data={options} value={pair.map(String)} onChange={onChange} comboboxProps={{ withinPortal: false }} searchable data-autofocus />
    ) : (
      <Select label="Value" data={options} value={typeof value === 'string' ? value : null} onChange={(v) => onChange(v ?? undefined)} comboboxProps={{ withinPortal: false }} searchable />
    );
  }
  if (op === 'in') {
    return <TagsInput label="Values" description="Press Enter after each value" value={pair.map(String)} onChange={(v) => onChange(field.type === 'number' ? v.map(Number).filter(Number.isFinite) : v)} data-autofocus />;
  }
  if (field.type === 'number') {
    const num = (v: string | number) => (v === '' ? '' : Number(v));
    if (op === 'between') {
      return (
        <Group grow gap="xs">
          <NumberInput label="From" value={pair[0] as number | undefined} onChange={(v) => onChange([num(v), pair[1] ?? ''] as Value)} />
          <NumberInput label="To" value={pair[1] as number | undefined} onChange={(v) => onChange([pair[0] ?? '', num(v)] as Value)} />
        </Group>
      );
    }
    return <NumberInput label="Value" value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(v === '' ? undefined : Number(v))} data-autofocus />;
  }
  if (field.type === 'date') {
    if (op === 'between') {
      return (
        <Group grow gap="xs">
          <TextInput type="date" label="From" value={String(pair[0] ?? '')} onChange={(e) => onChange([e.currentTarget.value, pair[1] ?? ''] as Value)} />
          <TextInput type="date" label="To" value={String(pair[1] ?? '')} onChange={(e) => onChange([pair[0] ?? '', e.currentTarget.value] as Value)} />
        </Group>
      );
    }
    return <TextInput type="date" label="Date" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value || undefined)} />;
  }
  return <TextInput label="Value" value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} data-autofocus />;
}

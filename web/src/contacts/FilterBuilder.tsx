// Filters on any field or property: a popover to build one (field, then an operator that fits
// its type, then a value in an input that fits it), and the active ones as removable pills.
// The operators, their labels and the value inputs are those of the segment builder: a
// filter is a condition of the same language (src/segments/vocabulary.ts).
import { Button, CloseButton, Group, Pill, Popover, Select, Stack, Text } from '@mantine/core';
import { IconFilter, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { FIELD_OP_LABELS, NO_VALUE_OPS, OPS_FOR_TYPE } from '../../../src/segments/vocabulary.ts';
import { type DraftValue, valueComplete } from '../conditions/draft.ts';
import { ValueInput, valueFor } from '../conditions/ValueInput.tsx';
import { formatValue } from './format.ts';
import type { ContactFilter, FieldInfo, FilterOp } from './model.ts';

/** "Plan is any of Gold, Silver", "Created is after Mar 5, 2024", "Created is within the last 30 days". */
export function describeFilter(f: ContactFilter, fields: FieldInfo[]): string {
  const field = fields.find((x) => x.id === f.field);
  const label = field?.label ?? f.field;
  const opLabel = FIELD_OP_LABELS[f.op];
  if (NO_VALUE_OPS.has(f.op)) return `${label} ${opLabel}`;
  if (opLabel.includes('…')) return `${label} ${opLabel.replace('…', String(f.value))}`;
  const show = (v: unknown) => (field ? formatValue(field, v as string) : String(v)) || String(v);
  const value = Array.isArray(f.value)
    ? f.op === 'between'
      ? `${show(f.value[0])} and ${show(f.value[1])}`
      : f.value.map(show).join(', ')
    : show(f.value);
  return `${label} ${opLabel} ${value}`;
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
  const opsOf = (f: FieldInfo): readonly FilterOp[] => f.ops ?? OPS_FOR_TYPE[f.type];
  const ops = field ? opsOf(field) : [];
  const [op, setOp] = useState<FilterOp | null>(null);
  const [value, setValue] = useState<DraftValue>(undefined);
  const needsValue = op !== null && !NO_VALUE_OPS.has(op);
  const ready = field && op && valueComplete(op, value);
  const options = (field?.options ?? []).map((o) => ({ value: o, label: field?.optionLabels?.[o] ?? o }));

  const groups = [
    { group: 'Contact', items: fields.filter((f) => f.builtIn).map((f) => ({ value: f.id, label: f.label })) },
    { group: 'Predicted (Retention)', items: fields.filter((f) => f.score && !f.columnOnly).map((f) => ({ value: f.id, label: f.label })) },
    { group: 'Properties', items: fields.filter((f) => !f.builtIn && !f.filterOnly && !f.score).map((f) => ({ value: f.id, label: f.label })) },
    { group: 'Membership', items: fields.filter((f) => f.filterOnly).map((f) => ({ value: f.id, label: f.label })) },
  ].filter((g) => g.items.length > 0);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) onApply({ field: field.id, op, ...(needsValue ? { value: value as ContactFilter['value'] } : {}) });
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
            const nextOp = next ? opsOf(next)[0]! : null;
            setOp(nextOp);
            setValue(next ? valueFor(next.type, nextOp, null, undefined) : undefined);
          }}
        />
        {field && (
          <Select
            label="Condition"
            data={ops.map((o) => ({ value: o, label: FIELD_OP_LABELS[o] }))}
            value={op}
            comboboxProps={{ withinPortal: false }}
            onChange={(o) => {
              setOp(o as FilterOp);
              setValue(valueFor(field.type, o as FilterOp, op, value));
            }}
          />
        )}
        {field && op && needsValue && (
          <Stack gap={4}>
            <Text fz="sm" fw={500}>
              Value
            </Text>
            <ValueInput type={field.type} op={op} value={value} onChange={setValue} options={options} inPopover />
          </Stack>
        )}
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

// A filter on a property of the event ("where total is at least 5000"): the property, an
// operator that fits its JSON type, and a value.
import { ActionIcon, Group, Select, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { EVENT_FILTER_OPS_FOR_TYPE, FIELD_OP_LABELS, type FieldOp } from '../../../src/segments/vocabulary.ts';
import type { DraftFilter } from './draft.ts';
import { ValueInput, valueFor } from './ValueInput.tsx';

export function EventFilterEditor({
  filter: f,
  properties,
  onChange,
  onRemove,
}: {
  filter: DraftFilter;
  properties: { key: string; type: 'string' | 'number' | 'boolean' }[];
  onChange: (f: DraftFilter) => void;
  onRemove: () => void;
}) {
  const options = properties.map((p) => ({ value: p.key, label: `${p.key} (${p.type === 'string' ? 'text' : p.type === 'boolean' ? 'yes/no' : 'number'})` }));
  if (f.property && !properties.some((p) => p.key === f.property)) options.push({ value: f.property, label: f.property });
  const ops: readonly FieldOp[] = EVENT_FILTER_OPS_FOR_TYPE[f.type];
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap" pl="md" data-testid="event-filter">
      <Text fz="sm" c="dimmed" mt={6} w={40}>
        where
      </Text>
      <Group gap="xs" align="flex-start" style={{ flex: 1 }}>
        <Select
          aria-label="Event property"
          placeholder="Property"
          data={options}
          value={f.property || null}
          searchable
          w={170}
          onChange={(key) => {
            const type = properties.find((p) => p.key === key)?.type ?? 'string';
            const op = EVENT_FILTER_OPS_FOR_TYPE[type][0];
            onChange({ ...f, property: key ?? '', type, op, value: valueFor(type, op, null, undefined) });
          }}
        />
        {f.property && (
          <Select
            aria-label="Filter operator"
            data={ops.map((o) => ({ value: o, label: FIELD_OP_LABELS[o] }))}
            value={f.op}
            w={150}
            onChange={(op) => onChange({ ...f, op: op as FieldOp, value: valueFor(f.type, op as FieldOp, f.op, f.value) })}
          />
        )}
        {f.property && <ValueInput type={f.type} op={f.op} value={f.value} onChange={(value) => onChange({ ...f, value })} label="Filter value" />}
      </Group>
      <ActionIcon variant="subtle" color="gray" size="sm" mt={6} onClick={onRemove} aria-label="Remove filter">
        <IconX size={14} />
      </ActionIcon>
    </Group>
  );
}

// A condition on a contact field or property: the field (grouped: contact, predicted scores, properties), an
// operator that fits its type, and a value in an input that fits both.
import { Group, Select } from '@mantine/core';
import { FIELD_OP_LABELS, type FieldOp, OPS_FOR_TYPE, type ValueType } from '../../../src/segments/vocabulary.ts';
import { useConditions } from './context.tsx';
import { fieldLabel, optionLabel } from './describe.ts';
import type { DraftField } from './draft.ts';
import { ValueInput, valueFor } from './ValueInput.tsx';

export function FieldConditionEditor({ condition, onChange }: { condition: DraftField; onChange: (c: DraftField) => void }) {
  const { catalog } = useConditions();
  const fields = catalog?.fields ?? [];
  const known = fields.find((f) => f.field === condition.field);
  const type = (known?.type ?? 'string') as ValueType;
  const groups = [
    { group: 'Contact', items: fields.filter((f) => !f.field.startsWith('properties.') && !f.field.startsWith('scores.')).map((f) => ({ value: f.field, label: f.label })) },
    { group: 'Predicted (Retention)', items: fields.filter((f) => f.field.startsWith('scores.')).map((f) => ({ value: f.field, label: f.label })) },
    { group: 'Properties', items: fields.filter((f) => f.field.startsWith('properties.')).map((f) => ({ value: f.field, label: f.label })) },
  ].filter((g) => g.items.length > 0);
  if (condition.field && !known) groups.push({ group: 'Unknown', items: [{ value: condition.field, label: fieldLabel(condition.field, catalog) }] });
  const ops: readonly FieldOp[] = OPS_FOR_TYPE[type];
  const options = (known?.options ?? []).map((o) => ({ value: o, label: optionLabel(condition.field, o) }));

  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label="Field"
        placeholder="Choose a field"
        data={groups}
        value={condition.field || null}
        searchable
        w={190}
        onChange={(field) => {
          const next = fields.find((f) => f.field === field);
          const nextType = (next?.type ?? 'string') as ValueType;
          const op = OPS_FOR_TYPE[nextType][0];
          onChange({ ...condition, field: field ?? '', op, value: valueFor(nextType, op, null, undefined) });
        }}
      />
      {condition.field && (
        <Select
          aria-label="Operator"
          data={ops.map((o) => ({ value: o, label: FIELD_OP_LABELS[o] }))}
          value={condition.op}
          w={type === 'date' ? 330 : 160}
          onChange={(op) => onChange({ ...condition, op: op as FieldOp, value: valueFor(type, op as FieldOp, condition.op, condition.value) })}
        />
      )}
      {condition.field && <ValueInput type={type} op={condition.op} value={condition.value} onChange={(value) => onChange({ ...condition, value })} options={options} />}
    </Group>
  );
}

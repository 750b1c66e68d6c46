// A filter on a property of the event ("where total is at least 5000"): the property, an
// operator that fits its JSON type, and a value.
import { ActionIcon, Group, Select, Text } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { EVENT_FILTER_OPS_FOR_TYPE, FIELD_OP_LABELS, type FieldOp } from '../../../src/segments/vocabulary.ts';
import type { DraftFilter } from './draft.ts';
import { ValueInput, valueFor } from './ValueInput.tsx';
import { useSurveysQuery } from '../surveys/model.ts';

const BAND_LABELS: Record<string, string> = {
  promoter: 'Promoter (NPS 9–10)',
  passive: 'Passive (NPS 7–8)',
  detractor: 'Detractor (NPS 0–6)',
  satisfied: 'Satisfied (CSAT 4–5)',
  neutral: 'Neutral (CSAT 3, CES 4)',
  dissatisfied: 'Dissatisfied (CSAT 1–2)',
  easy: 'Easy (CES 5–7)',
  difficult: 'Difficult (CES 1–3)',
};

/** Properties whose values are chosen from a list, not typed: the survey of a survey event, an answer's group. */
const known = (f: DraftFilter) => (f.property === 'survey_id' || f.property === 'band') && f.type === 'string' && (f.op === 'eq' || f.op === 'neq');

function KnownValue({ filter: f, onChange }: { filter: DraftFilter; onChange: (v: string) => void }) {
  const surveys = useSurveysQuery();
  const data =
    f.property === 'survey_id'
      ? (surveys.data?.items ?? []).map((x) => ({ value: x.id, label: x.name }))
      : Object.entries(BAND_LABELS).map(([value, label]) => ({ value, label }));
  const value = typeof f.value === 'string' ? f.value : null;
  if (value && !data.some((d) => d.value === value)) data.push({ value, label: f.property === 'survey_id' ? 'A deleted survey' : value });
  return <Select aria-label="Filter value" placeholder={f.property === 'survey_id' ? 'Choose a survey' : 'Choose a group'} data={data} value={value} searchable w={230} onChange={(v) => v && onChange(v)} />;
}

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
        {f.property && known(f) ? (
          <KnownValue filter={f} onChange={(value) => onChange({ ...f, value })} />
        ) : (
          f.property && <ValueInput type={f.type} op={f.op} value={f.value} onChange={(value) => onChange({ ...f, value })} label="Filter value" />
        )}
      </Group>
      <ActionIcon variant="subtle" color="gray" size="sm" mt={6} onClick={onRemove} aria-label="Remove filter">
        <IconX size={14} />
      </ActionIcon>
    </Group>
  );
}

// The small inputs the editor's panels share: durations, times, events and their filters,
// templates, segments and lists, date fields, condition blocks.
import { ActionIcon, Anchor, Box, Button, Group, NumberInput, Paper, Select, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { IconFilter, IconPencil, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { eventLabel } from '../../../src/events/catalogue.ts';
import { EVENT_FILTER_OPS_FOR_TYPE, NO_VALUE_OPS } from '../../../src/segments/vocabulary.ts';
import { type DraftFilter, newFilter, newUid, valueComplete } from '../conditions/draft.ts';
import { EventFilterEditor } from '../conditions/EventFilterEditor.tsx';
import type { Catalog, EventFilter, SegmentNode } from '../conditions/model.ts';
import { useTemplatesQuery } from '../email/model.ts';
import { useCatalogQuery, useSegmentsQuery } from '../segments/model.ts';
import { ConditionModal, ConditionSummary } from './Conditions.tsx';
import type { Step } from './model.ts';

export type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;
export type Duration = { days: number; hours: number; minutes: number };

// ---- Small inputs ---------------------------------------------------------------------------

export function DurationInput({ label, value, onChange, disabled }: { label: string; value: Duration; onChange: (d: Duration) => void; disabled?: boolean }) {
  const part = (key: keyof Duration, text: string, max: number) => (
    <NumberInput
      aria-label={`${label}: ${text}`}
      label={text}
      size="sm"
      min={0}
      max={max}
      allowDecimal={false}
      allowNegative={false}
      value={value[key]}
      disabled={disabled}
      onChange={(v) => onChange({ ...value, [key]: typeof v === 'number' ? v : 0 })}
      style={{ flex: 1 }}
    />
  );
  return (
    <Box>
      <Text fz="sm" fw={500} mb={4}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-end">
        {part('days', 'Days', 3660)}
        {part('hours', 'Hours', 23)}
        {part('minutes', 'Minutes', 59)}
      </Group>
    </Box>
  );
}

export function TimeInput({ label, value, onChange, disabled }: { label: string; value: string; onChange: (v: string) => void; disabled?: boolean }) {
  return <TextInput type="time" label={label} value={value} disabled={disabled} onChange={(e) => e.currentTarget.value && onChange(e.currentTarget.value)} description="In each contact’s time zone (the workspace’s when they have none)" />;
}

export function EventSelect({ value, onChange, disabled, label = 'Event' }: { value: string; onChange: (v: string) => void; disabled?: boolean; label?: string }) {
  const catalog = useCatalogQuery();
  const options = (catalog.data?.events ?? []).map((e) => ({ value: e.name, label: eventLabel(e.name) }));
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: eventLabel(value) });
  return <Select label={label} placeholder="Choose an event" data={options} value={value || null} searchable disabled={disabled} onChange={(v) => v && onChange(v)} />;
}

/** Filters on an event's properties ("where total is at least 50"); unfinished ones stay here until complete. */
export function EventFilters({ event, value, onChange, disabled }: { event: string; value: EventFilter[]; onChange: (f: EventFilter[]) => void; disabled?: boolean }) {
  const catalog = useCatalogQuery();
  const [drafts, setDrafts] = useState<DraftFilter[]>(() => value.map((f) => ({ uid: newUid(), property: f.property, type: f.type, op: f.op, value: f.value })));
  const properties = catalog.data?.events.find((e) => e.name === event)?.properties ?? [];
  const set = (next: DraftFilter[]) => {
    setDrafts(next);
    onChange(
      next
        .filter((f) => f.property !== '' && valueComplete(f.op, f.value))
        .map((f) => ({ property: f.property, type: f.type, op: f.op!, ...(NO_VALUE_OPS.has(f.op!) ? {} : { value: f.value as EventFilter['value'] }) }) as EventFilter),
    );
  };
  return (
    <Stack gap={6}>
      {drafts.map((f, i) => (
        <EventFilterEditor
          key={f.uid}
          filter={f}
          properties={properties}
          onChange={(nf) => set(drafts.map((x, j) => (j === i ? nf : x)))}
          onRemove={() => set(drafts.filter((_, j) => j !== i))}
        />
      ))}
      {!disabled && (
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconFilter size={14} />}
          onClick={() => set([...drafts, { ...newFilter(), op: EVENT_FILTER_OPS_FOR_TYPE.string[0]! }])}
          style={{ alignSelf: 'flex-start' }}
        >
          Only some of these events
        </Button>
      )}
    </Stack>
  );
}

export function TemplateSelect({ value, onChange, disabled }: { value: string; onChange: (v: string) => void; disabled?: boolean }) {
  const templates = useTemplatesQuery();
  const options = (templates.data ?? []).map((t) => ({ value: t.id, label: t.name }));
  return (
    <Stack gap={4}>
      <Select label="Email template" placeholder="Choose a template" data={options} value={value || null} searchable disabled={disabled} onChange={(v) => v && onChange(v)} nothingFoundMessage="No template of that name" />
      {value && (
        <Anchor component={Link} to={`/email/templates/${value}`} fz="xs">
          Open the template
        </Anchor>
      )}
    </Stack>
  );
}

export function SegmentSelect({ kind, label, value, onChange, disabled }: { kind: 'segment' | 'list'; label: string; value: string; onChange: (v: string) => void; disabled?: boolean }) {
  const segments = useSegmentsQuery();
  const options = (segments.data?.items ?? []).filter((s) => s.kind === kind).map((s) => ({ value: s.id, label: s.name }));
  return (
    <Select
      label={label}
      placeholder={kind === 'list' ? 'Choose a list' : 'Choose a segment'}
      data={options}
      value={value || null}
      searchable
      disabled={disabled}
      onChange={(v) => v && onChange(v)}
      nothingFoundMessage={kind === 'list' ? 'No list of that name' : 'No segment of that name'}
    />
  );
}

export function dateFields(catalog: Catalog | undefined) {
  return (catalog?.fields ?? []).filter((f) => f.type === 'date').map((f) => ({ value: f.field, label: f.label }));
}

/** A condition in words with a button to change it, and one to remove it when it may be left out. */
export function ConditionBlock({
  label,
  help,
  value,
  empty,
  onChange,
  onRemove,
  disabled,
}: {
  label: string;
  help: string;
  value: SegmentNode | undefined;
  empty: string;
  onChange: (n: SegmentNode) => void;
  onRemove?: () => void;
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Paper withBorder p="sm" radius="md">
      <Group justify="space-between" gap="xs" wrap="nowrap" mb={6}>
        <Text fz="sm" fw={600}>
          {label}
        </Text>
        {!disabled && (
          <Group gap={4} wrap="nowrap">
            <Button size="compact-xs" variant="light" leftSection={<IconPencil size={12} />} onClick={() => setOpen(true)}>
              Edit
            </Button>
            {onRemove && (
              <Tooltip label="Remove">
                <ActionIcon size="sm" variant="subtle" color="gray" onClick={onRemove} aria-label={`Remove ${label.toLowerCase()}`}>
                  <IconX size={14} />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        )}
      </Group>
      <ConditionSummary node={value} empty={empty} />
      <ConditionModal opened={open} title={label} help={help} value={value} onApply={onChange} onClose={() => setOpen(false)} />
    </Paper>
  );
}

// ---- The panel ------------------------------------------------------------------------------

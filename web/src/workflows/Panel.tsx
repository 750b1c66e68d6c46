// The side panel of the editor: what the selected part of the workflow does, in a form — the
// trigger (with who may enter and whether they may enter again), a step of any kind, the
// workflow's settings (goal, exits, holdout) — with the server's problems about it, the
// palette that adds a step after one of its ways out, and deleting it.
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Chip,
  Divider,
  Group,
  NumberInput,
  Paper,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
  ThemeIcon,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { type Icon, IconAlertCircle, IconArrowDown, IconArrowUp, IconFilter, IconPencil, IconPlus, IconSettings, IconTrash, IconUsers, IconX } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { Link } from 'react-router-dom';
import { eventLabel } from '../../../src/events/catalogue.ts';
import { EVENT_FILTER_OPS_FOR_TYPE, NO_VALUE_OPS } from '../../../src/segments/vocabulary.ts';
import { type DraftFilter, newFilter, newUid, valueComplete } from '../conditions/draft.ts';
import { EventFilterEditor } from '../conditions/EventFilterEditor.tsx';
import type { Catalog, EventFilter, SegmentNode } from '../conditions/model.ts';
import { useTemplatesQuery, useTopicsQuery } from '../email/model.ts';
import { useCatalogQuery, useSegmentsQuery } from '../segments/model.ts';
import { ConditionModal, ConditionSummary } from './Conditions.tsx';
import type { Goal, Graph, Step, Trigger } from './model.ts';
import { durationText, eventWords, kindInfo, PALETTE, type PaletteKey, type Slot, TRIGGER_INFO, type Way, waysOut, WEEKDAY_KEYS } from './steps.ts';
import classes from './workflows.module.css';

export interface Settings {
  name: string;
  description: string;
  holdoutPercent: number;
}

type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;
type Duration = { days: number; hours: number; minutes: number };

// ---- Small inputs ---------------------------------------------------------------------------

function DurationInput({ label, value, onChange, disabled }: { label: string; value: Duration; onChange: (d: Duration) => void; disabled?: boolean }) {
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

function TimeInput({ label, value, onChange, disabled }: { label: string; value: string; onChange: (v: string) => void; disabled?: boolean }) {
  return <TextInput type="time" label={label} value={value} disabled={disabled} onChange={(e) => e.currentTarget.value && onChange(e.currentTarget.value)} description="In each contact’s time zone (the workspace’s when they have none)" />;
}

function EventSelect({ value, onChange, disabled, label = 'Event' }: { value: string; onChange: (v: string) => void; disabled?: boolean; label?: string }) {
  const catalog = useCatalogQuery();
  const options = (catalog.data?.events ?? []).map((e) => ({ value: e.name, label: eventLabel(e.name) }));
  if (value && !options.some((o) => o.value === value)) options.push({ value, label: eventLabel(value) });
  return <Select label={label} placeholder="Choose an event" data={options} value={value || null} searchable disabled={disabled} onChange={(v) => v && onChange(v)} />;
}

/** Filters on an event's properties ("where total is at least 50"); unfinished ones stay here until complete. */
function EventFilters({ event, value, onChange, disabled }: { event: string; value: EventFilter[]; onChange: (f: EventFilter[]) => void; disabled?: boolean }) {
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

function TemplateSelect({ value, onChange, disabled }: { value: string; onChange: (v: string) => void; disabled?: boolean }) {
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

function SegmentSelect({ kind, label, value, onChange, disabled }: { kind: 'segment' | 'list'; label: string; value: string; onChange: (v: string) => void; disabled?: boolean }) {
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

function dateFields(catalog: Catalog | undefined) {
  return (catalog?.fields ?? []).filter((f) => f.type === 'date').map((f) => ({ value: f.field, label: f.label }));
}

/** A condition in words with a button to change it, and one to remove it when it may be left out. */
function ConditionBlock({
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

function PanelHeader({ icon: Icon, color, title, subtitle, onClose }: { icon: Icon; color: string; title: string; subtitle?: ReactNode; onClose?: () => void }) {
  return (
    <Group justify="space-between" wrap="nowrap" align="flex-start">
      <Group gap="sm" wrap="nowrap">
        <ThemeIcon size={34} radius="md" variant="light" color={color}>
          <Icon size={19} stroke={1.7} />
        </ThemeIcon>
        <Stack gap={0}>
          <Title order={2} fz="md">
            {title}
          </Title>
          {subtitle && (
            <Text fz="xs" c="dimmed">
              {subtitle}
            </Text>
          )}
        </Stack>
      </Group>
      {onClose && (
        <ActionIcon variant="subtle" color="gray" onClick={onClose} aria-label="Close the panel">
          <IconX size={18} />
        </ActionIcon>
      )}
    </Group>
  );
}

function Problems({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} p="xs" data-testid="panel-problems">
      <Stack gap={2}>
        {messages.map((m) => (
          <Text key={m} fz="sm">
            {m}
          </Text>
        ))}
      </Stack>
    </Alert>
  );
}

/** The kinds of step, to add one after a way out. */
function Palette({ ways, onAdd }: { ways: { slot: Slot; label: string; to: string | null }[]; onAdd: (slot: Slot, kind: PaletteKey) => void }) {
  const [chosen, setChosen] = useState(0);
  const way = ways[Math.min(chosen, ways.length - 1)];
  if (!way) return null;
  return (
    <Stack gap="xs" data-testid="palette">
      <Text fz="sm" fw={600}>
        Add a step after this
      </Text>
      {ways.length > 1 && (
        <Select
          size="xs"
          label="On the way out"
          data={ways.map((w, i) => ({ value: String(i), label: w.label }))}
          value={String(Math.min(chosen, ways.length - 1))}
          onChange={(v) => v !== null && setChosen(Number(v))}
          allowDeselect={false}
        />
      )}
      <SimpleGrid cols={2} spacing={6} verticalSpacing={6}>
        {PALETTE.map((k) => {
          const blocked = k.key === 'exit' && way.to !== null;
          const button = (
            <UnstyledButton key={k.key} className={classes.paletteItem} disabled={blocked} data-disabled={blocked || undefined} onClick={() => onAdd(way.slot, k.key)} aria-label={`Add: ${k.label}`}>
              <Group gap={8} wrap="nowrap">
                <ThemeIcon size={24} radius="sm" variant="light" color={k.color}>
                  <k.icon size={15} stroke={1.8} />
                </ThemeIcon>
                <Text fz="xs" fw={500} lh={1.25}>
                  {k.label}
                </Text>
              </Group>
            </UnstyledButton>
          );
          return (
            <Tooltip key={k.key} label={blocked ? 'An exit can only end a path: add it where the journey ends.' : k.help} multiline w={240}>
              {button}
            </Tooltip>
          );
        })}
      </SimpleGrid>
    </Stack>
  );
}

export interface PanelProps {
  graph: Graph;
  /** 'trigger', 'settings', 's:<key>', 'end:<from>:<field>', or null. */
  selected: string | null;
  readOnly: boolean;
  problems: Map<string, string[]>;
  settings: Settings;
  counts: Map<string, { waiting: number; passed: number }>;
  onGraph: (g: Graph) => void;
  onSettings: (s: Settings) => void;
  onAdd: (slot: Slot, kind: PaletteKey) => void;
  onDelete: (key: string) => void;
  onSelect: (id: string | null) => void;
  onOpenContacts: (key: string) => void;
  onClose?: () => void;
}

export function SidePanel(p: PanelProps) {
  const { selected } = p;
  if (selected === 'trigger') return <TriggerPanel {...p} />;
  if (selected === 'settings') return <SettingsPanel {...p} />;
  if (selected?.startsWith('s:') && Object.hasOwn(p.graph.steps, selected.slice(2))) return <StepPanel key={selected} {...p} stepKey={selected.slice(2)} />;
  if (selected?.startsWith('end:')) {
    const [, from, field] = selected.split(':') as [string, string, string];
    return (
      <Stack gap="md">
        <PanelHeader icon={IconSettings} color="gray" title="The end of this path" subtitle="Contacts who get here have finished the workflow." onClose={p.onClose} />
        {!p.readOnly && <Palette ways={[{ slot: { from, field }, label: 'here', to: null }]} onAdd={p.onAdd} />}
      </Stack>
    );
  }
  return <Overview {...p} />;
}

/** With nothing selected: what to do, and the workflow's goal, exits and holdout at a glance. */
function Overview({ graph, settings, readOnly, onSelect }: PanelProps) {
  const goal = graph.goal;
  return (
    <Stack gap="md" data-testid="overview-panel">
      <Text fz="sm" c="dimmed">
        {readOnly
          ? 'Select the trigger or a step to see what it does.'
          : 'Select the trigger or a step to see and change what it does. To add a step, select the step it comes after (or an “End”) and pick one from the palette.'}
      </Text>
      <Divider />
      <Stack gap={4}>
        <Text fz="sm" fw={600}>
          Goal
        </Text>
        {!goal ? (
          <Text fz="sm" c="dimmed">
            None: no one counts as converted, and the report has nothing to measure.
          </Text>
        ) : goal.kind === 'event_since_entry' ? (
          <Text fz="sm">{`${eventWords(goal.event).replace(/^./, (c) => c.toUpperCase())} after entering${goal.where.length > 0 ? ' (with filters)' : ''}. Who gets there leaves the workflow as converted.`}</Text>
        ) : (
          <ConditionSummary node={goal.condition} empty="Matching no conditions yet." />
        )}
      </Stack>
      <Stack gap={4}>
        <Text fz="sm" fw={600}>
          Leaves early when
        </Text>
        {graph.exits.length === 0 ? (
          <Text fz="sm" c="dimmed">
            Never: contacts go through to the end.
          </Text>
        ) : (
          graph.exits.map((x, i) => <ConditionSummary key={i} node={x} empty="(no conditions)" />)
        )}
      </Stack>
      <Stack gap={4}>
        <Text fz="sm" fw={600}>
          Held out
        </Text>
        <Text fz="sm">
          {settings.holdoutPercent > 0 ? `${settings.holdoutPercent}% of contacts, at random: they get no emails or other actions, to show what the workflow changes.` : 'No one: the report cannot compare.'}
        </Text>
      </Stack>
      <Button variant="light" leftSection={<IconSettings size={16} />} onClick={() => onSelect('settings')}>
        {readOnly ? 'See the settings' : 'Change the name, goal, exits or holdout'}
      </Button>
    </Stack>
  );
}

const TRIGGER_KINDS: { value: Trigger['kind']; label: string }[] = [
  { value: 'segment_entered', label: 'Someone enters a segment' },
  { value: 'segment_exited', label: 'Someone leaves a segment' },
  { value: 'list_added', label: 'Someone is added to a list' },
  { value: 'event', label: 'Someone does something (an event)' },
  { value: 'date', label: 'A date comes round (birthday, renewal)' },
  { value: 'manual', label: 'Only when I enroll contacts' },
];

function newTrigger(kind: Trigger['kind']): Trigger {
  switch (kind) {
    case 'event':
      return { kind, event: '', where: [] };
    case 'segment_entered':
    case 'segment_exited':
      return { kind, segmentId: '' };
    case 'list_added':
      return { kind, listId: '' };
    case 'date':
      return { kind, field: '', offsetDays: 0, at: '09:00', yearly: true };
    case 'manual':
      return { kind };
  }
}

function TriggerPanel({ graph, readOnly, problems, onGraph, onClose, onAdd }: PanelProps) {
  const catalog = useCatalogQuery();
  const t = graph.trigger;
  const setTrigger = (trigger: Trigger) => onGraph({ ...graph, trigger });
  const r = graph.reentry;
  const first = Object.hasOwn(graph.steps, graph.start) ? graph.start : null;
  return (
    <Stack gap="md" data-testid="trigger-panel">
      <PanelHeader icon={TRIGGER_INFO.icon} color={TRIGGER_INFO.color} title="Trigger" subtitle="What brings a contact into this workflow" onClose={onClose} />
      <Problems messages={problems.get('trigger') ?? []} />
      <Select label="Starts when" data={TRIGGER_KINDS} value={t.kind} disabled={readOnly} allowDeselect={false} onChange={(k) => k && k !== t.kind && setTrigger(newTrigger(k as Trigger['kind']))} />
      {(t.kind === 'segment_entered' || t.kind === 'segment_exited') && <SegmentSelect kind="segment" label="Segment" value={t.segmentId} disabled={readOnly} onChange={(segmentId) => setTrigger({ ...t, segmentId })} />}
      {t.kind === 'list_added' && <SegmentSelect kind="list" label="List" value={t.listId} disabled={readOnly} onChange={(listId) => setTrigger({ ...t, listId })} />}
      {t.kind === 'event' && (
        <>
          <EventSelect value={t.event} disabled={readOnly} onChange={(event) => setTrigger({ ...t, event, where: [] })} />
          <EventFilters key={t.event} event={t.event} value={t.where} disabled={readOnly} onChange={(where) => setTrigger({ ...t, where })} />
          <Select
            label="Once per"
            description="Enter again for each new value of this property (an order id), not for the same one twice"
            placeholder="Every event"
            clearable
            disabled={readOnly}
            data={[...new Set([...(catalog.data?.events.find((e) => e.name === t.event)?.properties.map((x) => x.key) ?? []), ...(t.keyBy ? [t.keyBy] : [])])]}
            value={t.keyBy ?? null}
            onChange={(keyBy) => setTrigger(keyBy ? { ...t, keyBy } : { kind: 'event', event: t.event, where: t.where })}
          />
        </>
      )}
      {t.kind === 'date' && (
        <>
          <Select label="Date field" placeholder="Choose a date field" data={dateFields(catalog.data)} value={t.field || null} disabled={readOnly} onChange={(field) => field && setTrigger({ ...t, field })} />
          <NumberInput
            label="Days before (−) or after (+) the date"
            min={-366}
            max={366}
            allowDecimal={false}
            value={t.offsetDays}
            disabled={readOnly}
            onChange={(v) => setTrigger({ ...t, offsetDays: typeof v === 'number' ? v : 0 })}
          />
          <TimeInput label="At" value={t.at} disabled={readOnly} onChange={(at) => setTrigger({ ...t, at })} />
          <Switch label="Every year (a birthday, an anniversary)" checked={t.yearly} disabled={readOnly} onChange={(e) => setTrigger({ ...t, yearly: e.currentTarget.checked })} />
        </>
      )}
      {t.kind === 'manual' && (
        <Text fz="sm" c="dimmed">
          Contacts enter when you enroll them with “Enroll contacts” above, or through the API.
        </Text>
      )}
      <Divider />
      <Radio.Group
        label="May a contact go through it again?"
        value={r.policy}
        onChange={(policy) =>
          onGraph({ ...graph, reentry: policy === 'every_time' ? { policy, minIntervalHours: 0 } : { policy: policy as 'once' | 'after_leaving' } })
        }
      >
        <Stack gap={6} mt={6}>
          <Radio value="once" label="No, once ever" disabled={readOnly} />
          <Radio value="after_leaving" label="Yes, after they have left it" disabled={readOnly} />
          <Radio value="every_time" label="Yes, every time it happens, even while in it" disabled={readOnly} />
        </Stack>
      </Radio.Group>
      {r.policy === 'every_time' && (
        <NumberInput
          label="At least this many hours apart"
          min={0}
          max={24 * 366}
          allowDecimal={false}
          value={r.minIntervalHours}
          disabled={readOnly}
          onChange={(v) => onGraph({ ...graph, reentry: { policy: 'every_time', minIntervalHours: typeof v === 'number' ? v : 0 } })}
        />
      )}
      <ConditionBlock
        label="Who may enter"
        help="Only contacts who match these conditions when the trigger happens enter the workflow (for example: never VIPs, only subscribers)."
        value={graph.filter}
        empty="Everyone the trigger brings."
        disabled={readOnly}
        onChange={(filter) => onGraph({ ...graph, filter })}
        onRemove={graph.filter ? () => onGraph({ ...graph, filter: undefined }) : undefined}
      />
      {!readOnly && <Divider />}
      {!readOnly && <Palette ways={[{ slot: { from: 'trigger', field: 'start' }, label: 'first step', to: first }]} onAdd={onAdd} />}
    </Stack>
  );
}

function SettingsPanel({ graph, readOnly, problems, settings, onGraph, onSettings, onClose }: PanelProps) {
  const goal = graph.goal;
  const goalKind = goal?.kind ?? 'none';
  const setGoal = (g: Goal | undefined) => onGraph({ ...graph, goal: g });
  return (
    <Stack gap="md" data-testid="settings-panel">
      <PanelHeader icon={IconSettings} color="gray" title="Workflow settings" subtitle="Its name, goal, exits and holdout" onClose={onClose} />
      <Problems messages={problems.get('settings') ?? []} />
      <TextInput label="Name" value={settings.name} disabled={readOnly} onChange={(e) => onSettings({ ...settings, name: e.currentTarget.value })} />
      <Textarea label="Description" autosize minRows={2} maxRows={5} value={settings.description} disabled={readOnly} onChange={(e) => onSettings({ ...settings, description: e.currentTarget.value })} />
      <Divider />
      <Box>
        <Text fz="sm" fw={600}>
          Goal
        </Text>
        <Text fz="xs" c="dimmed" mb={6}>
          A contact who reaches it leaves at once and counts as converted: this is what the report measures.
        </Text>
        <SegmentedControl
          fullWidth
          size="xs"
          disabled={readOnly}
          value={goalKind}
          data={[
            { value: 'none', label: 'No goal' },
            { value: 'event_since_entry', label: 'Did something' },
            { value: 'condition', label: 'Matches' },
          ]}
          onChange={(k) =>
            setGoal(k === 'none' ? undefined : k === 'event_since_entry' ? { kind: 'event_since_entry', event: 'purchase', where: [] } : { kind: 'condition', condition: { kind: 'group', op: 'and', children: [] } })
          }
        />
      </Box>
      {goal?.kind === 'event_since_entry' && (
        <>
          <EventSelect label="Event, after entering" value={goal.event} disabled={readOnly} onChange={(event) => setGoal({ ...goal, event, where: [] })} />
          <EventFilters key={goal.event} event={goal.event} value={goal.where} disabled={readOnly} onChange={(where) => setGoal({ ...goal, where })} />
        </>
      )}
      {goal?.kind === 'condition' && (
        <ConditionBlock
          label="Goal conditions"
          help="A contact who comes to match these conditions while in the workflow has reached its goal."
          value={goal.condition}
          empty="No conditions yet: add one."
          disabled={readOnly}
          onChange={(condition) => setGoal({ kind: 'condition', condition })}
        />
      )}
      <Divider />
      <Box>
        <Text fz="sm" fw={600}>
          Leave early when
        </Text>
        <Text fz="xs" c="dimmed" mb={6}>
          Whoever comes to match one of these leaves the workflow at once, wherever they are in it.
        </Text>
        <Stack gap="xs">
          {graph.exits.map((x, i) => (
            <ConditionBlock
              key={i}
              label={`Exit condition ${i + 1}`}
              help="Contacts who match these conditions leave the workflow at once."
              value={x}
              empty="No conditions yet."
              disabled={readOnly}
              onChange={(n) => onGraph({ ...graph, exits: graph.exits.map((e, j) => (j === i ? n : e)) })}
              onRemove={() => onGraph({ ...graph, exits: graph.exits.filter((_, j) => j !== i) })}
            />
          ))}
          {graph.exits.length === 0 && (
            <Text fz="sm" c="dimmed">
              No exit conditions.
            </Text>
          )}
          {!readOnly && graph.exits.length < 10 && (
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconPlus size={14} />}
              style={{ alignSelf: 'flex-start' }}
              onClick={() => onGraph({ ...graph, exits: [...graph.exits, { kind: 'field', field: 'email_status', op: 'eq', value: 'unsubscribed' }] })}
            >
              Add an exit condition
            </Button>
          )}
        </Stack>
      </Box>
      <Divider />
      <NumberInput
        label="Held out, in percent"
        description="This share of contacts goes through the same waits but gets no emails or other actions, so the report can show what the workflow changes. 0 to 50."
        min={0}
        max={50}
        decimalScale={2}
        suffix="%"
        value={settings.holdoutPercent}
        disabled={readOnly}
        onChange={(v) => onSettings({ ...settings, holdoutPercent: typeof v === 'number' ? v : 0 })}
      />
    </Stack>
  );
}

function StepPanel({ graph, readOnly, problems, counts, onGraph, onAdd, onDelete, onClose, onOpenContacts, stepKey }: PanelProps & { stepKey: string }) {
  const s = graph.steps[stepKey]!;
  const info = kindInfo(s);
  const set = (next: Step) => onGraph({ ...graph, steps: { ...graph.steps, [stepKey]: next } });
  const here = counts.get(stepKey);
  const ways: Way[] = waysOut(s);
  return (
    <Stack gap="md" data-testid="step-panel">
      <PanelHeader icon={info.icon} color={info.color} title={info.label} subtitle={`Step “${stepKey}”`} onClose={onClose} />
      <Problems messages={problems.get(`s:${stepKey}`) ?? []} />
      {here && (
        <Group gap="xs">
          <Button size="compact-sm" variant="light" leftSection={<IconUsers size={14} />} onClick={() => onOpenContacts(stepKey)} disabled={here.waiting === 0}>
            {here.waiting.toLocaleString('en')} here now
          </Button>
          <Text fz="sm" c="dimmed">
            {here.passed.toLocaleString('en')} passed
          </Text>
        </Group>
      )}
      <StepForm step={s} readOnly={readOnly} onChange={set} graph={graph} stepKey={stepKey} onGraph={onGraph} />
      {!readOnly && s.kind !== 'exit' && <Divider />}
      {!readOnly && s.kind !== 'exit' && (
        <Palette ways={ways.map((w) => ({ slot: { from: stepKey, field: w.field }, label: w.label || 'next', to: w.to }))} onAdd={onAdd} />
      )}
      {!readOnly && (
        <>
          <Divider />
          <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => onDelete(stepKey)} style={{ alignSelf: 'flex-start' }}>
            Delete this step
          </Button>
        </>
      )}
    </Stack>
  );
}

function StepForm({ step: s, readOnly, onChange, graph, stepKey, onGraph }: { step: Step; readOnly: boolean; onChange: (s: Step) => void; graph: Graph; stepKey: string; onGraph: (g: Graph) => void }) {
  const catalog = useCatalogQuery();
  switch (s.kind) {
    case 'wait':
      return (
        <Stack gap="xs">
          <DurationInput label="Wait for" value={s.for} disabled={readOnly} onChange={(d) => onChange({ ...s, for: d })} />
          <Text fz="xs" c="dimmed">
            Then the contact goes on to the next step ({durationText(s.for)} after reaching this one).
          </Text>
        </Stack>
      );
    case 'wait_until':
      return (
        <Stack gap="sm">
          <TimeInput label="Until" value={s.at} disabled={readOnly} onChange={(at) => onChange({ ...s, at })} />
          <Box>
            <Text fz="sm" fw={500} mb={4}>
              On
            </Text>
            <Chip.Group multiple value={s.weekdays ?? [...WEEKDAY_KEYS]} onChange={(days) => days.length > 0 && onChange({ ...s, weekdays: days.length === 7 ? undefined : (days as StepOf<'wait_until'>['weekdays']) })}>
              <Group gap={4}>
                {WEEKDAY_KEYS.map((d) => (
                  <Chip key={d} value={d} size="xs" disabled={readOnly}>
                    {d[0]!.toUpperCase() + d.slice(1)}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
          </Box>
        </Stack>
      );
    case 'wait_date':
      return (
        <Stack gap="sm">
          <Select label="Date field" placeholder="Choose a date field" data={dateFields(catalog.data)} value={s.field || null} disabled={readOnly} onChange={(field) => field && onChange({ ...s, field })} />
          <NumberInput
            label="Days before (−) or after (+) it"
            min={-366}
            max={366}
            allowDecimal={false}
            value={s.offsetDays}
            disabled={readOnly}
            onChange={(v) => onChange({ ...s, offsetDays: typeof v === 'number' ? v : 0 })}
          />
          <TimeInput label="At" value={s.at} disabled={readOnly} onChange={(at) => onChange({ ...s, at })} />
        </Stack>
      );
    case 'wait_event':
      return (
        <Stack gap="sm">
          <EventSelect label="Wait for" value={s.event} disabled={readOnly} onChange={(event) => onChange({ ...s, event, where: [] })} />
          <EventFilters key={s.event} event={s.event} value={s.where} disabled={readOnly} onChange={(where) => onChange({ ...s, where })} />
          <DurationInput label="Up to" value={s.timeout} disabled={readOnly} onChange={(timeout) => onChange({ ...s, timeout })} />
          <Text fz="xs" c="dimmed">
            Who does it goes the “happened” way at once; who has not by then goes the “timed out” way.
          </Text>
        </Stack>
      );
    case 'branch':
      return <BranchForm step={s} readOnly={readOnly} graph={graph} stepKey={stepKey} onGraph={onGraph} />;
    case 'split':
      return <SplitForm step={s} readOnly={readOnly} graph={graph} stepKey={stepKey} onGraph={onGraph} />;
    case 'send_email':
      return <SendForm step={s} readOnly={readOnly} onChange={onChange} />;
    case 'update_contact':
      return <UpdateForm step={s} readOnly={readOnly} onChange={onChange} catalog={catalog.data} />;
    case 'list':
      return (
        <Stack gap="sm">
          <SegmentedControl
            size="xs"
            disabled={readOnly}
            value={s.action}
            data={[
              { value: 'add', label: 'Add to' },
              { value: 'remove', label: 'Remove from' },
            ]}
            onChange={(action) => onChange({ ...s, action: action as 'add' | 'remove' })}
          />
          <SegmentSelect kind="list" label="List" value={s.listId} disabled={readOnly} onChange={(listId) => onChange({ ...s, listId })} />
        </Stack>
      );
    case 'webhook':
      return (
        <Stack gap="xs">
          <TextInput label="Address" placeholder="https://example.com/hooks/rapport" value={s.url} disabled={readOnly} onChange={(e) => onChange({ ...s, url: e.currentTarget.value.trim() })} />
          <Text fz="xs" c="dimmed">
            Rapport sends a signed POST with the contact and the step, and tries again for a while if the address does not answer.
          </Text>
        </Stack>
      );
    case 'exit':
      return (
        <Text fz="sm" c="dimmed">
          Contacts who get here leave the workflow (they count as having left early, not as converted).
        </Text>
      );
  }
}

function SendForm({ step: s, readOnly, onChange }: { step: StepOf<'send_email'>; readOnly: boolean; onChange: (s: Step) => void }) {
  const topics = useTopicsQuery();
  return (
    <Stack gap="sm">
      <TemplateSelect value={s.templateId} disabled={readOnly} onChange={(templateId) => onChange({ ...s, templateId })} />
      <Select
        label="Topic"
        description="Contacts who opted out of this topic are skipped"
        placeholder="No topic"
        clearable
        disabled={readOnly || s.transactional}
        data={(topics.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
        value={s.topicId ?? null}
        onChange={(topicId) => onChange(topicId ? { ...s, topicId } : { kind: 'send_email', templateId: s.templateId, transactional: s.transactional, whenCapped: s.whenCapped, next: s.next })}
      />
      <Box>
        <Text fz="sm" fw={500}>
          When the contact has had their share of email
        </Text>
        <Text fz="xs" c="dimmed" mb={6}>
          The frequency cap of Settings → Email (or this workflow’s own)
        </Text>
        <SegmentedControl
          size="xs"
          fullWidth
          disabled={readOnly || s.transactional}
          value={s.whenCapped}
          data={[
            { value: 'skip', label: 'Skip this email' },
            { value: 'wait', label: 'Send it when allowed' },
          ]}
          onChange={(v) => onChange({ ...s, whenCapped: v as 'skip' | 'wait' })}
        />
      </Box>
      <Switch
        label="Transactional (a receipt, not marketing)"
        description="Sent even to contacts who have not subscribed to marketing email. Only for messages they need."
        checked={s.transactional}
        disabled={readOnly}
        onChange={(e) => onChange({ ...s, transactional: e.currentTarget.checked })}
      />
    </Stack>
  );
}

const WRITABLE_BUILT_INS = new Set(['first_name', 'last_name', 'phone', 'lifecycle_stage']);

function UpdateForm({ step: s, readOnly, onChange, catalog }: { step: StepOf<'update_contact'>; readOnly: boolean; onChange: (s: Step) => void; catalog: Catalog | undefined }) {
  const fields = (catalog?.fields ?? []).filter((f) => WRITABLE_BUILT_INS.has(f.field) || f.field.startsWith('properties.'));
  const field = fields.find((f) => f.field === s.field);
  const clear = s.value === null;
  let input: ReactNode;
  if (!field || clear) input = null;
  else if (field.type === 'number') {
    input = <NumberInput label="Value" value={typeof s.value === 'number' ? s.value : ''} disabled={readOnly} onChange={(v) => onChange({ ...s, value: typeof v === 'number' ? v : 0 })} />;
  } else if (field.type === 'boolean') {
    input = (
      <SegmentedControl
        size="xs"
        disabled={readOnly}
        value={s.value === true ? 'yes' : 'no'}
        data={[
          { value: 'yes', label: 'Yes' },
          { value: 'no', label: 'No' },
        ]}
        onChange={(v) => onChange({ ...s, value: v === 'yes' })}
      />
    );
  } else if (field.options && field.options.length > 0) {
    input = <Select label="Value" data={field.options} value={typeof s.value === 'string' && s.value ? s.value : null} disabled={readOnly} onChange={(v) => v && onChange({ ...s, value: v })} />;
  } else {
    input = (
      <TextInput
        label="Value"
        type={field.type === 'date' ? 'date' : 'text'}
        value={typeof s.value === 'string' ? s.value : String(s.value ?? '')}
        disabled={readOnly}
        onChange={(e) => onChange({ ...s, value: e.currentTarget.value })}
      />
    );
  }
  return (
    <Stack gap="sm">
      <Select
        label="Field"
        placeholder="Choose a field or property"
        searchable
        data={fields.map((f) => ({ value: f.field, label: f.label }))}
        value={s.field || null}
        disabled={readOnly}
        onChange={(v) => {
          if (!v) return;
          const f = fields.find((x) => x.field === v);
          onChange({ ...s, field: v, value: f?.type === 'number' ? 0 : f?.type === 'boolean' ? true : '' });
        }}
      />
      {field && <Switch label="Clear it instead" checked={clear} disabled={readOnly} onChange={(e) => onChange({ ...s, value: e.currentTarget.checked ? null : field.type === 'number' ? 0 : field.type === 'boolean' ? true : '' })} />}
      {input}
    </Stack>
  );
}

function BranchForm({ step: s, readOnly, graph, stepKey, onGraph }: { step: StepOf<'branch'>; readOnly: boolean; graph: Graph; stepKey: string; onGraph: (g: Graph) => void }) {
  const set = (next: StepOf<'branch'>) => onGraph({ ...graph, steps: { ...graph.steps, [stepKey]: next } });
  const paths = s.paths;
  const move = (i: number, by: number) => {
    const next = [...paths];
    const [p] = next.splice(i, 1);
    next.splice(i + by, 0, p!);
    set({ ...s, paths: next });
  };
  return (
    <Stack gap="sm">
      <Text fz="xs" c="dimmed">
        Paths are tested in order; a contact takes the first whose conditions they match. Everyone else goes the “everyone else” way.
      </Text>
      {paths.map((p, i) => (
        <Paper key={i} withBorder p="sm" radius="md" data-testid="branch-path">
          <Group gap={4} wrap="nowrap" align="flex-end" mb="xs">
            <TextInput
              label={`Path ${i + 1}`}
              value={p.name}
              disabled={readOnly}
              style={{ flex: 1 }}
              onChange={(e) => set({ ...s, paths: paths.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })}
            />
            {!readOnly && (
              <>
                <ActionIcon variant="subtle" color="gray" disabled={i === 0} onClick={() => move(i, -1)} aria-label="Test this path earlier" mb={4}>
                  <IconArrowUp size={16} />
                </ActionIcon>
                <ActionIcon variant="subtle" color="gray" disabled={i === paths.length - 1} onClick={() => move(i, 1)} aria-label="Test this path later" mb={4}>
                  <IconArrowDown size={16} />
                </ActionIcon>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  mb={4}
                  aria-label={`Remove path ${p.name}`}
                  onClick={() => {
                    const next = { ...graph, steps: { ...graph.steps, [stepKey]: { ...s, paths: paths.filter((_, j) => j !== i) } } };
                    onGraph(next);
                  }}
                >
                  <IconTrash size={16} />
                </ActionIcon>
              </>
            )}
          </Group>
          <ConditionBlock
            label="Conditions"
            help={`Contacts who match these conditions take the path “${p.name}” (when no earlier path took them).`}
            value={p.condition}
            empty="No conditions: everyone takes this path."
            disabled={readOnly}
            onChange={(condition) => set({ ...s, paths: paths.map((x, j) => (j === i ? { ...x, condition } : x)) })}
          />
        </Paper>
      ))}
      {!readOnly && paths.length < 10 && (
        <Button
          variant="subtle"
          size="compact-sm"
          leftSection={<IconPlus size={14} />}
          style={{ alignSelf: 'flex-start' }}
          onClick={() => set({ ...s, paths: [...paths, { name: `Path ${paths.length + 1}`, condition: { kind: 'group', op: 'and', children: [] }, next: s.otherwise }] })}
        >
          Add a path
        </Button>
      )}
    </Stack>
  );
}

function SplitForm({ step: s, readOnly, graph, stepKey, onGraph }: { step: StepOf<'split'>; readOnly: boolean; graph: Graph; stepKey: string; onGraph: (g: Graph) => void }) {
  const set = (next: StepOf<'split'>) => onGraph({ ...graph, steps: { ...graph.steps, [stepKey]: next } });
  const total = s.paths.reduce((sum, p) => sum + p.percent, 0);
  return (
    <Stack gap="sm">
      <Text fz="xs" c="dimmed">
        Each contact takes one path at random by these shares, always the same one for the same contact.
      </Text>
      {s.paths.map((p, i) => (
        <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
          <TextInput label={`Path ${i + 1}`} value={p.name} disabled={readOnly} style={{ flex: 1 }} onChange={(e) => set({ ...s, paths: s.paths.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)) })} />
          <NumberInput
            label="Share"
            w={90}
            min={0}
            max={100}
            suffix="%"
            allowDecimal={false}
            value={p.percent}
            disabled={readOnly}
            onChange={(v) => set({ ...s, paths: s.paths.map((x, j) => (j === i ? { ...x, percent: typeof v === 'number' ? v : 0 } : x)) })}
          />
          {!readOnly && (
            <ActionIcon variant="subtle" color="red" mb={4} aria-label={`Remove path ${p.name}`} onClick={() => set({ ...s, paths: s.paths.filter((_, j) => j !== i) })}>
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Group>
      ))}
      <Group justify="space-between">
        {!readOnly && s.paths.length < 10 ? (
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconPlus size={14} />}
            onClick={() => set({ ...s, paths: [...s.paths, { name: String.fromCharCode(65 + s.paths.length), percent: 0, next: s.paths[0]?.next ?? null }] })}
          >
            Add a path
          </Button>
        ) : (
          <span />
        )}
        <Badge color={total === 100 ? 'teal' : 'red'}>{total}% of 100%</Badge>
      </Group>
    </Stack>
  );
}

// The side panel of the editor: what the selected part of the workflow does, in a form — the
// trigger (with who may enter and whether they may enter again), a step of any kind, the
// workflow's settings (goal, exits, holdout, its own email limits) — with the server's problems about it, the
// palette that adds a step after one of its ways out, and deleting it.
import { ActionIcon, Alert, Box, Button, Divider, Group, NumberInput, Radio, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, ThemeIcon, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { type Icon, IconAlertCircle, IconPlus, IconSettings, IconTrash, IconUsers, IconX } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { describeLimits, type EmailLimits, useEmailLimitsQuery } from '../email/model.ts';
import { useCatalogQuery } from '../segments/model.ts';
import { ConditionSummary } from './Conditions.tsx';
import type { Goal, Graph, OwnLimits, Step, Trigger } from './model.ts';
import { eventWords, kindInfo, PALETTE, type PaletteKey, type Slot, TRIGGER_INFO, type Way, waysOut } from './steps.ts';
import classes from './workflows.module.css';
import { TimeInput, EventSelect, EventFilters, SegmentSelect, dateFields, ConditionBlock } from './fields.tsx';
import { StepForm } from './StepForms.tsx';

export interface Settings {
  name: string;
  description: string;
  holdoutPercent: number;
  /** Its own email limits; null: the workspace's. */
  emailLimits: OwnLimits | null;
}

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
  const limits = useEmailLimitsQuery();
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
      <Stack gap={4}>
        <Text fz="sm" fw={600}>
          Email limits
        </Text>
        <Text fz="sm" data-testid="overview-email-limits">
          {settings.emailLimits ? `Its own: ${lowerFirst(describeOwn(settings.emailLimits, limits.data))}` : `The workspace’s${limits.data ? `: ${lowerFirst(describeLimits(limits.data))}` : '.'}`}
        </Text>
      </Stack>
      <Button variant="light" leftSection={<IconSettings size={16} />} onClick={() => onSelect('settings')}>
        {readOnly ? 'See the settings' : 'Change these settings'}
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
      <PanelHeader icon={IconSettings} color="gray" title="Workflow settings" subtitle="Its name, goal, exits, holdout and email limits" onClose={onClose} />
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
      <Divider />
      <OwnLimitsForm value={settings.emailLimits} readOnly={readOnly} onChange={(emailLimits) => onSettings({ ...settings, emailLimits })} />
    </Stack>
  );
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The limits a workflow with its own is under, in words: a field it leaves out is the workspace's. */
function describeOwn(own: OwnLimits, ws: EmailLimits | undefined): string {
  const pick = <K extends 'perDay' | 'perWeek' | 'quietHours'>(k: K) => (own[k] !== undefined ? own[k] : ws?.[k]);
  const quietHours = pick('quietHours');
  return describeLimits({ perDay: pick('perDay'), perWeek: pick('perWeek'), quietHours: quietHours?.from && quietHours.to ? quietHours : null });
}

const numberOrNull = (v: number | string): number | null => (typeof v === 'number' ? v : v === '' ? null : Number(v));

/**
 * "Email limits for this workflow": the workspace's (null), or its own cap a day and a week and
 * quiet hours. Own limits start as a copy of the workspace's; an empty field is no limit. A field
 * set through the API as the workspace's (left out) shows the workspace's value until changed.
 */
function OwnLimitsForm({ value, readOnly, onChange }: { value: OwnLimits | null; readOnly: boolean; onChange: (v: OwnLimits | null) => void }) {
  const workspace = useEmailLimitsQuery();
  const ws: EmailLimits | undefined = workspace.data;
  const theirs = (n: number | null | undefined) => (ws ? `Workspace’s: ${n ?? 'no limit'}` : 'Workspace’s');
  const quiet = value?.quietHours;
  const setQuiet = (end: 'from' | 'to', time: string) => {
    const next = { from: quiet?.from ?? '', to: quiet?.to ?? '', [end]: time };
    onChange({ ...value, quietHours: next.from || next.to ? next : null });
  };
  return (
    <Box data-testid="workflow-email-limits">
      <Text fz="sm" fw={600}>
        Email limits for this workflow
      </Text>
      <Text fz="xs" c="dimmed" mb={6}>
        How much marketing email it may send each contact (transactional emails are never limited). A change takes effect when saved, without publishing, for contacts already in it too.
      </Text>
      <Radio.Group
        value={value ? 'own' : 'workspace'}
        onChange={(v) => onChange(v === 'own' ? (ws ? { perDay: ws.perDay ?? null, perWeek: ws.perWeek ?? null, quietHours: ws.quietHours ?? null } : {}) : null)}
        aria-label="Email limits for this workflow"
      >
        <Stack gap={6}>
          <Radio value="workspace" label="Use the workspace’s limits" description={ws ? describeLimits(ws) : undefined} disabled={readOnly} />
          <Radio value="own" label="Set its own limits" disabled={readOnly} />
        </Stack>
      </Radio.Group>
      {value && (
        <Stack gap="sm" mt="sm">
          <SimpleGrid cols={2} spacing="sm">
            <NumberInput
              label="Emails a day, at most"
              placeholder={value.perDay === undefined ? theirs(ws?.perDay) : 'No limit'}
              min={1}
              max={100}
              allowDecimal={false}
              allowNegative={false}
              value={value.perDay ?? ''}
              disabled={readOnly}
              onChange={(v) => onChange({ ...value, perDay: numberOrNull(v) })}
            />
            <NumberInput
              label="Emails a week, at most"
              placeholder={value.perWeek === undefined ? theirs(ws?.perWeek) : 'No limit'}
              min={1}
              max={500}
              allowDecimal={false}
              allowNegative={false}
              value={value.perWeek ?? ''}
              disabled={readOnly}
              onChange={(v) => onChange({ ...value, perWeek: numberOrNull(v) })}
            />
          </SimpleGrid>
          <Text fz="xs" c="dimmed" mt={-4}>
            Per contact, by their own calendar; broadcasts and other workflows count too. Empty: no limit.
          </Text>
          <SimpleGrid cols={2} spacing="sm">
            <TextInput type="time" label="Quiet from" value={quiet?.from ?? ''} disabled={readOnly} onChange={(e) => setQuiet('from', e.currentTarget.value)} />
            <TextInput type="time" label="Quiet until" value={quiet?.to ?? ''} disabled={readOnly} onChange={(e) => setQuiet('to', e.currentTarget.value)} />
          </SimpleGrid>
          <Text fz="xs" c="dimmed" mt={-4}>
            {quiet === undefined && ws?.quietHours
              ? `The workspace’s quiet hours apply (${ws.quietHours.from} to ${ws.quietHours.to}) until you set these. `
              : ''}
            Emails due in these hours wait until they end, in each contact’s own time zone. Leave both empty for none.
          </Text>
          <Text fz="xs" c="dimmed">
            The control group is the same for every workflow: it is set in Settings → Email.
          </Text>
        </Stack>
      )}
    </Box>
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

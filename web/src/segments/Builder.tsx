// The definition builder: nested groups ("all of / any of / none of") of conditions on contact
// fields and properties, on events (what, how often, how much, when) and on membership of
// other segments and lists. Every picker is fed by the catalog; the server's complaints are
// shown on the node they are about.
import { ActionIcon, Box, Button, Group, Menu, NumberInput, Select, Stack, Text, Tooltip } from '@mantine/core';
import {
  IconActivity,
  IconChartPie,
  IconFilter,
  IconFolderPlus,
  IconPlus,
  IconShoppingCart,
  IconTrash,
  IconUser,
  IconX,
} from '@tabler/icons-react';
import { createContext, useContext } from 'react';
import { eventLabel } from '../../../src/events/labels.ts';
import { fieldLabel, optionLabel } from './describe.ts';
import {
  type DraftCondition,
  type DraftEvent,
  type DraftField,
  type DraftFilter,
  type DraftGroup,
  type DraftNode,
  type DraftSegment,
  type MeasureMode,
  newCondition,
  newFilter,
  newGroup,
} from './draft.ts';
import {
  AGGREGATE_OPS,
  type AggregateOp,
  COUNT_OPS,
  type CountOp,
  EVENT_FILTER_OPS_FOR_TYPE,
  FIELD_OP_LABELS,
  type FieldOp,
  GROUP_OP_LABELS,
  type GroupOp,
  MAX_DEPTH,
  OPS_FOR_TYPE,
  TIME_OPS,
  type TimeOp,
  type ValueType,
} from '../../../src/segments/vocabulary.ts';
import type { Catalog } from './model.ts';
import { PurchaseConditionEditor } from './PurchaseConditionEditor.tsx';
import { ValueInput, valueFor } from './ValueInput.tsx';
import classes from './segments.module.css';

interface BuilderState {
  catalog: Catalog | undefined;
  /** Messages of the server, by node uid. */
  errors: Map<string, string[]>;
  /** Conditions not finished yet, by uid. */
  unfinished: Set<string>;
  /** Saving was tried: unfinished conditions are shown as problems. */
  flagUnfinished?: boolean;
  /** The segment being edited: it cannot use itself. */
  selfId?: string;
  /** Whether another condition may be added (MAX_CONDITIONS). */
  canAddCondition: boolean;
}

const BuilderContext = createContext<BuilderState>({ catalog: undefined, errors: new Map(), unfinished: new Set(), canAddCondition: true });

export function BuilderProvider({ value, children }: { value: BuilderState; children: React.ReactNode }) {
  return <BuilderContext.Provider value={value}>{children}</BuilderContext.Provider>;
}

const KIND_OPTIONS = [
  { value: 'field', label: 'Contact field' },
  { value: 'purchases', label: 'Orders' },
  { value: 'event', label: 'Event' },
  { value: 'segment', label: 'Segment or list' },
];

const JOINER: Record<GroupOp, string> = { and: 'and', or: 'or', not: 'or' };

// ---- Groups ----------------------------------------------------------------------------------

export function GroupEditor({ group, depth, onChange, onRemove }: { group: DraftGroup; depth: number; onChange: (g: DraftGroup) => void; onRemove?: () => void }) {
  const { errors, canAddCondition } = useContext(BuilderContext);
  const setChild = (i: number, child: DraftNode) => onChange({ ...group, children: group.children.map((c, j) => (j === i ? child : c)) });
  const removeChild = (i: number) => onChange({ ...group, children: group.children.filter((_, j) => j !== i) });
  const add = (node: DraftNode) => onChange({ ...group, children: [...group.children, node] });
  const messages = errors.get(group.uid);
  const canNest = depth < MAX_DEPTH;

  return (
    <Box className={classes.group} data-op={group.op} data-root={depth === 1 || undefined} data-error={messages ? true : undefined} data-testid="group" role="group" aria-label={depth === 1 ? 'Conditions' : `Group, level ${depth}`}>
      <Group justify="space-between" wrap="nowrap" mb="sm">
        <Group gap="xs" wrap="nowrap">
          <Text fz="sm" fw={500}>
            {depth === 1 ? 'Contacts who match' : 'Match'}
          </Text>
          <Select
            aria-label="Match"
            size="xs"
            w={110}
            data={(['and', 'or', 'not'] as const).map((op) => ({ value: op, label: GROUP_OP_LABELS[op] }))}
            value={group.op}
            onChange={(op) => op && onChange({ ...group, op: op as GroupOp })}
          />
          <Text fz="sm" fw={500}>
            these conditions
          </Text>
        </Group>
        {onRemove && (
          <Tooltip label="Remove this group and its conditions">
            <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label="Remove group">
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        )}
      </Group>
      {messages && <Messages messages={messages} />}
      <Stack gap={6}>
        {group.children.length === 0 && (
          <Text fz="sm" c="dimmed" py={4}>
            {depth === 1 ? (group.op === 'or' ? 'No conditions: nobody matches.' : 'No conditions yet: every contact matches.') : 'An empty group: add a condition to it.'}
          </Text>
        )}
        {group.children.map((child, i) => (
          <Box key={child.uid}>
            {i > 0 && <Text className={classes.joiner} my={2}>{JOINER[group.op]}</Text>}
            {child.kind === 'group' ? (
              <GroupEditor group={child} depth={depth + 1} onChange={(g) => setChild(i, g)} onRemove={() => removeChild(i)} />
            ) : (
              <ConditionEditor condition={child} onChange={(c) => setChild(i, c)} onRemove={() => removeChild(i)} />
            )}
          </Box>
        ))}
      </Stack>
      <Group gap="xs" mt="sm">
        <Menu position="bottom-start" shadow="md" width={250}>
          <Menu.Target>
            <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} disabled={!canAddCondition}>
              Add condition
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item leftSection={<IconUser size={16} />} onClick={() => add(newCondition('field'))}>
              Contact field or property
            </Menu.Item>
            <Menu.Item leftSection={<IconShoppingCart size={16} />} onClick={() => add(newCondition('purchases'))}>
              Orders (how many, how much, when)
            </Menu.Item>
            <Menu.Item leftSection={<IconActivity size={16} />} onClick={() => add(newCondition('event'))}>
              Event (what they did)
            </Menu.Item>
            <Menu.Item leftSection={<IconChartPie size={16} />} onClick={() => add(newCondition('segment'))}>
              Member of a segment or list
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
        <Tooltip label={canNest ? 'A group of its own, matched with all of, any of or none of' : `Groups nest at most ${MAX_DEPTH} deep`}>
          <Button variant="subtle" size="xs" leftSection={<IconFolderPlus size={14} />} disabled={!canNest || !canAddCondition} onClick={() => add(newGroup(group.op === 'and' ? 'or' : 'and'))}>
            Add group
          </Button>
        </Tooltip>
      </Group>
    </Box>
  );
}

function Messages({ messages }: { messages: string[] }) {
  return (
    <Stack gap={2} my={4} role="alert">
      {messages.map((m) => (
        <Text key={m} fz="xs" c="red.7">
          {m}
        </Text>
      ))}
    </Stack>
  );
}

// ---- Conditions -------------------------------------------------------------------------------

function ConditionEditor({ condition, onChange, onRemove }: { condition: DraftCondition; onChange: (c: DraftCondition) => void; onRemove: () => void }) {
  const { errors, unfinished, flagUnfinished, catalog } = useContext(BuilderContext);
  const messages = errors.get(condition.uid) ?? (flagUnfinished && unfinished.has(condition.uid) ? ['Finish this condition or remove it.'] : undefined);
  return (
    <Box className={classes.condition} data-error={messages ? true : undefined} data-testid="condition" role="group" aria-label="Condition">
      <Group gap="xs" align="flex-start" wrap="nowrap" className={classes.conditionRow}>
        <Select
          aria-label="Condition type"
          className={classes.conditionKind}
          size="sm"
          w={150}
          data={KIND_OPTIONS}
          value={condition.kind}
          onChange={(kind) => kind && kind !== condition.kind && onChange({ ...newCondition(kind as DraftCondition['kind']), uid: condition.uid })}
          style={{ flexShrink: 0 }}
        />
        <Box style={{ flex: 1, minWidth: 0 }} className={classes.conditionBody}>
          {condition.kind === 'field' ? (
            <FieldConditionEditor condition={condition} onChange={onChange} />
          ) : condition.kind === 'event' ? (
            <EventConditionEditor condition={condition} onChange={onChange} />
          ) : condition.kind === 'purchases' ? (
            <PurchaseConditionEditor condition={condition} onChange={onChange} currencies={catalog?.currencies ?? []} />
          ) : (
            <MembershipEditor condition={condition} onChange={onChange} />
          )}
        </Box>
        <Tooltip label="Remove this condition">
          <ActionIcon variant="subtle" color="gray" onClick={onRemove} aria-label="Remove condition" mt={4}>
            <IconX size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      {messages && <Messages messages={messages} />}
      {!messages && unfinished.has(condition.uid) && (
        <Text fz="xs" c="dimmed" mt={4}>
          Not counted until it is complete.
        </Text>
      )}
    </Box>
  );
}

function FieldConditionEditor({ condition, onChange }: { condition: DraftField; onChange: (c: DraftField) => void }) {
  const { catalog } = useContext(BuilderContext);
  const fields = catalog?.fields ?? [];
  const known = fields.find((f) => f.field === condition.field);
  const type = (known?.type ?? 'string') as ValueType;
  const groups = [
    { group: 'Contact', items: fields.filter((f) => !f.field.startsWith('properties.')).map((f) => ({ value: f.field, label: f.label })) },
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

// ---- Events ------------------------------------------------------------------------------------

const COUNT_LABELS: Record<CountOp, string> = {
  gte: 'at least … times',
  lte: 'at most … times',
  eq: 'exactly … times',
  gt: 'more than … times',
  lt: 'fewer than … times',
};

const MODE_GROUPS: { group: string; items: { value: MeasureMode; label: string }[] }[] = [
  {
    group: 'How often',
    items: [
      { value: 'performed', label: 'was performed' },
      { value: 'not_performed', label: 'was not performed' },
      ...COUNT_OPS.map((op) => ({ value: `count_${op}` as const, label: COUNT_LABELS[op] })),
    ],
  },
  {
    group: 'How much',
    items: [
      { value: 'sum', label: 'total of a property' },
      { value: 'avg', label: 'average of a property' },
      { value: 'min', label: 'lowest of a property' },
      { value: 'max', label: 'highest of a property' },
    ],
  },
  {
    group: 'When',
    items: [
      { value: 'first', label: 'first time' },
      { value: 'last', label: 'last time' },
    ],
  },
];

const TIME_LABELS: Record<TimeOp, string> = {
  before: 'was before',
  after: 'was after',
  within_last_days: 'was within the last … days',
  more_than_days_ago: 'was more than … days ago',
};

const WINDOW_OPTIONS = [
  { value: 'ever', label: 'at any time' },
  { value: 'last_days', label: 'in the last … days' },
  { value: 'between', label: 'between two dates' },
];

function withMode(c: DraftEvent, mode: MeasureMode): DraftEvent {
  if (mode === c.mode) return c;
  if (mode === 'performed' || mode === 'not_performed') return { ...c, mode, measureOp: mode === 'performed' ? 'gte' : 'eq', measureValue: mode === 'performed' ? 1 : 0 };
  if (mode.startsWith('count_')) {
    const keep = c.mode.startsWith('count_') || c.mode === 'performed';
    return { ...c, mode, measureOp: mode.slice('count_'.length) as DraftEvent['measureOp'], measureValue: keep && typeof c.measureValue === 'number' ? c.measureValue : 1 };
  }
  if (mode === 'first' || mode === 'last') {
    const keep = c.mode === 'first' || c.mode === 'last';
    return { ...c, mode, measureOp: keep ? c.measureOp : 'within_last_days', measureValue: keep ? c.measureValue : 30 };
  }
  const keep = c.mode === 'sum' || c.mode === 'avg' || c.mode === 'min' || c.mode === 'max';
  return keep ? { ...c, mode } : { ...c, mode, measureOp: 'gte', measureValue: undefined };
}

function EventConditionEditor({ condition: c, onChange }: { condition: DraftEvent; onChange: (c: DraftEvent) => void }) {
  const { catalog } = useContext(BuilderContext);
  const events = catalog?.events ?? [];
  const event = events.find((e) => e.name === c.event);
  const eventOptions = events.map((e) => ({ value: e.name, label: eventLabel(e.name) }));
  if (c.event && !event) eventOptions.push({ value: c.event, label: eventLabel(c.event) });
  const numeric = (event?.properties ?? []).filter((p) => p.type === 'number').map((p) => p.key);
  if (c.property && !numeric.includes(c.property)) numeric.push(c.property);
  const isCount = c.mode.startsWith('count_');
  const isAggregate = c.mode === 'sum' || c.mode === 'avg' || c.mode === 'min' || c.mode === 'max';
  const isTime = c.mode === 'first' || c.mode === 'last';
  const setWhere = (i: number, f: DraftFilter) => onChange({ ...c, where: c.where.map((w, j) => (j === i ? f : w)) });

  return (
    <Stack gap={6}>
      <Group gap="xs" align="flex-start">
        <Select
          aria-label="Event"
          placeholder={events.length ? 'Choose an event' : 'No events received yet'}
          data={eventOptions}
          value={c.event || null}
          searchable
          w={190}
          onChange={(name) => {
            const props = events.find((e) => e.name === name)?.properties ?? [];
            const nums = props.filter((p) => p.type === 'number').map((p) => p.key);
            // Properties of another event do not carry over.
            onChange({ ...c, event: name ?? '', where: [], property: nums.includes(c.property) ? c.property : nums.length === 1 ? nums[0]! : '' });
          }}
        />
        <Select
          aria-label="Measure"
          data={MODE_GROUPS}
          value={c.mode}
          w={200}
          onChange={(mode) => {
            if (!mode) return;
            const next = withMode(c, mode as MeasureMode);
            onChange(next.property || !(mode === 'sum' || mode === 'avg' || mode === 'min' || mode === 'max') ? next : { ...next, property: numeric.length === 1 ? numeric[0]! : '' });
          }}
        />
        {isCount && (
          <NumberInput
            aria-label="Times"
            min={0}
            allowDecimal={false}
            allowNegative={false}
            w={110}
            rightSection={<Text fz="xs" c="dimmed" pr={8}>times</Text>}
            rightSectionWidth={50}
            value={typeof c.measureValue === 'number' ? c.measureValue : ''}
            onChange={(v) => onChange({ ...c, measureValue: v === '' ? null : Number(v) })}
          />
        )}
        {isAggregate && (
          <>
            <Select
              aria-label="Property"
              placeholder={numeric.length ? 'Numeric property' : 'No numeric property'}
              data={numeric}
              value={c.property || null}
              searchable
              w={160}
              onChange={(p) => onChange({ ...c, property: p ?? '' })}
            />
            <Select
              aria-label="Comparison"
              data={AGGREGATE_OPS.map((o) => ({ value: o, label: FIELD_OP_LABELS[o] }))}
              value={c.measureOp}
              w={160}
              onChange={(op) => op && onChange({ ...c, measureOp: op as AggregateOp, measureValue: valueFor('number', op as FieldOp, c.measureOp as FieldOp, c.measureValue) })}
            />
            <ValueInput type="number" op={c.measureOp as FieldOp} value={c.measureValue} onChange={(measureValue) => onChange({ ...c, measureValue })} label="Amount" />
          </>
        )}
        {isTime && (
          <>
            <Select
              aria-label="When"
              data={TIME_OPS.map((o) => ({ value: o, label: TIME_LABELS[o] }))}
              value={c.measureOp}
              w={230}
              onChange={(op) => {
                if (!op) return;
                const days = op === 'within_last_days' || op === 'more_than_days_ago';
                const wasDays = c.measureOp === 'within_last_days' || c.measureOp === 'more_than_days_ago';
                onChange({ ...c, measureOp: op as TimeOp, measureValue: days === wasDays ? c.measureValue : days ? 30 : undefined });
              }}
            />
            <ValueInput type="date" op={c.measureOp === 'before' || c.measureOp === 'after' ? (c.measureOp as FieldOp) : 'within_last_days'} value={c.measureValue} onChange={(measureValue) => onChange({ ...c, measureValue })} label="When" />
          </>
        )}
      </Group>
      <Group gap="xs" align="flex-start">
        <Select
          aria-label="Time window"
          data={WINDOW_OPTIONS}
          value={c.window.type}
          w={190}
          onChange={(type) =>
            onChange({ ...c, window: type === 'last_days' ? { type, days: 30 } : type === 'between' ? { type, from: '', to: '' } : { type: 'ever' } })
          }
        />
        {c.window.type === 'last_days' && (
          <NumberInput
            aria-label="Window in days"
            min={1}
            max={36_500}
            allowDecimal={false}
            allowNegative={false}
            w={120}
            rightSection={<Text fz="xs" c="dimmed" pr={8}>days</Text>}
            rightSectionWidth={48}
            value={c.window.days ?? ''}
            onChange={(v) => onChange({ ...c, window: { type: 'last_days', days: v === '' ? null : Number(v) } })}
          />
        )}
        {c.window.type === 'between' && (
          <ValueInput
            type="date"
            op="between"
            value={[c.window.from || null, c.window.to || null]}
            onChange={(v) => {
              const [from, to] = Array.isArray(v) ? v : [];
              onChange({ ...c, window: { type: 'between', from: String(from ?? ''), to: String(to ?? '') } });
            }}
            label="Window"
          />
        )}
      </Group>
      {c.where.map((f, i) => (
        <FilterEditor key={f.uid} filter={f} properties={event?.properties ?? []} onChange={(next) => setWhere(i, next)} onRemove={() => onChange({ ...c, where: c.where.filter((_, j) => j !== i) })} />
      ))}
      <Box>
        <Button
          variant="subtle"
          size="compact-xs"
          color="gray"
          leftSection={<IconFilter size={12} />}
          disabled={!c.event || c.where.length >= 10}
          onClick={() => onChange({ ...c, where: [...c.where, newFilter()] })}
        >
          Filter on its properties
        </Button>
      </Box>
    </Stack>
  );
}

function FilterEditor({
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

// ---- Membership --------------------------------------------------------------------------------

function MembershipEditor({ condition, onChange }: { condition: DraftSegment; onChange: (c: DraftSegment) => void }) {
  const { catalog, selfId } = useContext(BuilderContext);
  const all = (catalog?.segments ?? []).filter((s) => s.id !== selfId);
  const groups = [
    { group: 'Segments', items: all.filter((s) => s.kind === 'segment').map((s) => ({ value: s.id, label: s.name })) },
    { group: 'Lists', items: all.filter((s) => s.kind === 'list').map((s) => ({ value: s.id, label: s.name })) },
  ].filter((g) => g.items.length > 0);
  if (condition.segmentId && !all.some((s) => s.id === condition.segmentId)) groups.push({ group: 'Missing', items: [{ value: condition.segmentId, label: 'A deleted segment' }] });
  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label="Membership"
        data={[
          { value: 'true', label: 'is in' },
          { value: 'false', label: 'is not in' },
        ]}
        value={String(condition.member)}
        w={120}
        onChange={(v) => onChange({ ...condition, member: v !== 'false' })}
      />
      <Select
        aria-label="Segment or list"
        placeholder={all.length ? 'Choose a segment or list' : 'No other segments or lists yet'}
        data={groups}
        value={condition.segmentId || null}
        searchable
        w={260}
        onChange={(id) => onChange({ ...condition, segmentId: id ?? '' })}
      />
    </Group>
  );
}

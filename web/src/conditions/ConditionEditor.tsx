// One condition: its kind (contact field, orders, event, membership), the editor of that
// kind, a remove button, and what the server or completeness says about it.
import { ActionIcon, Box, Group, Select, Text, Tooltip } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useConditions } from './context.tsx';
import { type DraftCondition, newCondition } from './draft.ts';
import { EventConditionEditor } from './EventConditionEditor.tsx';
import { FieldConditionEditor } from './FieldConditionEditor.tsx';
import { MembershipEditor } from './MembershipEditor.tsx';
import { Messages } from './Messages.tsx';
import { PurchaseConditionEditor } from './PurchaseConditionEditor.tsx';
import classes from './conditions.module.css';

const KIND_OPTIONS = [
  { value: 'field', label: 'Contact field' },
  { value: 'purchases', label: 'Orders' },
  { value: 'event', label: 'Event' },
  { value: 'segment', label: 'Segment or list' },
];

export function ConditionEditor({ condition, onChange, onRemove }: { condition: DraftCondition; onChange: (c: DraftCondition) => void; onRemove: () => void }) {
  const { errors, unfinished, flagUnfinished, catalog } = useConditions();
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

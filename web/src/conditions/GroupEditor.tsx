// A group of conditions ("all of / any of / none of"), nested up to MAX_DEPTH, with its
// conditions and groups and the buttons that add them.
import { ActionIcon, Box, Button, Group, Menu, Select, Stack, Text, Tooltip } from '@mantine/core';
import { IconActivity, IconChartPie, IconFolderPlus, IconPlus, IconShoppingCart, IconTrash, IconUser } from '@tabler/icons-react';
import { GROUP_OP_LABELS, type GroupOp, MAX_DEPTH } from '../../../src/segments/vocabulary.ts';
import { ConditionEditor } from './ConditionEditor.tsx';
import { useConditions } from './context.tsx';
import { type DraftGroup, type DraftNode, newCondition, newGroup } from './draft.ts';
import { Messages } from './Messages.tsx';
import classes from './conditions.module.css';

const JOINER: Record<GroupOp, string> = { and: 'and', or: 'or', not: 'or' };

export function GroupEditor({ group, depth, onChange, onRemove }: { group: DraftGroup; depth: number; onChange: (g: DraftGroup) => void; onRemove?: () => void }) {
  const { errors, canAddCondition } = useConditions();
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

// Which columns the contacts table shows, remembered per workspace in this browser: contact
// fields, the scores the retention models predict, and properties.
import { Button, Checkbox, Divider, Popover, ScrollArea, Stack, Text } from '@mantine/core';
import { IconColumns3 } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useWorkspace } from '../lib/session.ts';
import { type FieldInfo, isScore } from './model.ts';

const DEFAULT_COLUMNS = ['email', 'phone', 'lifecycle_stage', 'email_status', 'created_at'];

function read(key: string): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? 'null') as unknown;
    return Array.isArray(saved) && saved.every((x) => typeof x === 'string') ? saved : DEFAULT_COLUMNS;
  } catch {
    return DEFAULT_COLUMNS;
  }
}

/** The chosen column ids, and a setter that remembers them. */
export function useColumns(): [string[], (next: string[]) => void] {
  const key = `rapport.contacts.columns.${useWorkspace().id}`;
  const [state, setState] = useState(() => ({ key, columns: read(key) }));
  // Another workspace: its own choice (state is keyed, so a switch re-reads it).
  const columns = state.key === key ? state.columns : read(key);
  const set = useCallback(
    (next: string[]) => {
      localStorage.setItem(key, JSON.stringify(next));
      setState({ key, columns: next });
    },
    [key],
  );
  return [columns, set];
}

export function ColumnChooser({ fields, columns, onChange }: { fields: FieldInfo[]; columns: string[]; onChange: (c: string[]) => void }) {
  const toggle = (id: string, on: boolean) => {
    // Keep the order of `fields`, so columns do not jump around as they are switched.
    const next = new Set(columns);
    if (on) next.add(id);
    else next.delete(id);
    onChange(fields.map((f) => f.id).filter((f) => next.has(f)));
  };
  const group = (title: string, list: FieldInfo[]) =>
    list.length > 0 && (
      <Stack gap={8}>
        <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em">
          {title}
        </Text>
        {list.map((f) => (
          <Checkbox key={f.id} label={f.label} checked={columns.includes(f.id)} onChange={(e) => toggle(f.id, e.currentTarget.checked)} />
        ))}
      </Stack>
    );
  return (
    <Popover position="bottom-end" shadow="md" width={260} withinPortal>
      <Popover.Target>
        <Button variant="default" leftSection={<IconColumns3 size={16} stroke={1.7} />}>
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown p="md" aria-label="Choose columns">
        <ScrollArea.Autosize mah={420} type="auto" offsetScrollbars>
          <Stack gap="md">
            {group('Contact', fields.filter((f) => f.builtIn))}
            {fields.some(isScore) && <Divider />}
            {group('Predicted (Retention)', fields.filter(isScore))}
            {fields.some((f) => !f.builtIn && !isScore(f)) && <Divider />}
            {group('Properties', fields.filter((f) => !f.builtIn && !isScore(f)))}
          </Stack>
        </ScrollArea.Autosize>
        <Button variant="subtle" size="compact-sm" color="gray" mt="md" onClick={() => onChange(DEFAULT_COLUMNS)}>
          Reset to default
        </Button>
      </Popover.Dropdown>
    </Popover>
  );
}

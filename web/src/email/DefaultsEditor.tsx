// The template's fallbacks: a value for each merge field a contact may not have, so that no
// one reads "Hi ,". Rows being typed stay here until their path is a valid one.
import { ActionIcon, Autocomplete, Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { usePropertiesQuery } from '../contacts/model.ts';

/** As the server checks it (src/messaging/contract.ts). */
const PATH = /^(contact|workspace|event)\.[a-z0-9_.]{1,100}$/;
const MAX_ROWS = 50;
const BUILT_IN = ['contact.first_name', 'contact.last_name', 'contact.email', 'contact.phone', 'contact.lifecycle_stage', 'workspace.name', 'workspace.postal_address'];

interface Row {
  key: number;
  path: string;
  value: string;
}

interface DefaultsEditorProps {
  value: Record<string, string>;
  onChange: (defaults: Record<string, string>) => void;
  readOnly?: boolean;
  error?: string;
}

export function DefaultsEditor({ value, onChange, readOnly, error }: DefaultsEditorProps) {
  const [rows, setRows] = useState<Row[]>(() => Object.entries(value).map(([path, v], i) => ({ key: i, path, value: v })));
  const [nextKey, setNextKey] = useState(rows.length);
  const properties = usePropertiesQuery();
  const suggestions = [...BUILT_IN, ...(properties.data ?? []).map((p) => `contact.properties.${p.key}`)];

  const emit = (next: Row[]) => {
    setRows(next);
    const out: Record<string, string> = {};
    for (const r of next) if (PATH.test(r.path.trim()) && !(r.path.trim() in out)) out[r.path.trim()] = r.value;
    onChange(out);
  };
  const update = (key: number, patch: Partial<Row>) => emit(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const pathError = (r: Row, i: number) => {
    const p = r.path.trim();
    if (!p) return undefined;
    if (!PATH.test(p)) return 'A path like contact.first_name (lower case)';
    if (rows.findIndex((o) => o.path.trim() === p) !== i) return 'This field has a fallback already';
    return undefined;
  };

  return (
    <Stack gap="xs" data-testid="defaults-editor">
      {rows.length === 0 && (
        <Text fz="sm" c="dimmed">
          No fallbacks yet. Add one for each field a contact may not have, like contact.first_name → “there”.
        </Text>
      )}
      {rows.map((r, i) => (
        <Group key={r.key} gap="xs" align="flex-start" wrap="nowrap">
          <Autocomplete
            aria-label="Merge field"
            placeholder="contact.first_name"
            data={suggestions}
            value={r.path}
            onChange={(path) => update(r.key, { path })}
            error={pathError(r, i)}
            readOnly={readOnly}
            flex={1}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          />
          <Text pt={6} c="dimmed" aria-hidden>
            →
          </Text>
          <TextInput aria-label="Fallback" placeholder="there" value={r.value} onChange={(e) => update(r.key, { value: e.currentTarget.value })} readOnly={readOnly} flex={1} />
          {!readOnly && (
            <ActionIcon variant="subtle" color="gray" mt={4} aria-label={`Remove the fallback of ${r.path || 'this field'}`} onClick={() => emit(rows.filter((o) => o.key !== r.key))}>
              <IconTrash size={16} />
            </ActionIcon>
          )}
        </Group>
      ))}
      {error && (
        <Text fz="xs" c="red">
          {error}
        </Text>
      )}
      {!readOnly && rows.length < MAX_ROWS && (
        <Group>
          <Button
            variant="subtle"
            size="xs"
            leftSection={<IconPlus size={14} />}
            onClick={() => {
              setRows([...rows, { key: nextKey, path: '', value: '' }]);
              setNextKey(nextKey + 1);
            }}
          >
            Add a fallback
          </Button>
        </Group>
      )}
    </Stack>
  );
}

// What changed on a contact: field, from, to, when and who (the web app, an API key, an import,
// an unsubscribe link, the email provider…).
import { Badge, Button, Center, EmptyState, Group, Table, Text, Tooltip } from '@mantine/core';
import { IconArrowRight, IconHistory } from '@tabler/icons-react';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { SOURCE_LABELS } from './consent.ts';
import { formatValue } from './format.ts';
import { BUILT_IN_FIELDS, type FieldInfo, type PropertyDefinition, useChangesQuery } from './model.ts';

export function HistoryTab({ contactId, defs }: { contactId: string; defs: PropertyDefinition[] }) {
  const changes = useChangesQuery(contactId);
  if (changes.isPending) return <LoadingBlock label="Loading history" />;
  if (changes.isError) return <ErrorBlock error={changes.error} onRetry={() => void changes.refetch()} />;
  const items = changes.data.pages.flatMap((p) => p.items);
  if (items.length === 0) {
    return (
      <EmptyState
        py={40}
        variant="light"
        color="gray"
        icon={<IconHistory size={26} />}
        title="No changes yet"
        description="Every change to this contact’s fields and properties is recorded here, with who made it."
      />
    );
  }
  const fieldOf = (name: string): FieldInfo => {
    if (name.startsWith('properties.')) {
      const key = name.slice('properties.'.length);
      const def = defs.find((d) => d.key === key);
      return { id: name, label: def?.label ?? key, type: def?.type ?? 'string', builtIn: false };
    }
    return BUILT_IN_FIELDS.find((f) => f.id === name) ?? { id: name, label: name, type: 'string', builtIn: true };
  };
  const show = (field: FieldInfo, v: unknown) => {
    const text = v === null || v === undefined ? '' : formatValue(field, v as string);
    return text ? (
      <Text span fz="sm">
        {text}
      </Text>
    ) : (
      <Text span fz="sm" c="dimmed" fs="italic">
        empty
      </Text>
    );
  };
  return (
    <>
      <Table verticalSpacing="sm" horizontalSpacing="sm" aria-label="Change history">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={150}>When</Table.Th>
            <Table.Th w={160}>Field</Table.Th>
            <Table.Th>Change</Table.Th>
            <Table.Th w={100}>By</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => {
            const field = fieldOf(c.field);
            const source = SOURCE_LABELS[c.source] ?? { label: c.source, color: 'gray' };
            return (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Tooltip label={formatDateTime(c.changedAt)}>
                    <Text fz="sm" c="dimmed" span>
                      {fromNow(c.changedAt)}
                    </Text>
                  </Tooltip>
                </Table.Td>
                <Table.Td>
                  <Text fz="sm" fw={600}>
                    {field.label}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={8} wrap="nowrap">
                    {show(field, c.oldValue)}
                    <IconArrowRight size={14} color="var(--mantine-color-gray-5)" style={{ flexShrink: 0 }} />
                    {show(field, c.newValue)}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Badge color={source.color} variant="light">
                    {source.label}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      {changes.hasNextPage && (
        <Center pt="md">
          <Button variant="subtle" size="xs" loading={changes.isFetchingNextPage} onClick={() => void changes.fetchNextPage()}>
            Show older changes
          </Button>
        </Center>
      )}
    </>
  );
}

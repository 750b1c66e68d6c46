// Settings › Properties: the typed custom fields every contact can have.
import { Alert, Badge, Button, Card, Code, EmptyState, Group, Modal, Select, Stack, Table, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconForms, IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { PROPERTY_KEY_PATTERN, PROPERTY_TYPES, toPropertyKey } from '../../../src/contacts/fields.ts';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { TYPE_LABELS, type PropertyDefinition, usePropertiesQuery } from '../contacts/model.ts';
import { ApiError, api, errorMessage } from '../lib/api.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';

const TYPE_COLORS: Record<PropertyDefinition['type'], string> = { string: 'gray', number: 'blue', boolean: 'teal', date: 'orange', enum: 'violet', country: 'cyan' };
const TYPE_HINTS: Record<PropertyDefinition['type'], string> = {
  string: 'Any text, like a city or a company name',
  number: 'Numbers, like lifetime spend or a score',
  boolean: 'Yes or no, like “Accepts SMS”',
  date: 'A day, like a birthday or a renewal date',
  enum: 'One of a fixed list of choices, like a loyalty tier',
  country: 'A country, kept as its code (GB) and shown by name; imports read names in several languages',
};

export function PropertiesSettings() {
  const isAdmin = roleAtLeast(useWorkspace().role, 'admin');
  const properties = usePropertiesQuery();
  const [editing, setEditing] = useState<PropertyDefinition | 'new' | null>(null);
  const [deleting, setDeleting] = useState<PropertyDefinition | null>(null);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('properties');
  const contactsKey = useWorkspaceKey('contacts');
  const remove = useMutation({
    mutationFn: (d: PropertyDefinition) => api.delete(`/properties/${d.key}`),
    onSuccess: (_r, d) => {
      notifySuccess(`${d.label} was deleted, with its value on every contact.`, 'Property deleted');
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: contactsKey });
    },
    onError: (err) => notifyError(err, 'Could not delete the property'),
  });

  return (
    <Card>
      <SectionHeader
        title="Contact properties"
        description="Typed fields every contact can have, beyond name, email and phone. Imports, the tracking API, filters and segments use them."
        actions={
          isAdmin && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
              New property
            </Button>
          )
        }
      />
      {properties.isPending ? (
        <LoadingBlock />
      ) : properties.isError ? (
        <ErrorBlock error={properties.error} onRetry={() => void properties.refetch()} />
      ) : properties.data.length === 0 ? (
        <Card withBorder={false} bg="gray.0" radius="md" py={40}>
          <EmptyState
            variant="light"
            icon={<IconForms size={26} />}
            title="No properties yet"
            description="Define what you know about your customers: a loyalty tier, a birthday, lifetime spend. Imports can also create them from a spreadsheet’s columns."
          >
            {isAdmin && (
              <EmptyState.Actions>
                <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                  Define your first property
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        </Card>
      ) : (
        <Table.ScrollContainer minWidth={720} type="native">
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Property</Table.Th>
                <Table.Th w={200}>Key</Table.Th>
                <Table.Th w={110}>Type</Table.Th>
                <Table.Th>Choices</Table.Th>
                {isAdmin && <Table.Th w={110} aria-label="Actions" />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {properties.data.map((d) => (
                <Table.Tr key={d.key}>
                  <Table.Td>
                    <Text fz="sm" fw={600}>
                      {d.label}
                    </Text>
                    {d.description && (
                      <Text fz="xs" c="dimmed" lineClamp={1}>
                        {d.description}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Code fz="xs">{d.key}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={TYPE_COLORS[d.type]}>{TYPE_LABELS[d.type]}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" c="dimmed" lineClamp={1}>
                      {d.type === 'enum' ? d.options.join(', ') : ''}
                    </Text>
                  </Table.Td>
                  {isAdmin && (
                    <Table.Td ta="right">
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button variant="subtle" size="xs" leftSection={<IconPencil size={14} />} onClick={() => setEditing(d)} aria-label={`Edit ${d.label}`}>
                          Edit
                        </Button>
                        <Button variant="subtle" color="red" size="xs" onClick={() => setDeleting(d)} aria-label={`Delete ${d.label}`}>
                          <IconTrash size={14} />
                        </Button>
                      </Group>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <PropertyModal editing={editing} onClose={() => setEditing(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title={`Delete ${deleting?.label ?? 'property'}?`}
        confirmLabel="Delete property"
        loading={remove.isPending}
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => setDeleting(null)}
      >
        Its value is removed from every contact (each removal is recorded in the contact’s history). Filters and segments that use it stop
        working. This cannot be undone.
      </ConfirmModal>
    </Card>
  );
}

function PropertyModal({ editing, onClose }: { editing: PropertyDefinition | 'new' | null; onClose: () => void }) {
  const existing = editing !== 'new' ? editing : null;
  return (
    <Modal opened={editing !== null} onClose={onClose} title={<Text fw={650}>{existing ? `Edit ${existing.label}` : 'New property'}</Text>} size="lg">
      {editing !== null && <PropertyForm key={existing?.key ?? 'new'} existing={existing} onClose={onClose} />}
    </Modal>
  );
}

function PropertyForm({ existing, onClose }: { existing: PropertyDefinition | null; onClose: () => void }) {
  const form = useForm({
    initialValues: {
      label: existing?.label ?? '',
      key: existing?.key ?? '',
      type: existing?.type ?? ('string' as PropertyDefinition['type']),
      description: existing?.description ?? '',
      options: existing?.options ?? ([] as string[]),
    },
    validate: {
      label: (v) => (v.trim() ? null : 'Name the property, like “Loyalty tier”'),
      key: (v) => (existing || PROPERTY_KEY_PATTERN.test(v) ? null : 'Lower-case letters, digits and underscores, starting with a letter'),
      options: (v, all) => (all.type === 'enum' && v.length === 0 ? 'List the choices, pressing Enter after each' : null),
    },
  });
  // The key follows the label until someone edits it by hand.
  const [keyTouched, setKeyTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('properties');
  const save = useMutation({
    mutationFn: (v: typeof form.values) =>
      existing
        ? api.patch<PropertyDefinition>(`/properties/${existing.key}`, {
            label: v.label,
            description: v.description,
            ...(existing.type === 'enum' ? { options: v.options } : {}),
          })
        : api.post<PropertyDefinition>('/properties', { ...v, options: v.type === 'enum' ? v.options : [] }),
    onSuccess: (d) => {
      notifySuccess(existing ? `${d.label} was updated.` : `Contacts can now have a ${d.label}.`, existing ? 'Property updated' : 'Property created');
      void queryClient.invalidateQueries({ queryKey: key });
      onClose();
    },
    onError: (err) => {
      if (err instanceof ApiError) form.setErrors(err.fieldErrors);
      setError(errorMessage(err));
    },
  });
  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <TextInput
          label="Label"
          placeholder="Loyalty tier"
          data-autofocus
          {...form.getInputProps('label')}
          onChange={(e) => {
            form.setFieldValue('label', e.currentTarget.value);
            if (!existing && !keyTouched) form.setFieldValue('key', e.currentTarget.value.trim() ? toPropertyKey(e.currentTarget.value) : '');
          }}
        />
        <TextInput
          label="Key"
          description={existing ? 'The key cannot change: imports and the API use it.' : 'How imports, the API and merge fields name it.'}
          disabled={Boolean(existing)}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          {...form.getInputProps('key')}
          onChange={(e) => {
            setKeyTouched(true);
            form.setFieldValue('key', e.currentTarget.value);
          }}
        />
        <Select
          label="Type"
          description={existing ? 'The type cannot change once contacts may have values.' : TYPE_HINTS[form.values.type]}
          disabled={Boolean(existing)}
          data={PROPERTY_TYPES.map((t) => ({ value: t, label: TYPE_LABELS[t] }))}
          {...form.getInputProps('type')}
        />
        {form.values.type === 'enum' && (
          <TagsInput
            label="Choices"
            description="Press Enter after each choice. A choice that contacts still have cannot be removed."
            placeholder="Bronze, Silver, Gold…"
            {...form.getInputProps('options')}
          />
        )}
        <Textarea label="Description" placeholder="What it means and where it comes from (optional)" autosize minRows={2} {...form.getInputProps('description')} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {existing ? 'Save' : 'Create property'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

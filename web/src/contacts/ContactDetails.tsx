// A contact's fields and properties: read as a list, edited with an input that fits each
// type (number, date, yes/no switch, choice), saved as one change of what was changed.
import { Alert, Anchor, Button, Card, DataList, Group, NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPencil } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { EMAIL_STATUSES, LIFECYCLE_STAGES } from '../../../src/contacts/fields.ts';
import { ApiError, api, errorMessage } from '../lib/api.ts';
import { countryOptions } from '../lib/countries.ts';
import { formatDateTime } from '../lib/format.ts';
import { notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { formatValue } from './format.ts';
import { type Contact, type ContactDetail, EMAIL_STATUS_LABELS, LIFECYCLE_LABELS, type PropertyDefinition, type PropertyValue } from './model.ts';

const BUILT_INS = [
  { key: 'email', label: 'Email' },
  { key: 'firstName', label: 'First name' },
  { key: 'lastName', label: 'Last name' },
  { key: 'phone', label: 'Phone' },
  { key: 'externalId', label: 'External ID' },
] as const;
type BuiltInKey = (typeof BUILT_INS)[number]['key'] | 'lifecycleStage' | 'emailStatus';
type FormValue = string | number | boolean;
interface Values {
  fields: Record<BuiltInKey, string>;
  properties: Record<string, FormValue>;
}

function toValues(c: Contact, defs: PropertyDefinition[]): Values {
  const fields = Object.fromEntries([...BUILT_INS.map((b) => b.key), 'lifecycleStage', 'emailStatus'].map((k) => [k, (c[k as BuiltInKey] as string | null) ?? ''])) as Values['fields'];
  const properties = Object.fromEntries(
    defs.map((d) => {
      const v = c.properties[d.key];
      if (d.type === 'boolean') return [d.key, v === true];
      if (d.type === 'date' && typeof v === 'string') return [d.key, v.slice(0, 10)];
      return [d.key, v ?? ''];
    }),
  );
  return { fields, properties };
}

export function ContactDetails({ contact, defs }: { contact: Contact; defs: PropertyDefinition[] }) {
  const [editing, setEditing] = useState(false);
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  return (
    <Card>
      <Group justify="space-between" mb="md">
        <Text fw={650}>Details</Text>
        {canWrite && !editing && (
          <Button variant="subtle" size="compact-sm" leftSection={<IconPencil size={14} />} onClick={() => setEditing(true)}>
            Edit
          </Button>
        )}
      </Group>
      {editing ? <EditForm contact={contact} defs={defs} onDone={() => setEditing(false)} /> : <ReadView contact={contact} defs={defs} />}
    </Card>
  );
}

function ReadView({ contact, defs }: { contact: Contact; defs: PropertyDefinition[] }) {
  const none = (
    <Text span fz="sm" c="gray.5">
      —
    </Text>
  );
  return (
    <Stack gap="lg">
      <DataList labelWidth={120} gap={10}>
        {BUILT_INS.map((b) => (
          <DataList.Item key={b.key}>
            <DataList.ItemLabel c="dimmed">{b.label}</DataList.ItemLabel>
            <DataList.ItemValue style={{ wordBreak: 'break-word' }}>{contact[b.key] || none}</DataList.ItemValue>
          </DataList.Item>
        ))}
        <DataList.Item>
          <DataList.ItemLabel c="dimmed">Created</DataList.ItemLabel>
          <DataList.ItemValue>{formatDateTime(contact.createdAt)}</DataList.ItemValue>
        </DataList.Item>
      </DataList>
      <Stack gap={8}>
        <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em">
          Properties
        </Text>
        {defs.length === 0 ? (
          <Text fz="sm" c="dimmed">
            No properties are defined yet.{' '}
            <Anchor component={Link} to="/settings/properties" fz="sm">
              Define properties
            </Anchor>
          </Text>
        ) : (
          <DataList labelWidth={120} gap={10}>
            {defs.map((d) => (
              <DataList.Item key={d.key}>
                <DataList.ItemLabel c="dimmed">{d.label}</DataList.ItemLabel>
                <DataList.ItemValue>{formatValue(d, contact.properties[d.key] ?? null) || none}</DataList.ItemValue>
              </DataList.Item>
            ))}
          </DataList>
        )}
      </Stack>
    </Stack>
  );
}

function EditForm({ contact, defs, onDone }: { contact: Contact; defs: PropertyDefinition[]; onDone: () => void }) {
  const initial = toValues(contact, defs);
  const form = useForm<Values>({ initialValues: initial });
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('contacts');
  const save = useMutation({
    mutationFn: (values: Values) => {
      // Only what changed, so the history records exactly what the person edited.
      const body: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(values.fields)) {
        if (v !== initial.fields[k as BuiltInKey]) body[k] = k === 'emailStatus' ? v : v.trim() === '' ? null : v.trim();
      }
      const properties: Record<string, PropertyValue | null> = {};
      for (const d of defs) {
        const v = values.properties[d.key];
        if (v !== initial.properties[d.key]) properties[d.key] = v === '' || v === undefined ? null : v;
      }
      if (Object.keys(properties).length > 0) body.properties = properties;
      return Object.keys(body).length === 0 ? Promise.resolve(contact) : api.patch<Contact>(`/contacts/${contact.id}`, body);
    },
    onSuccess: (updated) => {
      // The edit answers with the contact alone: the page's copy keeps its order summary.
      queryClient.setQueryData<ContactDetail>([...key, 'one', contact.id], (old) => (old ? { ...old, ...updated } : old));
      void queryClient.invalidateQueries({ queryKey: key });
      if (updated !== contact) notifySuccess('The changes are saved and recorded in the history.', 'Contact updated');
      onDone();
    },
    onError: (err) => {
      // "body.properties.plan" → the "properties.plan" input; "body.email" → "fields.email".
      if (err instanceof ApiError && Array.isArray(err.details)) {
        const errors: Record<string, string> = {};
        for (const [path, message] of Object.entries(err.fieldErrors)) errors[path.startsWith('properties.') ? path : `fields.${path}`] = message;
        form.setErrors(errors);
      }
      setError(errorMessage(err));
    },
  });

  return (
    <form onSubmit={form.onSubmit((v) => save.mutate(v))} noValidate>
      <Stack gap="sm">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        {BUILT_INS.map((b) => (
          <TextInput key={b.key} label={b.label} {...form.getInputProps(`fields.${b.key}`)} />
        ))}
        <Select
          label="Lifecycle stage"
          placeholder="Not set"
          clearable
          allowDeselect
          data={LIFECYCLE_STAGES.map((s) => ({ value: s, label: LIFECYCLE_LABELS[s] }))}
          value={form.values.fields.lifecycleStage || null}
          onChange={(v) => form.setFieldValue('fields.lifecycleStage', v ?? '')}
        />
        <Select
          label="Email status"
          description="Subscribed only when they agreed to receive marketing email; the change is kept in their consent record."
          data={EMAIL_STATUSES.map((s) => ({ value: s, label: EMAIL_STATUS_LABELS[s] }))}
          value={form.values.fields.emailStatus}
          onChange={(v) => v && form.setFieldValue('fields.emailStatus', v)}
        />
        {defs.length > 0 && (
          <Text fz="xs" fw={600} c="dimmed" tt="uppercase" lts="0.04em" mt="sm">
            Properties
          </Text>
        )}
        {defs.map((d) => (
          <PropertyInput key={d.key} def={d} inputProps={form.getInputProps(`properties.${d.key}`, d.type === 'boolean' ? { type: 'checkbox' } : undefined)} />
        ))}
        <Group justify="flex-end" gap="sm" mt="sm">
          <Button variant="default" onClick={onDone} disabled={save.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The input that fits a property's type. */
function PropertyInput({ def, inputProps }: { def: PropertyDefinition; inputProps: ReturnType<ReturnType<typeof useForm<Values>>['getInputProps']> }) {
  const description = def.description || undefined;
  switch (def.type) {
    case 'number':
      return <NumberInput label={def.label} description={description} {...inputProps} />;
    case 'boolean':
      return <Switch label={def.label} description={description} {...inputProps} mt={4} />;
    case 'date':
      return <TextInput type="date" label={def.label} description={description} {...inputProps} />;
    case 'enum':
      return (
        <Select
          label={def.label}
          description={description}
          data={def.options}
          placeholder="Not set"
          clearable
          allowDeselect
          {...inputProps}
          value={(inputProps.value as string) || null}
          onChange={(v) => inputProps.onChange(v ?? '')}
        />
      );
    case 'country':
      return (
        <Select
          label={def.label}
          description={description}
          data={countryOptions()}
          placeholder="Not set"
          searchable
          clearable
          {...inputProps}
          value={(inputProps.value as string) || null}
          onChange={(v) => inputProps.onChange(v ?? '')}
        />
      );
    default:
      return <TextInput label={def.label} description={description} {...inputProps} />;
  }
}

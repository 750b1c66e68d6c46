import { Alert, Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { LIFECYCLE_STAGES } from '../../../src/contacts/fields.ts';
import { api } from '../lib/api.ts';
import { applyFormError, notifySuccess } from '../lib/notify.tsx';
import { useWorkspaceKey } from '../lib/session.ts';
import { type Contact, displayName, LIFECYCLE_LABELS } from './model.ts';

const EMPTY = { email: '', firstName: '', lastName: '', phone: '', externalId: '', lifecycleStage: '', agreed: false };
type Values = typeof EMPTY;

export function NewContactModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const form = useForm({
    initialValues: EMPTY,
    validate: {
      email: (v, all) =>
        !v.trim() && !all.firstName.trim() && !all.lastName.trim() && !all.phone.trim() && !all.externalId.trim()
          ? 'Give at least an email, a name or a phone number'
          : v.trim() && !/^\S+@\S+$/.test(v.trim())
            ? 'Enter an email address, like ada@example.com'
            : null,
    },
  });
  const [error, setError] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('contacts');
  const navigate = useNavigate();
  const close = () => {
    form.reset();
    setError(null);
    onClose();
  };
  const create = useMutation({
    mutationFn: ({ agreed, ...values }: Values) => {
      const body: Record<string, string> = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== '').map(([k, v]) => [k, v.trim()]));
      // Consent is stated, never assumed: unticked, the contact is not subscribed.
      if (body.email) body.emailStatus = agreed ? 'subscribed' : 'not_subscribed';
      return api.post<Contact>('/contacts', body);
    },
    onSuccess: (contact) => {
      void queryClient.invalidateQueries({ queryKey: key });
      notifySuccess(`${displayName(contact)} was added.`, 'Contact created');
      close();
      navigate(`/contacts/${contact.id}`);
    },
    onError: (err) => setError(applyFormError(form, err)),
  });

  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>New contact</Text>} size="lg">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))} noValidate>
        <Stack gap="md">
          {error && (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          )}
          <TextInput label="Email" placeholder="ada@example.com" type="email" data-autofocus {...form.getInputProps('email')} />
          <SimpleGrid cols={2}>
            <TextInput label="First name" {...form.getInputProps('firstName')} />
            <TextInput label="Last name" {...form.getInputProps('lastName')} />
            <TextInput label="Phone" placeholder="+44 7911 123456" {...form.getInputProps('phone')} />
            <TextInput label="External ID" description="The id in your shop or app" {...form.getInputProps('externalId')} />
          </SimpleGrid>
          <Select
            label="Lifecycle stage"
            placeholder="Not set"
            clearable
            allowDeselect
            data={LIFECYCLE_STAGES.map((s) => ({ value: s, label: LIFECYCLE_LABELS[s] }))}
            {...form.getInputProps('lifecycleStage')}
            value={form.values.lifecycleStage || null}
            onChange={(v) => form.setFieldValue('lifecycleStage', v ?? '')}
          />
          <Checkbox
            label="This person agreed to receive marketing email"
            description={
              form.values.email.trim()
                ? 'Only tick this if they said yes (a sign-up form, a ticked box at checkout). Otherwise they are added as not subscribed and get no broadcasts.'
                : 'Needs an email address.'
            }
            disabled={!form.values.email.trim()}
            {...form.getInputProps('agreed', { type: 'checkbox' })}
          />
          <Text fz="xs" c="dimmed">
            Custom properties can be filled in on the contact’s page once it exists.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create contact
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

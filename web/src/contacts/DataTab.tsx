// GDPR: download everything held about the contact, or erase them.
import { Alert, Button, Card, Group, List, Modal, Stack, Text, TextInput, ThemeIcon } from '@mantine/core';
import { IconDownload, IconFileDescription, IconShieldX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, download, errorMessage } from '../lib/api.ts';
import { notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { type Contact, displayName } from './model.ts';

export function DataTab({ contact }: { contact: Contact }) {
  const isAdmin = roleAtLeast(useWorkspace().role, 'admin');
  const [erasing, setErasing] = useState(false);
  return (
    <Stack gap="md">
      <Card withBorder radius="md" p="lg">
        <Group wrap="nowrap" align="flex-start" gap="md">
          <ThemeIcon size={40} radius="md" variant="light">
            <IconFileDescription size={22} stroke={1.6} />
          </ThemeIcon>
          <Stack gap={6} style={{ flex: 1 }}>
            <Text fw={650}>Export this contact’s data</Text>
            <Text fz="sm" c="dimmed">
              One JSON file with everything Rapport holds about {displayName(contact)}: fields, properties and what they mean, the change
              history, every event and linked device ids. Send it to answer a subject access request (GDPR article 15).
            </Text>
          </Stack>
          <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => download(`/contacts/${contact.id}/gdpr-export`)}>
            Download JSON
          </Button>
        </Group>
      </Card>
      <Card withBorder radius="md" p="lg" style={{ borderColor: 'var(--mantine-color-red-2)' }}>
        <Group wrap="nowrap" align="flex-start" gap="md">
          <ThemeIcon size={40} radius="md" variant="light" color="red">
            <IconShieldX size={22} stroke={1.6} />
          </ThemeIcon>
          <Stack gap={6} style={{ flex: 1 }}>
            <Text fw={650}>Erase this contact</Text>
            <Text fz="sm" c="dimmed">
              Deletes their fields, properties, activity and history for good (GDPR article 17). Only a one-way hash of the email address is
              kept, so that they are never emailed again by accident, for example after a later import.
            </Text>
            {!isAdmin && (
              <Text fz="sm" c="dimmed" fs="italic">
                Only admins and owners can erase contacts.
              </Text>
            )}
          </Stack>
          <Button color="red" variant="light" onClick={() => setErasing(true)} disabled={!isAdmin}>
            Erase…
          </Button>
        </Group>
      </Card>
      <EraseModal contact={contact} opened={erasing} onClose={() => setErasing(false)} />
    </Stack>
  );
}

function EraseModal({ contact, opened, onClose }: { contact: Contact; opened: boolean; onClose: () => void }) {
  // Typing what is erased makes the decision deliberate; the email names the person best.
  const phrase = contact.email ?? 'erase';
  const [typed, setTyped] = useState('');
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('contacts');
  const navigate = useNavigate();
  const erase = useMutation({
    mutationFn: () => api.post<{ eventsDeleted: number }>(`/contacts/${contact.id}/erase`),
    onSuccess: (r) => {
      notifySuccess(`${displayName(contact)} and ${r.eventsDeleted.toLocaleString('en')} events were erased.`, 'Contact erased');
      queryClient.removeQueries({ queryKey: [...key, 'one', contact.id] });
      void queryClient.invalidateQueries({ queryKey: key });
      navigate('/contacts', { replace: true });
    },
  });
  const close = () => {
    setTyped('');
    erase.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={650}>Erase {displayName(contact)}?</Text>} size="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim().toLowerCase() === phrase.toLowerCase()) erase.mutate();
        }}
      >
        <Stack gap="md">
          <Text fz="sm">This cannot be undone. Rapport will delete:</Text>
          <List size="sm" spacing={4}>
            <List.Item>the contact, its fields and properties</List.Item>
            <List.Item>every event on its timeline and its change history</List.Item>
            <List.Item>the browser and device ids linked to it</List.Item>
          </List>
          {erase.isError && (
            <Alert color="red" variant="light">
              {errorMessage(erase.error)}
            </Alert>
          )}
          <TextInput
            label={
              <>
                Type <b>{phrase}</b> to confirm
              </>
            }
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            autoComplete="off"
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={erase.isPending}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={erase.isPending} disabled={typed.trim().toLowerCase() !== phrase.toLowerCase()}>
              Erase for good
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

import { ActionIcon, Anchor, Avatar, Badge, Box, Card, Grid, Group, Menu, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconActivity, IconChevronLeft, IconDatabase, IconDots, IconHistory, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { NotFoundPage } from '../areas/NotFoundPage.tsx';
import { api, isApiError } from '../lib/api.ts';
import { initials } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { ConsentCard } from './ConsentCard.tsx';
import { ContactDetails } from './ContactDetails.tsx';
import { CouponsCard } from './CouponsCard.tsx';
import { DataTab } from './DataTab.tsx';
import { HistoryTab } from './HistoryTab.tsx';
import { LoyaltyCard } from './LoyaltyCard.tsx';
import { MembershipsCard } from './MembershipsCard.tsx';
import { PurchaseSummaryCard } from './PurchaseSummaryCard.tsx';
import { ScoresCard } from './ScoresCard.tsx';
import {
  type Contact,
  displayName,
  EMAIL_STATUS_COLORS,
  EMAIL_STATUS_LABELS,
  LIFECYCLE_COLORS,
  LIFECYCLE_LABELS,
  useContactQuery,
  usePropertiesQuery,
} from './model.ts';
import { Timeline } from './Timeline.tsx';
import { JourneysCard } from '../workflows/JourneysCard.tsx';

export function ContactPage() {
  const { id = '' } = useParams();
  const contact = useContactQuery(id);
  const properties = usePropertiesQuery();
  const [tab, setTab] = useState<string | null>('activity');

  if (contact.isPending || properties.isPending) return <LoadingBlock label="Loading contact" />;
  if (contact.isError) {
    if (isApiError(contact.error, 404) || isApiError(contact.error, 400)) return <NotFoundPage />;
    return <ErrorBlock error={contact.error} onRetry={() => void contact.refetch()} />;
  }
  const c = contact.data;
  const defs = properties.data ?? [];
  return (
    <>
      <Anchor component={Link} to="/contacts" fz="sm" c="dimmed" mb="md" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconChevronLeft size={16} /> Contacts
      </Anchor>
      <ContactHeader contact={c} />
      <Stack gap="md" mt="lg">
        <PurchaseSummaryCard summary={c.purchases} />
        {c.purchases.scores && <ScoresCard scores={c.purchases.scores} orders={c.purchases.orders} />}
        <LoyaltyCard contactId={c.id} />
      </Stack>
      <Grid gap="lg" mt="lg">
        <Grid.Col span={{ base: 12, md: 4 }}>
          <ConsentCard contact={c} />
          <ContactDetails key={c.updatedAt} contact={c} defs={defs} />
          <MembershipsCard contactId={c.id} />
          <JourneysCard contactId={c.id} />
          <CouponsCard contactId={c.id} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card p={0}>
            <Tabs value={tab} onChange={setTab} keepMounted={false}>
              <Tabs.List px="md" pt={4}>
                <Tabs.Tab value="activity" leftSection={<IconActivity size={16} stroke={1.7} />} fw={500}>
                  Activity
                </Tabs.Tab>
                <Tabs.Tab value="history" leftSection={<IconHistory size={16} stroke={1.7} />} fw={500}>
                  History
                </Tabs.Tab>
                <Tabs.Tab value="data" leftSection={<IconDatabase size={16} stroke={1.7} />} fw={500}>
                  Data
                </Tabs.Tab>
              </Tabs.List>
              <Box p="lg">
                <Tabs.Panel value="activity">
                  <Timeline contactId={c.id} />
                </Tabs.Panel>
                <Tabs.Panel value="history">
                  <HistoryTab key={c.updatedAt} contactId={c.id} defs={defs} />
                </Tabs.Panel>
                <Tabs.Panel value="data">
                  <DataTab contact={c} />
                </Tabs.Panel>
              </Box>
            </Tabs>
          </Card>
        </Grid.Col>
      </Grid>
    </>
  );
}

function ContactHeader({ contact }: { contact: Contact }) {
  // Deleting a contact takes an admin, as on the server (src/contacts/routes.ts).
  const canDelete = roleAtLeast(useWorkspace().role, 'admin');
  const [confirm, setConfirm] = useState(false);
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('contacts');
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => api.delete(`/contacts/${contact.id}`),
    onSuccess: () => {
      notifySuccess(`${displayName(contact)} was deleted with their activity.`, 'Contact deleted');
      queryClient.removeQueries({ queryKey: [...key, 'one', contact.id] });
      void queryClient.invalidateQueries({ queryKey: key });
      navigate('/contacts', { replace: true });
    },
    onError: (err) => notifyError(err, 'Could not delete the contact'),
  });
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return (
    <Group justify="space-between" align="flex-start" wrap="nowrap">
      <Group gap="lg" wrap="nowrap">
        <Avatar size={64} radius="xl" color="initials" name={displayName(contact)}>
          {initials(displayName(contact), contact.email ?? '')}
        </Avatar>
        <Stack gap={6}>
          <Title order={1} fz={26} lts={-0.4} lh={1.2}>
            {displayName(contact)}
          </Title>
          <Group gap="sm">
            {contact.email && name && (
              <Text fz="sm" c="dimmed">
                {contact.email}
              </Text>
            )}
            {contact.lifecycleStage && (
              <Badge color={LIFECYCLE_COLORS[contact.lifecycleStage]} variant="light">
                {LIFECYCLE_LABELS[contact.lifecycleStage]}
              </Badge>
            )}
            <Badge color={EMAIL_STATUS_COLORS[contact.emailStatus]} variant="dot">
              Email: {EMAIL_STATUS_LABELS[contact.emailStatus].toLowerCase()}
            </Badge>
          </Group>
        </Stack>
      </Group>
      {canDelete && (
        <Menu position="bottom-end" shadow="md">
          <Menu.Target>
            <ActionIcon variant="default" size="lg" aria-label="More actions">
              <IconDots size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirm(true)}>
              Delete contact
            </Menu.Item>
          </Menu.Dropdown>
        </Menu>
      )}
      <ConfirmModal
        opened={confirm}
        title={`Delete ${displayName(contact)}?`}
        confirmLabel="Delete contact"
        loading={remove.isPending}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirm(false)}
      >
        The contact, their properties, activity and change history are deleted. To also keep them from being emailed again, erase them in
        the Data tab instead.
      </ConfirmModal>
    </Group>
  );
}

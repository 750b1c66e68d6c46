// Settings › Email › Suppression list: the addresses no marketing email goes to (everyone
// reads it; admins add an address by hand or take one off).
import { Badge, Button, Card, EmptyState, Group, Select, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconMailOff, IconPlus, IconTrash } from '@tabler/icons-react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { suppression, suppressionBody, suppressionPage, suppressionRemoved } from '../../../src/messaging/webhook-contract.ts';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadMore, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';
import { applyFormError, notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';

type Suppression = z.input<typeof suppression>;
type SuppressionPage = z.input<typeof suppressionPage>;
type SuppressionBody = z.input<typeof suppressionBody>;
type SuppressionRemoved = z.input<typeof suppressionRemoved>;

const REASONS: Record<Suppression['reason'], { label: string; color: string }> = {
  unsubscribed: { label: 'Unsubscribed', color: 'gray' },
  bounced: { label: 'Bounced', color: 'orange' },
  complained: { label: 'Complained', color: 'red' },
  erased: { label: 'Erased', color: 'dark' },
};
const ADDABLE: { value: SuppressionBody['reason']; label: string }[] = [
  { value: 'unsubscribed', label: 'Unsubscribed' },
  { value: 'bounced', label: 'Bounced' },
  { value: 'complained', label: 'Complained (spam)' },
];
const STATUS_WORDS: Record<NonNullable<SuppressionRemoved['contactStatus']>, string> = {
  subscribed: 'subscribed',
  not_subscribed: 'not subscribed',
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  complained: 'marked as having complained',
};

export function SuppressionsCard() {
  const isAdmin = roleAtLeast(useWorkspace().role, 'admin');
  const key = useWorkspaceKey('email', 'suppressions');
  const contactsKey = useWorkspaceKey('contacts');
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => api.get<SuppressionPage>(`/email/suppressions?limit=50${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const [removing, setRemoving] = useState<Suppression | null>(null);
  const remove = useMutation({
    mutationFn: (email: string) => api.delete<SuppressionRemoved>(`/email/suppressions/${encodeURIComponent(email)}`),
    onSuccess: (r) => {
      setRemoving(null);
      notifySuccess(
        r.contactStatus === null
          ? `${r.email} can be sent marketing email again. No contact has this address.`
          : r.contactStatus === 'subscribed'
            ? `${r.email} is off the list, and its contact is subscribed${r.reason === 'bounced' ? ' again' : ''}.`
            : `${r.email} is off the list. Its contact stays ${STATUS_WORDS[r.contactStatus]}.`,
        'Address removed',
      );
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: contactsKey });
    },
    onError: (err) => {
      setRemoving(null);
      notifyError(err, 'Could not remove the address');
    },
  });

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card data-testid="suppressions">
      <SectionHeader
        title="Suppression list"
        description="Addresses no marketing email goes to: people who unsubscribed, addresses that bounced, spam complaints, and erased contacts. Transactional and test emails are not affected."
      />
      {isAdmin && <AddSuppressionForm />}
      {list.isPending ? (
        <LoadingBlock />
      ) : list.isError ? (
        <ErrorBlock error={list.error} onRetry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Card withBorder={false} bg="gray.0" radius="md" py={32}>
          <EmptyState
            variant="light"
            icon={<IconMailOff size={26} />}
            title="No suppressed addresses"
            description="Unsubscribes, bounces and complaints land here on their own."
          />
        </Card>
      ) : (
        <>
          <Table.ScrollContainer minWidth={560} type="native">
            <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover aria-label="Suppressed addresses">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Address</Table.Th>
                  <Table.Th w={140}>Reason</Table.Th>
                  <Table.Th w={200}>Since</Table.Th>
                  {isAdmin && <Table.Th w={110} aria-label="Actions" />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((s, i) => (
                  <Table.Tr key={s.email ?? `hidden-${i}`} data-testid="suppression-row">
                    <Table.Td>
                      {s.email ? (
                        <Text fz="sm">{s.email}</Text>
                      ) : (
                        <Text fz="sm" c="dimmed" fs="italic">
                          (address not in contacts)
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={REASONS[s.reason].color}>
                        {REASONS[s.reason].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Text fz="sm" c="dimmed">
                        {formatDateTime(s.createdAt)}
                      </Text>
                    </Table.Td>
                    {isAdmin && (
                      <Table.Td ta="right">
                        {s.email && (
                          <Button variant="subtle" color="red" size="xs" leftSection={<IconTrash size={14} />} onClick={() => setRemoving(s)} aria-label={`Remove ${s.email}`}>
                            Remove
                          </Button>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <LoadMore query={list} />
        </>
      )}
      <ConfirmModal
        opened={removing !== null}
        title={`Take ${removing?.email ?? 'this address'} off the list?`}
        confirmLabel="Remove from list"
        loading={remove.isPending}
        onConfirm={() => removing?.email && remove.mutate(removing.email)}
        onClose={() => setRemoving(null)}
      >
        Marketing email may go to this address again. A contact with it who <b>bounced</b> is subscribed again: do this when you know the mailbox
        works now. A contact who <b>unsubscribed</b> or <b>complained</b> stays as they are, since that was their own choice; only they can undo
        it, an unsubscribed contact through their preference page.
      </ConfirmModal>
    </Card>
  );
}

function AddSuppressionForm() {
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('email', 'suppressions');
  const contactsKey = useWorkspaceKey('contacts');
  const form = useForm<SuppressionBody>({
    initialValues: { email: '', reason: 'unsubscribed' },
    validate: { email: (v) => (v.trim() ? null : 'Enter an email address') },
  });
  const add = useMutation({
    mutationFn: (body: SuppressionBody) => api.post<Suppression>('/email/suppressions', body),
    onSuccess: (s) => {
      notifySuccess(`${s.email ?? 'The address'} gets no more marketing email.`, 'Address suppressed');
      form.reset();
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: contactsKey });
    },
    onError: (err) => {
      const message = applyFormError(form, err);
      if (message) notifyError(err, 'Could not add the address');
    },
  });

  return (
    <form noValidate onSubmit={form.onSubmit((v) => add.mutate({ email: v.email.trim(), reason: v.reason }))}>
      <Group align="flex-start" gap="sm" mb="md">
        <TextInput label="Email address" type="email" placeholder="someone@example.com" w={320} {...form.getInputProps('email')} />
        <Select
          label="Reason"
          data={ADDABLE}
          allowDeselect={false}
          w={200}
          {...form.getInputProps('reason')}
          onChange={(v) => v && form.setFieldValue('reason', v as SuppressionBody['reason'])}
        />
        <Button type="submit" mt={25} variant="default" leftSection={<IconPlus size={16} />} loading={add.isPending}>
          Add to list
        </Button>
      </Group>
    </form>
  );
}

// The segments and lists a contact is in now, on their page. Segments follow their
// conditions; lists are changed here by hand (add to one, take them off one).
import { Anchor, Card, CloseButton, Group, Select, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconChartPie, IconList } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { formatDate } from '../lib/format.ts';
import { notifyError } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import { type ContactMemberships, useSegmentsQuery } from '../segments/model.ts';

export function MembershipsCard({ contactId }: { contactId: string }) {
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const key = useWorkspaceKey('contacts', 'one', contactId, 'segments');
  const segmentsKey = useWorkspaceKey('segments');
  const queryClient = useQueryClient();
  const memberships = useQuery({ queryKey: key, queryFn: () => api.get<ContactMemberships>(`/contacts/${contactId}/segments`) });
  const segments = useSegmentsQuery();
  const changed = () => {
    void queryClient.invalidateQueries({ queryKey: key });
    // Sizes on the segment pages, and segments built on the list, follow.
    void queryClient.invalidateQueries({ queryKey: segmentsKey });
  };
  const add = useMutation({
    mutationFn: (listId: string) => api.post(`/segments/${listId}/members`, { contactIds: [contactId] }),
    onSuccess: changed,
    onError: (err) => notifyError(err, 'Could not add the contact to the list'),
  });
  const remove = useMutation({
    mutationFn: (listId: string) => api.post(`/segments/${listId}/members/remove`, { contactIds: [contactId] }),
    onSuccess: changed,
    onError: (err) => notifyError(err, 'Could not take the contact off the list'),
  });

  const items = memberships.data?.items ?? [];
  const inNow = new Set(items.map((m) => m.id));
  const otherLists = (segments.data?.items ?? []).filter((s) => s.kind === 'list' && !inNow.has(s.id)).map((s) => ({ value: s.id, label: s.name }));

  return (
    <Card mt="lg" data-testid="contact-memberships">
      <Text fw={650} mb="md">
        Segments and lists
      </Text>
      {memberships.isPending ? (
        <LoadingBlock />
      ) : memberships.isError ? (
        <ErrorBlock error={memberships.error} onRetry={() => void memberships.refetch()} />
      ) : (
        <Stack gap="sm">
          {items.length === 0 && (
            <Text fz="sm" c="dimmed">
              Not in any segment or list.
            </Text>
          )}
          {items.map((m) => (
            <Group key={m.id} gap="sm" wrap="nowrap" justify="space-between">
              <Group gap="sm" wrap="nowrap" miw={0}>
                <ThemeIcon variant="light" color={m.kind === 'list' ? 'teal' : 'violet'} size="md" radius="md">
                  {m.kind === 'list' ? <IconList size={16} /> : <IconChartPie size={16} />}
                </ThemeIcon>
                <Stack gap={0} miw={0}>
                  <Anchor component={Link} to={`/segments/${m.id}`} fz="sm" fw={500} lineClamp={1}>
                    {m.name}
                  </Anchor>
                  <Text fz="xs" c="dimmed">
                    {m.kind === 'list' ? 'List' : 'Segment'} · since {formatDate(m.enteredAt)}
                  </Text>
                </Stack>
              </Group>
              {canWrite && m.kind === 'list' && (
                <Tooltip label="Take off this list">
                  <CloseButton size="sm" aria-label={`Take off the list ${m.name}`} disabled={remove.isPending} onClick={() => remove.mutate(m.id)} />
                </Tooltip>
              )}
            </Group>
          ))}
          {canWrite && otherLists.length > 0 && (
            <Select
              aria-label="Add to a list"
              placeholder="Add to a list…"
              data={otherLists}
              value={null}
              searchable
              size="sm"
              mt={items.length > 0 ? 'xs' : 0}
              disabled={add.isPending}
              onChange={(listId) => listId && add.mutate(listId)}
            />
          )}
        </Stack>
      )}
    </Card>
  );
}

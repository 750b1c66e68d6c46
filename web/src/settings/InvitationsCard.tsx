import { Badge, Button, Card, Table, Text } from '@mantine/core';
import { IconMailForward } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { formatDate, fromNow } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { ROLE_COLORS, ROLE_LABELS } from '../lib/roles.ts';
import { useWorkspaceKey } from '../lib/session.ts';
import type { Invitation } from '../lib/types.ts';

export function InvitationsCard({ onInvite }: { onInvite: () => void }) {
  const key = useWorkspaceKey('invitations');
  const queryClient = useQueryClient();
  const invitations = useQuery({ queryKey: key, queryFn: () => api.get<Invitation[]>('/invitations') });
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const revoke = useMutation({
    mutationFn: (inv: Invitation) => api.delete(`/invitations/${inv.id}`),
    onSuccess: (_d, inv) => {
      notifySuccess(`The link sent to ${inv.email} no longer works.`, 'Invitation revoked');
      setRevoking(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (err) => notifyError(err, 'Could not revoke the invitation'),
  });

  return (
    <Card>
      <SectionHeader title="Pending invitations" description="Links that have not been used yet. Each works once and expires after 7 days." />
      {invitations.isPending ? (
        <LoadingBlock />
      ) : invitations.isError ? (
        <ErrorBlock error={invitations.error} onRetry={() => void invitations.refetch()} />
      ) : invitations.data.length === 0 ? (
        <Card withBorder={false} bg="gray.0" py="lg" ta="center" radius="md">
          <Text fz="sm" c="dimmed">
            No pending invitations.{' '}
            <Button variant="transparent" size="compact-sm" p={0} onClick={onInvite} leftSection={<IconMailForward size={14} />}>
              Invite a colleague
            </Button>
          </Text>
        </Card>
      ) : (
        <Table.ScrollContainer minWidth={600} type="native">
          <Table verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th w={140}>Role</Table.Th>
                <Table.Th w={150}>Invited</Table.Th>
                <Table.Th w={150}>Expires</Table.Th>
                <Table.Th w={100} aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {invitations.data.map((inv) => (
                <Table.Tr key={inv.id}>
                  <Table.Td>
                    <Text fz="sm" fw={500}>
                      {inv.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={ROLE_COLORS[inv.role]}>{ROLE_LABELS[inv.role]}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" c="dimmed">
                      {formatDate(inv.createdAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" c="dimmed" title={formatDate(inv.expiresAt)}>
                      {fromNow(inv.expiresAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Button variant="subtle" color="red" size="xs" onClick={() => setRevoking(inv)}>
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke invitation?"
        confirmLabel="Revoke invitation"
        loading={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate(revoking)}
        onClose={() => setRevoking(null)}
      >
        The link sent to <b>{revoking?.email}</b> will stop working. You can invite them again later.
      </ConfirmModal>
    </Card>
  );
}

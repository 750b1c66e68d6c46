import { ActionIcon, Avatar, Badge, Button, Card, Group, Menu, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconDots, IconUserMinus, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { api } from '../lib/api.ts';
import { formatDate, initials } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { ROLE_COLORS, ROLE_LABELS, roleAtLeast } from '../lib/roles.ts';
import { sessionQuery, useSession, useWorkspace, useWorkspaceKey } from '../lib/session.ts';
import type { Member, Role } from '../lib/types.ts';
import { InvitationsCard } from './InvitationsCard.tsx';
import { InviteMemberModal } from './InviteMemberModal.tsx';

export function MembersSettings() {
  const workspace = useWorkspace();
  const key = useWorkspaceKey('members');
  const members = useQuery({ queryKey: key, queryFn: () => api.get<Member[]>('/members') });
  const canManage = roleAtLeast(workspace.role, 'admin');
  const [inviting, invite] = useDisclosure(false);

  return (
    <Stack gap="lg">
      <Card>
        <SectionHeader
          title="Members"
          description={
            canManage
              ? 'Everyone who can open this workspace, and what they may do in it.'
              : 'Everyone who can open this workspace. Only admins and owners can change the team.'
          }
          actions={
            canManage && (
              <Button leftSection={<IconUserPlus size={16} />} onClick={invite.open}>
                Invite member
              </Button>
            )
          }
        />
        {members.isPending ? (
          <LoadingBlock />
        ) : members.isError ? (
          <ErrorBlock error={members.error} onRetry={() => void members.refetch()} />
        ) : (
          <MembersTable members={members.data} canManage={canManage} />
        )}
      </Card>
      {canManage && <InvitationsCard onInvite={invite.open} />}
      <InviteMemberModal opened={inviting} onClose={invite.close} />
    </Stack>
  );
}

function MembersTable({ members, canManage }: { members: Member[]; canManage: boolean }) {
  const { user } = useSession();
  const workspace = useWorkspace();
  const queryClient = useQueryClient();
  const key = useWorkspaceKey('members');
  const [removing, setRemoving] = useState<Member | null>(null);
  const isOwner = workspace.role === 'owner';
  // The server refuses to leave a workspace without an owner; say so before anyone tries.
  const soleOwner = members.filter((m) => m.role === 'owner').length === 1;

  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: Role }) => api.patch(`/members/${member.userId}`, { role }),
    onSuccess: (_d, { member, role }) => {
      notifySuccess(`${member.name || member.email} is now ${ROLE_LABELS[role].toLowerCase()}.`, 'Role changed');
      void queryClient.invalidateQueries({ queryKey: key });
      if (member.userId === user.id) void queryClient.invalidateQueries({ queryKey: sessionQuery.queryKey });
    },
    onError: (err) => notifyError(err, 'Could not change the role'),
  });
  const remove = useMutation({
    mutationFn: (member: Member) => api.delete(`/members/${member.userId}`),
    onSuccess: (_d, member) => {
      notifySuccess(`${member.name || member.email} no longer has access to ${workspace.name}.`, 'Member removed');
      setRemoving(null);
      void queryClient.invalidateQueries({ queryKey: key });
    },
    onError: (err) => notifyError(err, 'Could not remove the member'),
  });

  // Only an owner grants or takes away ownership (the server checks this too).
  const roleOptions = (['owner', 'admin', 'marketer', 'viewer'] as Role[])
    .filter((r) => isOwner || r !== 'owner')
    .map((r) => ({ value: r, label: ROLE_LABELS[r] }));

  return (
    <>
      <Table.ScrollContainer minWidth={560} type="native">
        <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Member</Table.Th>
              <Table.Th w={200}>Role</Table.Th>
              <Table.Th w={160}>Joined</Table.Th>
              {canManage && <Table.Th w={56} aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((m) => {
              const isSelf = m.userId === user.id;
              const lastOwner = m.role === 'owner' && soleOwner;
              const locked = !canManage || (m.role === 'owner' && !isOwner) || lastOwner;
              return (
                <Table.Tr key={m.userId}>
                  <Table.Td>
                    <Group gap="sm" wrap="nowrap">
                      <Avatar size={36} radius="xl" color={ROLE_COLORS[m.role]} fz="xs" fw={700}>
                        {initials(m.name, m.email)}
                      </Avatar>
                      <Stack gap={0} miw={0}>
                        <Group gap={6}>
                          <Text fz="sm" fw={600} truncate="end">
                            {m.name || m.email}
                          </Text>
                          {isSelf && (
                            <Badge size="xs" color="gray">
                              You
                            </Badge>
                          )}
                        </Group>
                        <Text fz="xs" c="dimmed" truncate="end">
                          {m.email}
                        </Text>
                      </Stack>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    {locked ? (
                      <Tooltip
                        label="A workspace needs at least one owner. Make someone else an owner first."
                        disabled={!canManage || !lastOwner}
                        multiline
                        w={240}
                      >
                        <Badge color={ROLE_COLORS[m.role]} size="lg">
                          {ROLE_LABELS[m.role]}
                        </Badge>
                      </Tooltip>
                    ) : (
                      <Select
                        aria-label={`Role of ${m.name || m.email}`}
                        data={roleOptions}
                        value={m.role}
                        size="xs"
                        w={150}
                        disabled={changeRole.isPending && changeRole.variables?.member.userId === m.userId}
                        onChange={(value) => value && value !== m.role && changeRole.mutate({ member: m, role: value as Role })}
                      />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text fz="sm" c="dimmed">
                      {formatDate(m.joinedAt)}
                    </Text>
                  </Table.Td>
                  {canManage && (
                    <Table.Td>
                      {!isSelf && !locked && (
                        <Menu position="bottom-end" shadow="md" width={200}>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${m.name || m.email}`}>
                              <IconDots size={18} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item color="red" leftSection={<IconUserMinus size={16} />} onClick={() => setRemoving(m)}>
                              Remove from workspace
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Table.Td>
                  )}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <ConfirmModal
        opened={removing !== null}
        title="Remove member?"
        confirmLabel="Remove member"
        loading={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => setRemoving(null)}
      >
        <b>{removing?.name || removing?.email}</b> will lose access to {workspace.name} at once. Their account stays, and
        you can invite them again later.
      </ConfirmModal>
    </>
  );
}

import { Button, Card, EmptyState, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconBuildingStore, IconPlus } from '@tabler/icons-react';
import { notifyError } from '../lib/notify.tsx';
import { ROLE_LABELS } from '../lib/roles.ts';
import { useSession, useSwitchWorkspace } from '../lib/session.ts';
import { NewWorkspaceModal } from './NewWorkspaceModal.tsx';
import { WorkspaceAvatar } from './WorkspaceAvatar.tsx';

/** Shown when the session has no current workspace (removed from it, or none yet). */
export function NoWorkspace() {
  const session = useSession();
  const [creating, { open, close }] = useDisclosure(false);
  const switchWorkspace = useSwitchWorkspace();
  const has = session.workspaces.length > 0;
  // Who may create one is the instance's choice (RAPPORT_WORKSPACE_CREATION).
  const canCreate = session.canCreateWorkspaces;
  return (
    <Card py={56} maw={640} mx="auto" mt="xl">
      <EmptyState
        variant="light"
        size="lg"
        icon={<IconBuildingStore size={32} />}
        title={has ? 'Choose a workspace' : 'You are not in a workspace yet'}
        description={
          has
            ? 'Pick the workspace to work in. You can switch at any time from the top bar.'
            : canCreate
              ? 'Create your own workspace, or ask a colleague to invite you to theirs.'
              : 'Ask a colleague to invite you to their workspace, or your administrator to create one for you.'
        }
      >
        {has && (
          <Stack gap="xs" mt="md" w="100%" maw={360} mx="auto">
            {session.workspaces.map((ws) => (
              <Button
                key={ws.id}
                variant="default"
                size="md"
                justify="space-between"
                leftSection={<WorkspaceAvatar id={ws.id} name={ws.name} size={24} />}
                rightSection={<Text fz="xs" c="dimmed">{ROLE_LABELS[ws.role]}</Text>}
                loading={switchWorkspace.isPending && switchWorkspace.variables === ws.id}
                onClick={() => switchWorkspace.mutate(ws.id, { onError: (err) => notifyError(err) })}
              >
                {ws.name}
              </Button>
            ))}
          </Stack>
        )}
        {canCreate && (
          <Group justify="center" mt="lg">
            <Button leftSection={<IconPlus size={16} />} variant={has ? 'subtle' : 'filled'} onClick={open}>
              New workspace
            </Button>
          </Group>
        )}
      </EmptyState>
      {canCreate && <NewWorkspaceModal opened={creating} onClose={close} />}
    </Card>
  );
}

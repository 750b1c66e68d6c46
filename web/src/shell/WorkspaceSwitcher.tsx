import { Group, Menu, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconCheck, IconPlus, IconSelector } from '@tabler/icons-react';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { ROLE_LABELS } from '../lib/roles.ts';
import { useSession, useSwitchWorkspace } from '../lib/session.ts';
import type { WorkspaceSummary } from '../lib/types.ts';
import { NewWorkspaceModal } from './NewWorkspaceModal.tsx';
import { WorkspaceAvatar } from './WorkspaceAvatar.tsx';
import classes from './WorkspaceSwitcher.module.css';

/** Shows the current workspace; switches to another or creates a new one. */
export function WorkspaceSwitcher() {
  const session = useSession();
  const current = session.workspace;
  const [creating, { open: openCreate, close: closeCreate }] = useDisclosure(false);
  const switchWorkspace = useSwitchWorkspace();

  const choose = (ws: WorkspaceSummary) => {
    if (ws.id === current?.id) return;
    switchWorkspace.mutate(ws.id, {
      onSuccess: () => notifySuccess(`You are now in ${ws.name}.`, 'Workspace switched'),
      onError: (err) => notifyError(err, 'Could not switch workspace'),
    });
  };

  return (
    <>
      <Menu position="bottom-start" width={300} shadow="lg" radius="md" offset={6}>
        <Menu.Target>
          <UnstyledButton className={classes.target} aria-label="Workspace" data-loading={switchWorkspace.isPending || undefined}>
            <Group gap="sm" wrap="nowrap">
              {current ? (
                <WorkspaceAvatar id={current.id} name={current.name} />
              ) : (
                <WorkspaceAvatar id="none" name="?" />
              )}
              <Stack gap={0} miw={0}>
                <Text fz="sm" fw={600} lh={1.25} truncate="end" maw={{ base: 170, sm: 240 }}>
                  {current?.name ?? 'No workspace'}
                </Text>
                <Text fz="xs" c="dimmed" lh={1.25}>
                  {current ? ROLE_LABELS[current.role] : session.canCreateWorkspaces ? 'Choose or create one' : 'Choose one'}
                </Text>
              </Stack>
              <IconSelector size={16} className={classes.chevron} />
            </Group>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Your workspaces</Menu.Label>
          {session.workspaces.map((ws) => (
            <Menu.Item
              key={ws.id}
              onClick={() => choose(ws)}
              leftSection={<WorkspaceAvatar id={ws.id} name={ws.name} size={24} />}
              rightSection={ws.id === current?.id ? <IconCheck size={16} color="var(--mantine-color-brand-6)" /> : null}
            >
              <Text component="span" display="block" fz="sm" fw={ws.id === current?.id ? 600 : 500} truncate="end">
                {ws.name}
              </Text>
              <Text component="span" display="block" fz="xs" c="dimmed">
                {ROLE_LABELS[ws.role]}
              </Text>
            </Menu.Item>
          ))}
          {/* Who may create one is the instance's choice (RAPPORT_WORKSPACE_CREATION). */}
          {session.canCreateWorkspaces && (
            <>
              <Menu.Divider />
              <Menu.Item leftSection={<IconPlus size={16} />} onClick={openCreate}>
                New workspace…
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      {session.canCreateWorkspaces && <NewWorkspaceModal opened={creating} onClose={closeCreate} />}
    </>
  );
}

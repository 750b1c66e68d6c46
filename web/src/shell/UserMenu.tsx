import { Avatar, Box, Group, Menu, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconLogout, IconUserCircle } from '@tabler/icons-react';
import { useNavigate } from 'react-router-dom';
import { initials } from '../lib/format.ts';
import { useSession, useSignOut } from '../lib/session.ts';
import classes from './WorkspaceSwitcher.module.css';

export function UserMenu() {
  const { user } = useSession();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const displayName = user.name || user.email;
  return (
    <Menu position="bottom-end" width={260} shadow="lg" radius="md" offset={6}>
      <Menu.Target>
        <UnstyledButton className={classes.target} aria-label="Account menu">
          <Group gap={8} wrap="nowrap">
            <Avatar size={30} radius="xl" color="brand" variant="light" fz="xs" fw={700}>
              {initials(user.name, user.email)}
            </Avatar>
            <Text fz="sm" fw={500} truncate="end" maw={160} visibleFrom="md">
              {displayName}
            </Text>
            <Box visibleFrom="sm" display="flex">
              <IconChevronDown size={14} className={classes.chevron} />
            </Box>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Stack gap={0} px="sm" py={8}>
          <Text fz="sm" fw={600} truncate="end">
            {user.name || 'No name yet'}
          </Text>
          <Text fz="xs" c="dimmed" truncate="end">
            {user.email}
          </Text>
        </Stack>
        <Menu.Divider />
        <Menu.Item leftSection={<IconUserCircle size={16} />} onClick={() => navigate('/settings/account')}>
          Account settings
        </Menu.Item>
        <Menu.Item
          leftSection={<IconLogout size={16} />}
          onClick={() => signOut.mutate(undefined)}
        >
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

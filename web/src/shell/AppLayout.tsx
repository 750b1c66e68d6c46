import { AppShell, Box, Group } from '@mantine/core';
import { Outlet } from 'react-router-dom';
import { Logo } from '../components/Logo.tsx';
import { useSession } from '../lib/session.ts';
import { HeaderLinks } from './HeaderLinks.tsx';
import { Navigation } from './Navigation.tsx';
import { NoWorkspace } from './NoWorkspace.tsx';
import { UserMenu } from './UserMenu.tsx';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.tsx';
import classes from './AppLayout.module.css';

export const NAVBAR_WIDTH = 248;

/** The frame of every signed-in page: navigation on the left, workspace and user on top. */
export function AppLayout() {
  const session = useSession();
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: NAVBAR_WIDTH, breakpoint: 'xs' }} padding={0}>
      <AppShell.Header className={classes.header}>
        <Group h="100%" gap={0} wrap="nowrap">
          <Box w={NAVBAR_WIDTH} px="lg" className={classes.brand}>
            <Logo />
          </Box>
          <Group flex={1} px="lg" justify="space-between" wrap="nowrap">
            <WorkspaceSwitcher />
            <Group gap="xs" wrap="nowrap">
              <HeaderLinks />
              <UserMenu />
            </Group>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar className={classes.navbar} aria-label="Main">
        <Navigation />
      </AppShell.Navbar>
      <AppShell.Main className={classes.main}>
        <Box className={classes.content}>{session.workspace ? <Outlet /> : <NoWorkspace />}</Box>
      </AppShell.Main>
    </AppShell>
  );
}

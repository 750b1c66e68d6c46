import { AppShell, Box, Burger, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet } from 'react-router-dom';
import { Logo } from '../components/Logo.tsx';
import { useSession } from '../lib/session.ts';
import { HeaderLinks } from './HeaderLinks.tsx';
import { Navigation } from './Navigation.tsx';
import { NoWorkspace } from './NoWorkspace.tsx';
import { UserMenu } from './UserMenu.tsx';
import { WorkspaceSwitcher } from './WorkspaceSwitcher.tsx';
import classes from './AppLayout.module.css';

/** Navigation width by screen: narrower on a tablet, where the content needs the room. */
export const NAVBAR_WIDTH = { sm: 216, lg: 248 };

/**
 * The frame of every signed-in page: navigation on the left, workspace and user on top. Below
 * 768 px (Mantine's `sm`) the navigation hides behind a menu button and opens over the page.
 */
export function AppLayout() {
  const session = useSession();
  const [opened, { toggle, close }] = useDisclosure(false);
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: NAVBAR_WIDTH, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding={0}>
      <AppShell.Header className={classes.header}>
        <Group h="100%" gap={0} wrap="nowrap">
          <Burger
            opened={opened}
            onClick={toggle}
            hiddenFrom="sm"
            size="sm"
            ml="sm"
            aria-label={opened ? 'Close the navigation' : 'Open the navigation'}
            aria-expanded={opened}
            aria-controls="main-navigation"
          />
          <Box px="lg" className={classes.brand} visibleFrom="sm">
            <Logo />
          </Box>
          <Group flex={1} miw={0} px={{ base: 'xs', sm: 'lg' }} justify="space-between" wrap="nowrap" gap="xs">
            <WorkspaceSwitcher />
            <Group gap={4} wrap="nowrap" style={{ flexShrink: 0 }}>
              <HeaderLinks />
              <UserMenu />
            </Group>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar id="main-navigation" className={classes.navbar} aria-label="Main" mod={{ collapsed: !opened }}>
        <Navigation onNavigate={close} />
      </AppShell.Navbar>
      <AppShell.Main className={classes.main}>
        <Box className={classes.content}>{session.workspace ? <Outlet /> : <NoWorkspace />}</Box>
      </AppShell.Main>
    </AppShell>
  );
}

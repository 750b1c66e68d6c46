import { AppShell, NavLink, ScrollArea, Stack, Text } from '@mantine/core';
import { IconSettings } from '@tabler/icons-react';
import { NavLink as RouterNavLink, useLocation } from 'react-router-dom';
import { AREA_GROUPS } from '../areas/areas.ts';
import classes from './Navigation.module.css';

/** The left navigation: every area of the product, grouped, and Settings at the bottom. */
export function Navigation() {
  const { pathname } = useLocation();
  const isActive = (path: string) => pathname === `/${path}` || pathname.startsWith(`/${path}/`);
  return (
    <>
      <AppShell.Section grow component={ScrollArea} px="sm" py="md">
        <Stack gap="lg">
          {AREA_GROUPS.map((group) => (
            <Stack key={group.label} gap={2}>
              <Text className={classes.groupLabel}>{group.label}</Text>
              {group.areas.map((area) => (
                <NavLink
                  key={area.path}
                  component={RouterNavLink}
                  to={`/${area.path}`}
                  label={area.label}
                  leftSection={<area.icon size={18} stroke={1.7} />}
                  active={isActive(area.path)}
                  className={classes.link}
                />
              ))}
            </Stack>
          ))}
        </Stack>
      </AppShell.Section>
      <AppShell.Section px="sm" py="sm" className={classes.bottom}>
        <NavLink
          component={RouterNavLink}
          to="/settings"
          label="Settings"
          leftSection={<IconSettings size={18} stroke={1.7} />}
          active={isActive('settings')}
          className={classes.link}
        />
      </AppShell.Section>
    </>
  );
}

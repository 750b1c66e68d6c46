import { AppShell, Badge, NavLink, ScrollArea, Stack, Text, VisuallyHidden } from '@mantine/core';
import { Fragment } from 'react';
import { IconLayoutDashboard, IconSettings } from '@tabler/icons-react';
import { NavLink as RouterNavLink, useLocation } from 'react-router-dom';
import { AREA_GROUPS } from '../areas/areas.ts';
import classes from './Navigation.module.css';

/**
 * The left navigation: the dashboard (the home page) on top, every area of the product,
 * grouped, and Settings at the bottom. Areas
 * not built yet carry a "Soon" badge, which screen readers hear as the link's description.
 * `onNavigate` is told when a link is chosen (the phone layout closes the menu).
 */
export function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  const { pathname } = useLocation();
  const isActive = (path: string) => pathname === `/${path}` || pathname.startsWith(`/${path}/`);
  return (
    <>
      <AppShell.Section grow component={ScrollArea} px="sm" py="md">
        <Stack gap="lg">
          <NavLink
            component={RouterNavLink}
            to="/"
            end
            onClick={onNavigate}
            label="Dashboard"
            leftSection={<IconLayoutDashboard size={18} stroke={1.7} />}
            active={pathname === '/'}
            className={classes.link}
          />
          {AREA_GROUPS.map((group) => (
            <Stack key={group.label} gap={2}>
              <Text className={classes.groupLabel}>{group.label}</Text>
              {group.areas.map((area) => (
                <Fragment key={area.path}>
                  <NavLink
                    component={RouterNavLink}
                    to={`/${area.path}`}
                    onClick={onNavigate}
                    label={area.label}
                    leftSection={<area.icon size={18} stroke={1.7} />}
                    rightSection={
                      area.built ? undefined : (
                        <Badge size="xs" variant="light" color="gray" className={classes.soon} aria-hidden>
                          Soon
                        </Badge>
                      )
                    }
                    aria-describedby={area.built ? undefined : `nav-${area.path}-soon`}
                    active={isActive(area.path)}
                    className={classes.link}
                    data-soon={area.built ? undefined : true}
                  />
                  {/* Outside the link, so that its name stays the area's own. */}
                  {!area.built && <VisuallyHidden id={`nav-${area.path}-soon`}>Not built yet</VisuallyHidden>}
                </Fragment>
              ))}
            </Stack>
          ))}
        </Stack>
      </AppShell.Section>
      <AppShell.Section px="sm" py="sm" className={classes.bottom}>
        <NavLink
          component={RouterNavLink}
          to="/settings"
          onClick={onNavigate}
          label="Settings"
          leftSection={<IconSettings size={18} stroke={1.7} />}
          active={isActive('settings')}
          className={classes.link}
        />
      </AppShell.Section>
    </>
  );
}

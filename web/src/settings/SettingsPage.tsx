import { Tabs } from '@mantine/core';
import { IconBuilding, IconForms, IconKey, IconMail, IconUserCircle, IconUsers } from '@tabler/icons-react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';

const TABS = [
  { value: 'workspace', label: 'Workspace', icon: IconBuilding },
  { value: 'members', label: 'Members', icon: IconUsers },
  { value: 'properties', label: 'Properties', icon: IconForms },
  { value: 'email', label: 'Email', icon: IconMail },
  { value: 'api-keys', label: 'API keys', icon: IconKey },
  { value: 'account', label: 'Account', icon: IconUserCircle },
];

export function SettingsPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const current = TABS.find((t) => pathname.startsWith(`/settings/${t.value}`))?.value ?? 'workspace';
  return (
    <>
      <PageHeader title="Settings" description="Your workspace, its team, contact properties, how email is sent, API keys, and your own account." />
      <Tabs value={current} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
        <Tabs.List mb="xl">
          {TABS.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value} leftSection={<tab.icon size={16} stroke={1.7} />} fw={500}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value={current}>
          <Outlet />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

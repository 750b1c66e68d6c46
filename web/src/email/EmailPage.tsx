// The Email area: broadcasts, templates and the outbox, one tab each (routed in App.tsx).
import { Tabs } from '@mantine/core';
import { IconInbox, IconSpeakerphone, IconTemplate } from '@tabler/icons-react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';

const TABS = [
  { value: 'broadcasts', label: 'Broadcasts', icon: IconSpeakerphone },
  { value: 'templates', label: 'Templates', icon: IconTemplate },
  { value: 'outbox', label: 'Outbox', icon: IconInbox },
];

export function EmailPage() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const current = TABS.find((t) => pathname.startsWith(`/email/${t.value}`))?.value ?? 'broadcasts';
  return (
    <>
      <PageHeader
        title="Email"
        description="Templates with merge fields and fallbacks, broadcasts to a segment or list with their opens and clicks, and every message sent."
      />
      <Tabs value={current} onChange={(value) => value && navigate(`/email/${value}`)} keepMounted={false}>
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

// The Reports area: one tab per report (routed in App.tsx), the report settings for admins.
// Opening another tab keeps the period chosen.
import { Button, ScrollArea, Tabs } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAdjustments, IconChartLine, IconFlask, IconMail, IconRepeat, IconTable, IconUsersGroup } from '@tabler/icons-react';
import { Outlet, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { PageHeader } from '../components/PageHeader.tsx';
import { ReportSettingsModal } from './ReportSettingsModal.tsx';
import { keptSpan } from './url.ts';

export const REPORT_TABS = [
  { value: 'cohorts', label: 'Cohorts', icon: IconTable },
  { value: 'revenue', label: 'Revenue retention', icon: IconChartLine },
  { value: 'churn', label: 'Churn & repeat', icon: IconRepeat },
  { value: 'email', label: 'Email', icon: IconMail },
  { value: 'lift', label: 'Lift', icon: IconFlask },
  { value: 'segments', label: 'Segments', icon: IconUsersGroup },
] as const;

export function ReportsPage() {
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [settingsOpen, settings] = useDisclosure(false);
  const current = REPORT_TABS.find((t) => pathname.startsWith(`/reports/${t.value}`))?.value ?? 'cohorts';
  const open = (tab: string) => {
    // The span is shared by the cohort, revenue, churn and segment reports; the email report has its own period.
    const keep = tab === 'lift' || tab === 'email' || current === 'email' || current === 'lift' ? '' : keptSpan(params);
    navigate(`/reports/${tab}${keep ? `?${keep}` : ''}`);
  };
  return (
    <>
      <PageHeader
        title="Reports"
        description="Who comes back and when, what they spend, who stops buying, and what your emails and workflows change. Each figure says how it is counted."
        actions={
          <Button variant="default" size="xs" leftSection={<IconAdjustments size={14} />} onClick={settings.open}>
            Report settings
          </Button>
        }
      />
      <Tabs value={current} onChange={(value) => value && open(value)} keepMounted={false}>
        <ScrollArea type="auto" scrollbarSize={4} mb="xl">
          <Tabs.List style={{ flexWrap: 'nowrap' }}>
            {REPORT_TABS.map((tab) => (
              <Tabs.Tab key={tab.value} value={tab.value} leftSection={<tab.icon size={16} stroke={1.7} />} fw={500} style={{ whiteSpace: 'nowrap' }}>
                {tab.label}
              </Tabs.Tab>
            ))}
          </Tabs.List>
        </ScrollArea>
        <Tabs.Panel value={current}>
          <Outlet />
        </Tabs.Panel>
      </Tabs>
      <ReportSettingsModal opened={settingsOpen} onClose={settings.close} />
    </>
  );
}

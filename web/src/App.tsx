import { useQuery } from '@tanstack/react-query';
import { lazy, type ReactNode, Suspense } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AREAS } from './areas/areas.ts';
import { AreaPage } from './areas/AreaPage.tsx';
import { NotFoundPage } from './areas/NotFoundPage.tsx';
import { ForgotPasswordPage } from './auth/ForgotPasswordPage.tsx';
import { InvitePage } from './auth/InvitePage.tsx';
import { ResetPasswordPage } from './auth/ResetPasswordPage.tsx';
import { SetupPage } from './auth/SetupPage.tsx';
import { ContactPage } from './contacts/ContactPage.tsx';
import { ContactsPage } from './contacts/ContactsPage.tsx';
import { ImportDetailPage } from './contacts/import/ImportDetailPage.tsx';
import { ImportPage } from './contacts/import/ImportPage.tsx';
import { SignInPage } from './auth/SignInPage.tsx';
import { FullPageError, FullPageLoader } from './components/FullPage.tsx';
import { LoadingBlock } from './components/QueryState.tsx';
import { EditBroadcastPage, NewBroadcastPage } from './email/BroadcastFormPage.tsx';
import { BroadcastsTab } from './email/BroadcastsTab.tsx';
import { EmailPage } from './email/EmailPage.tsx';
import { OutboxTab } from './email/OutboxTab.tsx';
import { TemplatesTab } from './email/TemplatesTab.tsx';
import { safeNext } from './lib/next.ts';
import { sessionQuery, setupQuery } from './lib/session.ts';
import { EditSegmentPage, NewSegmentPage } from './segments/SegmentEditorPage.tsx';
import { SegmentPage } from './segments/SegmentPage.tsx';
import { SegmentsPage } from './segments/SegmentsPage.tsx';
import { AccountSettings } from './settings/AccountSettings.tsx';
import { ApiKeysSettings } from './settings/ApiKeysSettings.tsx';
import { EmailSettings } from './settings/EmailSettings.tsx';
import { MembersSettings } from './settings/MembersSettings.tsx';
import { PropertiesSettings } from './settings/PropertiesSettings.tsx';
import { SettingsPage } from './settings/SettingsPage.tsx';
import { WorkspaceSettings } from './settings/WorkspaceSettings.tsx';
import { AppLayout } from './shell/AppLayout.tsx';
import { SurveysPage } from './surveys/SurveysPage.tsx';
import { WorkflowsPage } from './workflows/WorkflowsPage.tsx';

// The code editor (CodeMirror) and the charts (recharts) load with the pages that use them.
const TemplateEditorPage = lazy(() => import('./email/TemplateEditorPage.tsx').then((m) => ({ default: m.TemplateEditorPage })));
const BroadcastPage = lazy(() => import('./email/BroadcastPage.tsx').then((m) => ({ default: m.BroadcastPage })));
// The workflow editor (@xyflow/react) and its report (recharts).
const WorkflowPage = lazy(() => import('./workflows/WorkflowPage.tsx').then((m) => ({ default: m.WorkflowPage })));
// A survey's pages (recharts for its results).
const SurveyPage = lazy(() => import('./surveys/SurveyPage.tsx').then((m) => ({ default: m.SurveyPage })));
// The dashboard and the reports (recharts).
const DashboardPage = lazy(() => import('./reports/DashboardPage.tsx').then((m) => ({ default: m.DashboardPage })));
const ReportsPage = lazy(() => import('./reports/ReportsPage.tsx').then((m) => ({ default: m.ReportsPage })));
const CohortsTab = lazy(() => import('./reports/CohortsTab.tsx').then((m) => ({ default: m.CohortsTab })));
const RevenueTab = lazy(() => import('./reports/RevenueTab.tsx').then((m) => ({ default: m.RevenueTab })));
const ChurnTab = lazy(() => import('./reports/ChurnTab.tsx').then((m) => ({ default: m.ChurnTab })));
const EmailReportTab = lazy(() => import('./reports/EmailTab.tsx').then((m) => ({ default: m.EmailTab })));
const LiftTab = lazy(() => import('./reports/LiftTab.tsx').then((m) => ({ default: m.LiftTab })));
const SegmentsReportTab = lazy(() => import('./reports/SegmentsTab.tsx').then((m) => ({ default: m.SegmentsTab })));
// Retention: the at-risk list, the models' check and subscriptions (recharts).
const RetentionPage = lazy(() => import('./retention/RetentionPage.tsx').then((m) => ({ default: m.RetentionPage })));
const AtRiskTab = lazy(() => import('./retention/AtRiskTab.tsx').then((m) => ({ default: m.AtRiskTab })));
const QualityTab = lazy(() => import('./retention/QualityTab.tsx').then((m) => ({ default: m.QualityTab })));
const SubscriptionsTab = lazy(() => import('./retention/SubscriptionsTab.tsx').then((m) => ({ default: m.SubscriptionsTab })));
// Loyalty (recharts in its overview) and Coupons.
const LoyaltyPage = lazy(() => import('./loyalty/LoyaltyPage.tsx').then((m) => ({ default: m.LoyaltyPage })));
const LoyaltySettingsTab = lazy(() => import('./loyalty/LoyaltyPage.tsx').then((m) => ({ default: m.SettingsTab })));
const LoyaltyOverviewTab = lazy(() => import('./loyalty/OverviewTab.tsx').then((m) => ({ default: m.OverviewTab })));
const RulesTab = lazy(() => import('./loyalty/RulesTab.tsx').then((m) => ({ default: m.RulesTab })));
const TiersTab = lazy(() => import('./loyalty/TiersTab.tsx').then((m) => ({ default: m.TiersTab })));
const RewardsTab = lazy(() => import('./loyalty/RewardsTab.tsx').then((m) => ({ default: m.RewardsTab })));
const MembersTab = lazy(() => import('./loyalty/MembersTab.tsx').then((m) => ({ default: m.MembersTab })));
const CouponsPage = lazy(() => import('./coupons/CouponsPage.tsx').then((m) => ({ default: m.CouponsPage })));
const CampaignPage = lazy(() => import('./coupons/CampaignPage.tsx').then((m) => ({ default: m.CampaignPage })));
// Social: the stream (recharts in its overview), the calendar (FullCalendar), the composer, a post.
const SocialPage = lazy(() => import('./social/SocialPage.tsx').then((m) => ({ default: m.SocialPage })));
const SocialHome = lazy(() => import('./social/SocialPage.tsx').then((m) => ({ default: m.SocialHome })));
const StreamTab = lazy(() => import('./social/StreamTab.tsx').then((m) => ({ default: m.StreamTab })));
const SocialCalendarTab = lazy(() => import('./social/CalendarTab.tsx').then((m) => ({ default: m.CalendarTab })));
const SocialAccountsTab = lazy(() => import('./social/AccountsTab.tsx').then((m) => ({ default: m.AccountsTab })));
const ComposePage = lazy(() => import('./social/ComposePage.tsx').then((m) => ({ default: m.ComposePage })));
const PostPage = lazy(() => import('./social/PostPage.tsx').then((m) => ({ default: m.PostPage })));
const later = (page: ReactNode) => <Suspense fallback={<LoadingBlock />}>{page}</Suspense>;

export function App() {
  const setup = useQuery(setupQuery);
  const session = useQuery(sessionQuery);

  if (setup.isPending || session.isPending) return <FullPageLoader />;
  if (setup.isError || session.isError) {
    return (
      <FullPageError
        error={setup.error ?? session.error}
        onRetry={() => void Promise.all([setup.refetch(), session.refetch()])}
      />
    );
  }

  const needsSetup = setup.data.needed;
  const signedIn = session.data !== null;

  return (
    <Routes>
      {/* Once set up, the first stop is Contacts (where a demo load is followed); a sign-in lands on the dashboard. */}
      <Route path="/setup" element={needsSetup ? <SetupPage /> : <Navigate to="/contacts" replace />} />
      <Route
        path="/signin"
        element={needsSetup ? <Navigate to="/setup" replace /> : signedIn ? <AfterSignIn /> : <SignInPage />}
      />
      <Route path="/invite/:token" element={<InvitePage />} />
      <Route path="/forgot-password" element={needsSetup ? <Navigate to="/setup" replace /> : <ForgotPasswordPage />} />
      <Route path="/reset-password" element={<ResetPasswordPage />} />
      <Route
        element={
          <RequireSession needsSetup={needsSetup} signedIn={signedIn}>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={later(<DashboardPage />)} />
        <Route path="contacts" element={<ContactsPage />} />
        <Route path="contacts/import" element={<ImportPage />} />
        <Route path="contacts/import/:id" element={<ImportDetailPage />} />
        <Route path="contacts/:id" element={<ContactPage />} />
        <Route path="segments" element={<SegmentsPage />} />
        <Route path="segments/new" element={<NewSegmentPage />} />
        <Route path="segments/:id" element={<SegmentPage />} />
        <Route path="segments/:id/edit" element={<EditSegmentPage />} />
        <Route path="email" element={<EmailPage />}>
          <Route index element={<Navigate to="broadcasts" replace />} />
          <Route path="broadcasts" element={<BroadcastsTab />} />
          <Route path="templates" element={<TemplatesTab />} />
          <Route path="outbox" element={<OutboxTab />} />
        </Route>
        <Route path="email/broadcasts/new" element={<NewBroadcastPage />} />
        <Route path="email/broadcasts/:id" element={later(<BroadcastPage />)} />
        <Route path="email/broadcasts/:id/edit" element={<EditBroadcastPage />} />
        <Route path="email/templates/:id" element={later(<TemplateEditorPage />)} />
        <Route path="workflows" element={<WorkflowsPage />} />
        <Route path="workflows/:id/*" element={later(<WorkflowPage />)} />
        <Route path="surveys" element={<SurveysPage />} />
        <Route path="surveys/:id/*" element={later(<SurveyPage />)} />
        <Route path="reports" element={later(<ReportsPage />)}>
          <Route index element={<Navigate to="cohorts" replace />} />
          <Route path="cohorts" element={later(<CohortsTab />)} />
          <Route path="revenue" element={later(<RevenueTab />)} />
          <Route path="churn" element={later(<ChurnTab />)} />
          <Route path="email" element={later(<EmailReportTab />)} />
          <Route path="lift" element={later(<LiftTab />)} />
          <Route path="segments" element={later(<SegmentsReportTab />)} />
        </Route>
        <Route path="retention" element={later(<RetentionPage />)}>
          <Route index element={<Navigate to="at-risk" replace />} />
          <Route path="at-risk" element={later(<AtRiskTab />)} />
          <Route path="quality" element={later(<QualityTab />)} />
          <Route path="subscriptions" element={later(<SubscriptionsTab />)} />
        </Route>
        <Route path="loyalty" element={later(<LoyaltyPage />)}>
          {/* The overview as it is, not a redirect: a redirect racing the first run's move to the rules would win. */}
          <Route index element={later(<LoyaltyOverviewTab />)} />
          <Route path="overview" element={later(<LoyaltyOverviewTab />)} />
          <Route path="rules" element={later(<RulesTab />)} />
          <Route path="tiers" element={later(<TiersTab />)} />
          <Route path="rewards" element={later(<RewardsTab />)} />
          <Route path="members" element={later(<MembersTab />)} />
          <Route path="settings" element={later(<LoyaltySettingsTab />)} />
        </Route>
        <Route path="coupons" element={later(<CouponsPage />)} />
        <Route path="coupons/:id" element={later(<CampaignPage />)} />
        <Route path="social" element={later(<SocialPage />)}>
          {/* The stream (or, before any account, the accounts) as it is, not a redirect. */}
          <Route index element={later(<SocialHome />)} />
          <Route path="stream" element={later(<StreamTab />)} />
          <Route path="calendar" element={later(<SocialCalendarTab />)} />
          <Route path="accounts" element={later(<SocialAccountsTab />)} />
        </Route>
        {/* One route with and without the id: a new post keeps its page when it becomes a draft. */}
        <Route path="social/compose/:id?" element={later(<ComposePage />)} />
        <Route path="social/posts/:id" element={later(<PostPage />)} />
        {AREAS.filter((area) => !area.built).map((area) => (
          <Route key={area.path} path={area.path} element={<AreaPage area={area} />} />
        ))}
        <Route path="settings" element={<SettingsPage />}>
          <Route index element={<Navigate to="workspace" replace />} />
          <Route path="workspace" element={<WorkspaceSettings />} />
          <Route path="members" element={<MembersSettings />} />
          <Route path="properties" element={<PropertiesSettings />} />
          <Route path="email" element={<EmailSettings />} />
          <Route path="api-keys" element={<ApiKeysSettings />} />
          <Route path="account" element={<AccountSettings />} />
        </Route>
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function RequireSession({ needsSetup, signedIn, children }: { needsSetup: boolean; signedIn: boolean; children: ReactNode }) {
  const location = useLocation();
  if (needsSetup) return <Navigate to="/setup" replace />;
  if (!signedIn) {
    const here = location.pathname + location.search;
    const next = here === '/' || here === '/contacts' ? '' : `?next=${encodeURIComponent(here)}`;
    return <Navigate to={`/signin${next}`} replace />;
  }
  return children;
}

function AfterSignIn() {
  const location = useLocation();
  return <Navigate to={safeNext(location.search)} replace />;
}

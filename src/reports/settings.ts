// A workspace's report settings: the active window (who counts as active, churned), the
// attribution window of email revenue, and who gets the weekly digest.
import type { SqlSession } from '../db/client.ts';
import { invalid } from '../errors.ts';

export interface ReportSettings {
  activeDays: number;
  attributionDays: number;
  digestUserIds: string[];
}

export const DEFAULT_SETTINGS: ReportSettings = { activeDays: 90, attributionDays: 5, digestUserIds: [] };

export async function reportSettingsOf(db: SqlSession, workspaceId: string): Promise<ReportSettings & { timezone: string }> {
  const [r] = await db.query<{ active_days: number | null; attribution_days: number | null; digest_user_ids: string[] | null; timezone: string }>(
    `select s.active_days, s.attribution_days, s.digest_user_ids, w.timezone
     from workspaces w left join report_settings s on s.workspace_id = w.id where w.id = $1`,
    [workspaceId],
  );
  return {
    activeDays: r?.active_days ?? DEFAULT_SETTINGS.activeDays,
    attributionDays: r?.attribution_days ?? DEFAULT_SETTINGS.attributionDays,
    digestUserIds: r?.digest_user_ids ?? [],
    timezone: r?.timezone ?? 'UTC',
  };
}

export async function saveReportSettings(db: SqlSession, workspaceId: string, s: ReportSettings): Promise<void> {
  const members = await db.query<{ user_id: string }>('select user_id from workspace_members where workspace_id = $1 and user_id = any($2::uuid[])', [workspaceId, s.digestUserIds]);
  const known = new Set(members.map((m) => m.user_id));
  const stranger = s.digestUserIds.findIndex((id) => !known.has(id));
  if (stranger >= 0) throw invalid('not_a_member', 'The digest goes only to members of this workspace.', [{ path: `digestUserIds.${stranger}`, message: 'is not a member of this workspace' }]);
  await db.query(
    `insert into report_settings (workspace_id, active_days, attribution_days, digest_user_ids) values ($1, $2, $3, $4::uuid[])
     on conflict (workspace_id) do update set active_days = excluded.active_days, attribution_days = excluded.attribution_days, digest_user_ids = excluded.digest_user_ids`,
    [workspaceId, s.activeDays, s.attributionDays, s.digestUserIds],
  );
}

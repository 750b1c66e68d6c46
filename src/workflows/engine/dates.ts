// Date triggers: a contact's date coming round (a birthday, a renewal date, 30 days after a
// date), moved by whole days, at a time of day in the contact's time zone. Each pass enrolls
// the contacts whose occurrence fell in the window since the last check (at most every few
// minutes: the scan reads every contact with that date), with the occurrence as the entry's
// occasion, so a window checked twice enrolls nobody twice.
import type { SqlSession } from '../../db/client.ts';
import { Params } from '../../db/params.ts';
import { contactTimeZoneSql, dateOccurrenceSql } from '../../shared/zoned-time.ts';
import type { LiveVersion } from '../versions.ts';
import { enroll } from './entry.ts';
import type { RunContext } from './run-context.ts';

/** How often the contacts are scanned for dates that came round. */
export const DATE_CHECK_MS = 5 * 60_000;

export async function enrollDates(tx: SqlSession, run: RunContext, version: LiveVersion): Promise<number> {
  const t = version.graph.trigger;
  if (t.kind !== 'date') return 0;
  const [w] = await tx.query<{ from: Date | null }>('select date_checked_at as from from workflows where id = $1 for update', [version.workflowId]);
  const from = w?.from ? new Date(w.from) : run.now;
  if (run.now.getTime() - from.getTime() < DATE_CHECK_MS) return 0;
  const p = new Params([run.workspaceId, from, run.now, t.offsetDays, t.at, run.timezone]);
  const value = t.field === 'created_at' ? `to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')` : `(c.properties ->> ${p.add(t.field.replace(/^properties\./, ''), 'text')})`;
  const occurrence = dateOccurrenceSql(value, '$4::int', '$5::text', contactTimeZoneSql('c', '$6::text'), t.yearly, '$2::timestamptz');
  const rows = await tx.query<{ id: string; at: Date }>(
    `select id, at from (select c.id, ${occurrence} as at from contacts c where c.workspace_id = $1) d
     where d.at > $2::timestamptz and d.at <= $3::timestamptz order by d.at, d.id`,
    p.values,
  );
  await tx.query('update workflows set date_checked_at = $2 where id = $1', [version.workflowId, run.now]);
  const entered = await enroll(
    tx,
    run,
    version,
    rows.map((r) => ({ contactId: r.id, occasion: `date:${r.id}:${new Date(r.at).toISOString()}` })),
  );
  return entered.length;
}

// "P(alive) fell below 70 %" starts a win-back: the starter's segment reads the scores, a
// refit moves customers into it, and the workflow takes them in: the scores act through the
// one condition language and the one trigger of segments, nothing of their own.
import { describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/demo.ts';
import { processPending } from '../segments/membership.ts';
import { useHarness } from '../testing/harness.ts';
import { workflowRunsSettled } from '../workflows/engine/schedule.ts';
import { runWorkflows } from '../workflows/engine/tick.ts';
import { createFromStarter } from '../workflows/starters.ts';
import { publishWorkflow } from '../workflows/workflows.ts';
import { fitRetention } from './retention.ts';

const t = useHarness();
const NOW = new Date('2026-11-20T12:00:00Z');
const DAY = 86_400_000;

describe('the win-back starter for valuable customers slipping away', () => {
  it('enrolls the customers a refit moves into its segment, and only them', async () => {
    t.h.clock.set(NOW);
    const owner = await t.h.signUp();
    const ws = owner.workspaceId;
    await loadDemo(t.h.ctx, ws, { contacts: 1200 });
    const workflow = await createFromStarter(t.h.ctx, ws, owner.userId, 'win_back_slipping');
    await publishWorkflow(t.h.ctx, ws, workflow.id, owner.userId);
    const [segment] = await t.h.db.query<{ id: string; definition: unknown }>("select id, definition from segments where workspace_id = $1 and name = 'Valuable and slipping away'", [ws]);
    expect(segment).toBeDefined();
    const inSegment = () =>
      t.h.db.query<{ contact_id: string }>(
        `select s.contact_id from contact_scores s join contact_purchases cp on cp.workspace_id = s.workspace_id and cp.contact_id = s.contact_id
         where s.workspace_id = $1 and s.p_alive >= 0.2 and s.p_alive < 0.7 and s.rfm_monetary >= 4
         group by s.contact_id having sum(cp.orders) >= 2`,
        [ws],
      );
    const before = new Set((await inSegment()).map((r) => r.contact_id));

    // Two months without orders later, the nightly refit: more customers slip into the band.
    t.h.clock.set(new Date(NOW.getTime() + 60 * DAY));
    await fitRetention(t.h.ctx, ws, { cause: 'schedule' });
    const after = new Set((await inSegment()).map((r) => r.contact_id));
    const entered = [...after].filter((id) => !before.has(id));
    expect(entered.length).toBeGreaterThan(0);

    await processPending(t.h.ctx, ws);
    const members = await t.h.db.query<{ contact_id: string }>('select contact_id from segment_members where segment_id = $1 and exited_at is null', [segment!.id]);
    expect(new Set(members.map((m) => m.contact_id))).toEqual(after);

    await workflowRunsSettled();
    await runWorkflows(t.h.ctx, ws);
    await workflowRunsSettled();
    const enrolled = await t.h.db.query<{ contact_id: string }>('select contact_id from workflow_enrollments where workflow_id = $1', [workflow.id]);
    const ids = new Set(enrolled.map((e) => e.contact_id));
    for (const id of entered) expect(ids.has(id), `${id} entered the segment but not the workflow`).toBe(true);
    for (const id of ids) expect(after.has(id), `${id} is in the workflow but not in the segment`).toBe(true);
  }, 300_000);
});

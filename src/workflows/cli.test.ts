// `rapport workflow list | pause | resume`, run in-process as the running server runs a
// caller's command line (src/cli/invocation.ts): the same commands, the harness's database.
import { describe, expect, it } from 'vitest';
import { rapportIn } from '../testing/cli.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop } from '../testing/workflows.ts';
import { createWorkflow, enrollContacts } from './workflows.ts';

const t = useHarness();

const rapport = (...argv: string[]) => rapportIn(t.h, ...argv);

const waitGraph = { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'wait', steps: { wait: { kind: 'wait', for: { days: 1 }, next: null } } };

describe('rapport workflow', () => {
  it('lists workflows as a table, pauses and resumes one by name or id, and says which when a name matches none or several', async () => {
    const shop = await openShop(t.h);
    const [ws] = await t.h.db.query<{ name: string }>('select name from workspaces where id = $1', [shop.workspaceId]);
    const workspace = ws!.name;
    const series = await shop.publish('Welcome series', waitGraph);
    await shop.publish('Welcome back', waitGraph);
    const ids = [await shop.contact(), await shop.contact(), await shop.contact()];
    await enrollContacts(t.h.ctx, shop.workspaceId, series, { contactIds: ids }, 'r1');
    await shop.run();

    const list = await rapport('workflow', 'list', '--workspace', workspace);
    expect(list.code, list.err).toBe(0);
    expect(list.out.split('\n').map((l) => l.replace(/ +/g, ' ').trim())).toEqual([
      'NAME STATE VERSION IN IT NOW ENTERED CONVERTED',
      'Welcome back active 1 0 0 0',
      'Welcome series active 1 3 3 0',
      '',
    ]);
    const json = await rapport('workflow', 'list', '--workspace', workspace, '--json');
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ name: 'Welcome back', state: 'active', liveVersion: 1 }),
      expect.objectContaining({ id: series, name: 'Welcome series', counts: expect.objectContaining({ inNow: 3, entered: 3 }) }),
    ]);
    // Without --workspace: every workspace's, with its name.
    const everywhere = await rapport('workflow', 'list');
    expect(everywhere.out).toMatch(/^WORKSPACE +NAME +STATE/);
    expect(everywhere.out).toContain(`${workspace}`);

    const several = await rapport('workflow', 'pause', 'welcome', '--workspace', workspace);
    expect(several.code).toBe(1);
    expect(several.err).toContain(`Several workflows in "${workspace}" match "welcome": "Welcome back"`);
    expect(several.err).toContain('Give the whole name or the id.');
    const none = await rapport('workflow', 'pause', 'Goodbye', '--workspace', workspace);
    expect(none.code).toBe(1);
    expect(none.err).toBe(`rapport: No workflow in "${workspace}" is named "Goodbye". Its workflows: "Welcome back", "Welcome series".\n`);
    const noWorkspace = await rapport('workflow', 'pause', 'Welcome series', '--workspace', 'Nowhere');
    expect(noWorkspace.code).toBe(1);
    expect(noWorkspace.err).toContain('No workspace is named "Nowhere"');

    const paused = await rapport('workflow', 'pause', 'welcome SERIES', '--workspace', workspace);
    expect(paused.code, paused.err).toBe(0);
    expect(paused.out).toBe(`Paused "Welcome series" in "${workspace}": it is paused.\n`);
    expect((await rapport('workflow', 'list', '--workspace', workspace)).out).toMatch(/Welcome series +paused +1 +3/);

    // Paused: the wait ends, no one moves until resumed.
    t.h.clock.advance(2 * 86_400_000);
    await shop.run();
    expect((await shop.enrollments(series)).every((e) => e.state === 'waiting')).toBe(true);

    const resumed = await rapport('workflow', 'resume', series, '--workspace', shop.workspaceId, '--json');
    expect(resumed.code, resumed.err).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ id: series, name: 'Welcome series', state: 'active' });
    await shop.run();
    expect((await shop.enrollments(series)).every((e) => e.outcome === 'completed')).toBe(true);
    expect((await rapport('workflow', 'list', '--workspace', workspace)).out).toMatch(/Welcome series +active +1 +0 +3 +0/);

    // Only an active workflow can be paused.
    await createWorkflow(t.h.ctx, shop.workspaceId, shop.userId, { name: 'Not yet' });
    const draft = await rapport('workflow', 'pause', 'Not yet', '--workspace', workspace);
    expect(draft.code).toBe(1);
    expect(draft.err).toBe('rapport: Only an active workflow can be paused. This one is draft.\n');
  });

  it('says so when a workspace has no workflows', async () => {
    const shop = await openShop(t.h);
    const [ws] = await t.h.db.query<{ name: string }>('select name from workspaces where id = $1', [shop.workspaceId]);
    const res = await rapport('workflow', 'list', '--workspace', ws!.name);
    expect(res).toEqual({ code: 0, out: `No workflows in "${ws!.name}" yet.\n`, err: '' });
  });
});

// Waits and date triggers in the contact's own time zone, across a daylight-saving change;
// the starters publish as they are.
import { describe, expect, it } from 'vitest';
import { createDefinition } from '../contacts/properties.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop } from '../testing/workflows.ts';
import { DATE_CHECK_MS } from './engine/dates.ts';
import { createFromStarter, WORKFLOW_STARTERS } from './starters.ts';
import { enrollContacts, publishWorkflow } from './workflows.ts';

const t = useHarness();

const wakeOf = async (workflowId: string, contactId: string) =>
  (await t.h.db.query<{ wake_at: Date }>('select wake_at from workflow_enrollments where workflow_id = $1 and contact_id = $2', [workflowId, contactId]))[0]?.wake_at?.toISOString();

describe('time in workflows', () => {
  it('"wait until 09:00" is 09:00 where the contact lives, across the spring change in London, on the weekdays asked', async () => {
    // Saturday 28 March 2026, 12:00 UTC; the clocks go forward in London that night.
    t.h.clock.set('2026-03-28T12:00:00Z');
    const shop = await openShop(t.h);
    const wf = await shop.publish('Morning', {
      trigger: { kind: 'manual' },
      reentry: { policy: 'once' },
      start: 'nine',
      steps: { nine: { kind: 'wait_until', at: '09:00', next: 'monday' }, monday: { kind: 'wait_until', at: '09:00', weekdays: ['mon'], next: null } },
    });
    await t.h.db.query("update workspaces set timezone = 'America/New_York' where id = $1", [shop.workspaceId]);
    await createDefinition(t.h.ctx, shop.workspaceId, { key: 'timezone', label: 'Time zone', description: '', type: 'string', options: [] });
    const london = await shop.contact({ properties: { timezone: 'Europe/London' } });
    const nowhere = await shop.contact({ properties: { timezone: 'Mars/Olympus' } }); // not a zone: the workspace's
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [london, nowhere] }, 'r');
    await shop.run();
    expect(await wakeOf(wf, london)).toBe('2026-03-29T08:00:00.000Z'); // 09:00 BST
    expect(await wakeOf(wf, nowhere)).toBe('2026-03-28T13:00:00.000Z'); // 09:00 EDT in New York
    t.h.clock.set('2026-03-29T08:00:00Z');
    await shop.run();
    // Sunday 09:00 passed; the next Monday 09:00 in London.
    expect(await wakeOf(wf, london)).toBe('2026-03-30T08:00:00.000Z');
  });

  it('a birthday trigger enrolls each contact at 09:00 on their birthday in their time zone, once a year', async () => {
    t.h.clock.set('2026-12-01T00:00:00Z');
    const shop = await openShop(t.h);
    await createDefinition(t.h.ctx, shop.workspaceId, { key: 'birthday', label: 'Birthday', description: '', type: 'date', options: [] });
    await createDefinition(t.h.ctx, shop.workspaceId, { key: 'timezone', label: 'Time zone', description: '', type: 'string', options: [] });
    const wf = await shop.publish('Birthday', {
      trigger: { kind: 'date', field: 'properties.birthday', offsetDays: 0, at: '09:00', yearly: true },
      reentry: { policy: 'every_time', minIntervalHours: 0 },
      start: 'end',
      steps: { end: { kind: 'exit' } },
    });
    const tokyo = await shop.contact({ properties: { birthday: '1990-12-07', timezone: 'Asia/Tokyo' } });
    const ny = await shop.contact({ properties: { birthday: '1985-12-07', timezone: 'America/New_York' } });
    // A value that is not a date (stored before the property was typed) enrolls nobody and stops nothing.
    const odd = await shop.contact();
    await t.h.db.query(`update contacts set properties = properties || '{"birthday": "not a date"}' where id = $1`, [odd]);
    const entered = async () => (await shop.enrollments(wf)).map((e) => e.contact_id);
    t.h.clock.set('2026-12-07T00:00:00Z'); // 09:00 in Tokyo
    await shop.run();
    expect(await entered()).toEqual([tokyo]);
    t.h.clock.set('2026-12-07T13:59:00Z');
    await shop.run();
    expect(await entered()).toEqual([tokyo]);
    t.h.clock.set('2026-12-07T14:05:00Z'); // 09:00 in New York was 14:00Z
    await shop.run();
    await shop.run();
    expect(await entered()).toEqual([tokyo, ny]);
    t.h.clock.advance(30 * DATE_CHECK_MS);
    await shop.run();
    expect(await entered()).toHaveLength(2);
    t.h.clock.set('2027-12-07T15:00:00Z'); // a year later, both again
    await shop.run();
    expect(await entered()).toHaveLength(4);
  });

  it('every starter makes a draft that publishes as it is, with the templates and segment it needs', async () => {
    const shop = await openShop(t.h);
    await createDefinition(t.h.ctx, shop.workspaceId, { key: 'birthday', label: 'Birthday', description: '', type: 'date', options: [] });
    for (const s of WORKFLOW_STARTERS) {
      const w = await createFromStarter(t.h.ctx, shop.workspaceId, shop.userId, s.key);
      expect(w.state).toBe('draft');
      const published = await publishWorkflow(t.h.ctx, shop.workspaceId, w.id, shop.userId);
      expect(published.workflow.state).toBe('active');
    }
    // Used twice: a second draft with its own name, the same templates.
    const again = await createFromStarter(t.h.ctx, shop.workspaceId, shop.userId, 'win_back');
    expect(again.name).toBe('Win back after 90 quiet days 2');
    const [{ n }] = (await t.h.db.query<{ n: number }>("select count(*)::int as n from email_templates where workspace_id = $1 and name = 'We miss you'", [shop.workspaceId])) as [{ n: number }];
    expect(n).toBe(1);
  });
});

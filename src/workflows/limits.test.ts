// Frequency caps, quiet hours and the control group, as a shop sets them: never a silent skip.
import { describe, expect, it } from 'vitest';
import { createDefinition } from '../contacts/properties.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop } from '../testing/workflows.ts';
import { inControlGroup } from './engine/run-context.ts';
import { enrollContacts, updateWorkflow } from './workflows.ts';

const t = useHarness();
const HOUR = 3_600_000;

const sendGraph = (template: string, whenCapped: 'skip' | 'wait' = 'skip') => ({
  trigger: { kind: 'manual' },
  reentry: { policy: 'after_leaving' },
  start: 'mail',
  steps: { mail: { kind: 'send_email', templateId: template, whenCapped, next: null } },
});

describe('email limits in workflows', () => {
  it('quiet hours hold a send until they end in the contact\'s time zone, with an event saying so', async () => {
    t.h.clock.set('2026-06-10T21:30:00Z'); // 22:30 in London (BST), 17:30 in New York
    const shop = await openShop(t.h);
    await createDefinition(t.h.ctx, shop.workspaceId, { key: 'timezone', label: 'Time zone', description: '', type: 'string', options: [] });
    const api = await t.h.signIn(shop.userId, shop.workspaceId);
    expect((await api.put('/api/v1/email/limits', { quietHours: { from: '21:00', to: '08:00' }, controlGroupPercent: 0 })).status).toBe(200);
    const wf = await shop.publish('Quiet', sendGraph(await shop.template()));
    const london = await shop.contact({ properties: { timezone: 'Europe/London' } });
    const ny = await shop.contact({ properties: { timezone: 'America/New_York' } });
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [london, ny] }, 'r');
    await shop.run();
    expect((await shop.messages()).map((m) => m.contact_id)).toEqual([ny]);
    const held = (await shop.events(london)).find((e) => e.name === 'workflow.step_completed');
    expect(held!.properties).toMatchObject({ result: 'held', detail: 'quiet hours until 08:00 their time' });
    t.h.clock.set('2026-06-11T06:59:00Z');
    await shop.run();
    expect(await shop.messages()).toHaveLength(1);
    t.h.clock.set('2026-06-11T07:00:00Z'); // 08:00 in London
    await shop.run();
    expect((await shop.messages()).map((m) => m.contact_id).sort()).toEqual([london, ny].sort());
    expect((await shop.events(london)).filter((e) => e.name === 'workflow.step_completed').map((e) => e.properties.result)).toEqual(['held', 'queued']);
  });

  it('a frequency cap counts broadcasts and workflows in the contact\'s day: past it a send is skipped, or waits for the next day', async () => {
    t.h.clock.set('2026-06-10T10:00:00Z');
    const shop = await openShop(t.h);
    const api = await t.h.signIn(shop.userId, shop.workspaceId);
    expect((await api.put('/api/v1/email/limits', { perDay: 2, controlGroupPercent: 0 })).status).toBe(200);
    const template = await shop.template();
    const skip = await shop.publish('Skips', sendGraph(template, 'skip'));
    const wait = await shop.publish('Waits', sendGraph(template, 'wait'));
    const ann = await shop.contact();
    // One broadcast message today already.
    await t.h.db.query("insert into email_messages (workspace_id, contact_id, kind, idempotency_key, to_email, created_at, state) values ($1, $2, 'broadcast', 'b1', 'x@example.com', $3, 'sent')", [
      shop.workspaceId,
      ann,
      t.h.clock.now(),
    ]);
    await enrollContacts(t.h.ctx, shop.workspaceId, skip, { contactIds: [ann] }, 'r1');
    await shop.run(); // the second of the day
    await enrollContacts(t.h.ctx, shop.workspaceId, wait, { contactIds: [ann] }, 'r2');
    await shop.run(); // a third: waits
    t.h.clock.advance(HOUR);
    await enrollContacts(t.h.ctx, shop.workspaceId, skip, { contactIds: [ann] }, 'r3');
    await shop.run(); // a fourth: skipped
    expect(await shop.messages()).toHaveLength(1);
    const results = (await shop.events(ann)).filter((e) => e.name === 'workflow.step_completed').map((e) => `${e.properties.workflow_name}:${e.properties.result}`);
    expect(results).toEqual(['Skips:queued', 'Waits:capped', 'Skips:skipped']);
    expect((await shop.events(ann)).filter((e) => e.name === 'workflow.step_completed').at(-1)!.properties).toMatchObject({ detail: 'reached the limit of 2 a day marketing emails' });
    t.h.clock.set('2026-06-11T00:00:01Z'); // the next day (UTC: no time zone set)
    await shop.run();
    expect(await shop.messages()).toHaveLength(2);
    // A workflow may lift the workspace's cap for itself.
    await updateWorkflow(t.h.ctx, shop.workspaceId, skip, { emailLimits: { perDay: 10 } });
    await enrollContacts(t.h.ctx, shop.workspaceId, skip, { contactIds: [ann] }, 'r4');
    await shop.run();
    expect(await shop.messages()).toHaveLength(3);
  });

  it('the control group never enters a workflow and gets no broadcast', async () => {
    const shop = await openShop(t.h);
    const api = await t.h.signIn(shop.userId, shop.workspaceId);
    expect((await api.put('/api/v1/email/limits', { controlGroupPercent: 20 })).status).toBe(200);
    const wf = await shop.publish('All', sendGraph(await shop.template()));
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await shop.contact());
    const control = ids.filter((id) => inControlGroup(id, 2000));
    expect(control.length).toBeGreaterThan(2);
    const res = await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: ids }, 'r');
    expect(res).toEqual({ enrolled: 60 - control.length, skipped: control.length });
    const list = await shop.list('Everyone');
    await api.post(`/api/v1/segments/${list}/members`, { contactIds: ids });
    const estimate = await api.get(`/api/v1/email/audience?segmentId=${list}`);
    expect(estimate.status, JSON.stringify(estimate.body)).toBe(200);
    expect(estimate.body.leftOut.controlGroup).toBe(control.length);
    expect(estimate.body.reachable).toBe(60 - control.length);
  });
});

// What a shop sees its workflows do, with the clock moved instead of waited for: triggers,
// re-entry policies, waits, branches, splits, waits for an event, goals, exits, holdouts,
// pause and resume, new versions with contacts in flight.
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { openShop, republish } from '../testing/workflows.ts';
import { enrollContacts, pauseWorkflow, resumeWorkflow } from './workflows.ts';

const t = useHarness();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const purchaseTrigger = { kind: 'event', event: 'purchase', where: [] };

describe('workflows', () => {
  it('a purchase enrolls the buyer, who waits 3 days and then gets the thank-you email, once', async () => {
    const shop = await openShop(t.h);
    const template = await shop.template('Thanks');
    const wf = await shop.publish('Thank you', {
      trigger: { kind: 'event', event: 'purchase', where: [{ property: 'total', type: 'number', op: 'gte', value: 1000 }] },
      reentry: { policy: 'once' },
      start: 'wait',
      steps: {
        wait: { kind: 'wait', for: { days: 3 }, next: 'thanks' },
        thanks: { kind: 'send_email', templateId: template, next: null },
      },
    });
    const ann = await shop.contact({ firstName: 'Ann' });
    const bob = await shop.contact({ firstName: 'Bob' });
    await shop.track(ann, 'purchase', { total: 4500, currency: 'GBP' });
    await shop.track(bob, 'purchase', { total: 500, currency: 'GBP' }); // below the filter
    await shop.run();
    expect(await shop.enrollments(wf)).toMatchObject([{ contact_id: ann, step: 'wait', state: 'waiting' }]);

    t.h.clock.advance(3 * DAY - 60_000);
    await shop.run();
    expect(await shop.messages()).toEqual([]);

    t.h.clock.advance(60_000);
    await shop.run();
    await shop.run(); // a second pass does nothing more
    const [e] = await shop.enrollments(wf);
    expect(e).toMatchObject({ state: 'done', outcome: 'completed', path: ['wait', 'thanks'] });
    const messages = await shop.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ contact_id: ann, kind: 'workflow', state: 'queued' });
    expect(messages[0]!.idempotency_key).toMatch(/^workflow:[0-9a-f-]{36}:thanks$/);
    const events = await shop.events(ann);
    expect(events.map((x) => x.name)).toEqual(['workflow.entered', 'workflow.step_completed', 'workflow.exited']);
    expect(events[1]!.properties).toMatchObject({ step: 'thanks', step_kind: 'send_email', result: 'queued' });
    expect(events[2]!.properties).toMatchObject({ reason: 'completed' });
  });

  it('re-entry: "once" enrolls a contact once ever, "after leaving" again once the run ended, "every time" once per order id', async () => {
    const shop = await openShop(t.h);
    const steps = { start: 'wait', steps: { wait: { kind: 'wait', for: { days: 1 }, next: null } } };
    const once = await shop.publish('Once', { trigger: purchaseTrigger, reentry: { policy: 'once' }, ...steps });
    const again = await shop.publish('Again', { trigger: purchaseTrigger, reentry: { policy: 'after_leaving' }, ...steps });
    const keyed = await shop.publish('Per order', { trigger: { ...purchaseTrigger, keyBy: 'order_id' }, reentry: { policy: 'every_time', minIntervalHours: 0 }, ...steps });
    const ann = await shop.contact();

    // Four purchase events at once (a retried webhook sends the same order twice).
    await shop.track(ann, 'purchase', { order_id: 'A-1' });
    await shop.track(ann, 'purchase', { order_id: 'A-1' });
    await shop.run();
    await shop.track(ann, 'purchase', { order_id: 'A-2' }); // while the first run is live
    await shop.run();
    expect((await shop.enrollments(once)).length).toBe(1);
    expect((await shop.enrollments(again)).length).toBe(1);
    expect((await shop.enrollments(keyed)).map((e) => e.entry_key)).toEqual([`key:${ann}:A-1`]);

    t.h.clock.advance(2 * DAY);
    await shop.run(); // every run ends
    await shop.track(ann, 'purchase', { order_id: 'A-1' }); // the same order again
    await shop.track(ann, 'purchase', { order_id: 'A-3' });
    await shop.run();
    expect((await shop.enrollments(once)).length).toBe(1);
    expect((await shop.enrollments(again)).map((e) => e.entry_key)).toEqual([`contact:${ann}:1`, `contact:${ann}:2`]);
    expect((await shop.enrollments(keyed)).map((e) => e.entry_key)).toEqual([`key:${ann}:A-1`, `key:${ann}:A-3`]);
  });

  it('"every time" with a minimum interval lets a contact in again only after it', async () => {
    const shop = await openShop(t.h);
    const wf = await shop.publish('Browse', {
      trigger: { kind: 'event', event: 'Product Viewed', where: [] },
      reentry: { policy: 'every_time', minIntervalHours: 24 },
      start: 'done',
      steps: { done: { kind: 'exit' } },
    });
    const ann = await shop.contact();
    await shop.track(ann, 'Product Viewed');
    await shop.run();
    t.h.clock.advance(23 * HOUR);
    await shop.track(ann, 'Product Viewed');
    await shop.run();
    expect((await shop.enrollments(wf)).length).toBe(1);
    t.h.clock.advance(2 * HOUR);
    await shop.track(ann, 'Product Viewed');
    await shop.run();
    expect((await shop.enrollments(wf)).map((e) => e.outcome)).toEqual(['exited', 'exited']);
  });

  it('a branch sends each contact down the first path whose condition holds, everyone else down "otherwise"; never two paths', async () => {
    const shop = await openShop(t.h);
    const wf = await shop.publish('Tiers', {
      trigger: { kind: 'manual' },
      reentry: { policy: 'once' },
      start: 'which',
      steps: {
        which: {
          kind: 'branch',
          paths: [
            { name: 'Big spender', condition: { kind: 'event', event: 'purchase', where: [{ property: 'total', type: 'number', op: 'gte', value: 10000 }] }, next: 'big' },
            { name: 'Buyer', condition: { kind: 'event', event: 'purchase' }, next: 'buyer' },
          ],
          otherwise: 'rest',
        },
        big: { kind: 'exit' },
        buyer: { kind: 'exit' },
        rest: { kind: 'exit' },
      },
    });
    const [big, buyer, rest] = [await shop.contact(), await shop.contact(), await shop.contact()];
    await shop.track(big, 'purchase', { total: 20000 });
    await shop.track(buyer, 'purchase', { total: 100 });
    expect(await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [big, buyer, rest] }, 'req-1')).toEqual({ enrolled: 3, skipped: 0 });
    await shop.run();
    const paths = Object.fromEntries((await shop.enrollments(wf)).map((e) => [e.contact_id, e.path]));
    expect(paths).toEqual({ [big]: ['which', 'big'], [buyer]: ['which', 'buyer'], [rest]: ['which', 'rest'] });
  });

  it('a split sends contacts down its paths by percentage, the same path for a contact every time', async () => {
    const shop = await openShop(t.h);
    const graph = {
      trigger: { kind: 'manual' },
      reentry: { policy: 'after_leaving' },
      start: 'ab',
      steps: {
        ab: { kind: 'split', paths: [{ name: 'A', percent: 30, next: 'a' }, { name: 'B', percent: 70, next: 'b' }] },
        a: { kind: 'exit' },
        b: { kind: 'exit' },
      },
    };
    const wf = await shop.publish('A/B', graph);
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) ids.push(await shop.contact());
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: ids }, 'r1');
    await shop.run();
    const first = new Map((await shop.enrollments(wf)).map((e) => [e.contact_id, e.path[1]]));
    const a = [...first.values()].filter((p) => p === 'a').length;
    expect(a).toBeGreaterThan(35);
    expect(a).toBeLessThan(85);
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: ids }, 'r2');
    await shop.run();
    const all = await shop.enrollments(wf);
    expect(all).toHaveLength(400);
    for (const e of all) expect(e.path[1]).toBe(first.get(e.contact_id));
  });

  it('in a purchase-triggered workflow, waiting for a review takes the "reviewed" path if it comes within 7 days, else "timed out"', async () => {
    const shop = await openShop(t.h);
    const wf = await shop.publish('Review', {
      trigger: purchaseTrigger,
      reentry: { policy: 'once' },
      start: 'wait-review',
      steps: {
        'wait-review': { kind: 'wait_event', event: 'Review Posted', where: [{ property: 'stars', type: 'number', op: 'gte', value: 4 }], timeout: { days: 7 }, happened: 'thanks', timedOut: 'nudge' },
        thanks: { kind: 'exit' },
        nudge: { kind: 'exit' },
      },
    });
    const [ann, bob, cy] = [await shop.contact(), await shop.contact(), await shop.contact()];
    for (const c of [ann, bob, cy]) await shop.track(c, 'purchase', { total: 100 });
    await shop.run();
    t.h.clock.advance(2 * DAY);
    await shop.track(ann, 'Review Posted', { stars: 5 });
    await shop.track(bob, 'Review Posted', { stars: 2 }); // does not match the filter
    await shop.run();
    expect((await shop.enrollments(wf)).find((e) => e.contact_id === ann)).toMatchObject({ state: 'done', path: ['wait-review', 'thanks'] });
    t.h.clock.advance(5 * DAY + 1000);
    await shop.run();
    const paths = Object.fromEntries((await shop.enrollments(wf)).map((e) => [e.contact_id, e.path]));
    expect(paths[bob]).toEqual(['wait-review', 'nudge']);
    expect(paths[cy]).toEqual(['wait-review', 'nudge']);
  });

  it('a contact who reaches the goal leaves at once, wherever they are, and counts as converted; an exit condition ends the run', async () => {
    const shop = await openShop(t.h);
    const template = await shop.template();
    const wf = await shop.publish('Win back', {
      trigger: { kind: 'event', event: 'Went Quiet', where: [] },
      reentry: { policy: 'once' },
      goal: { kind: 'event_since_entry', event: 'purchase', where: [] },
      exits: [{ kind: 'field', field: 'email_status', op: 'eq', value: 'unsubscribed' }],
      start: 'wait',
      steps: { wait: { kind: 'wait', for: { days: 5 }, next: 'mail' }, mail: { kind: 'send_email', templateId: template, next: null } },
    });
    const [buyer, leaver, stays] = [await shop.contact(), await shop.contact(), await shop.contact()];
    for (const c of [buyer, leaver, stays]) await shop.track(c, 'Went Quiet');
    await shop.run();
    t.h.clock.advance(DAY);
    await shop.track(buyer, 'purchase', { total: 100 });
    await t.h.db.query("update contacts set email_status = 'unsubscribed' where id = $1", [leaver]);
    await shop.run();
    const byContact = Object.fromEntries((await shop.enrollments(wf)).map((e) => [e.contact_id, e]));
    expect(byContact[buyer]).toMatchObject({ state: 'done', outcome: 'converted', step: 'wait' });
    expect(byContact[leaver]).toMatchObject({ state: 'done', outcome: 'exited' });
    expect(byContact[stays]).toMatchObject({ state: 'waiting' });
    expect((await shop.events(buyer)).map((e) => e.name)).toEqual(['workflow.entered', 'workflow.converted']);
    t.h.clock.advance(5 * DAY);
    await shop.run();
    expect((await shop.messages()).map((m) => m.contact_id)).toEqual([stays]);
  });

  it('a purchase that is both the goal and the event a wait waits for converts the contact: the goal comes first', async () => {
    const shop = await openShop(t.h);
    const wf = await shop.publish('Win back', {
      trigger: { kind: 'manual' },
      reentry: { policy: 'once' },
      goal: { kind: 'event_since_entry', event: 'purchase', where: [] },
      start: 'bought',
      steps: { bought: { kind: 'wait_event', event: 'purchase', where: [], timeout: { days: 7 }, happened: null, timedOut: 'nudge' }, nudge: { kind: 'exit' } },
    });
    const ann = await shop.contact();
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [ann] }, 'r');
    await shop.run();
    t.h.clock.advance(DAY);
    await shop.track(ann, 'purchase', { total: 100 });
    await shop.run();
    expect(await shop.enrollments(wf)).toMatchObject([{ outcome: 'converted', path: ['bought'] }]);
  });

  it('holdout contacts move through the workflow like everyone else but get no action, and it says so', async () => {
    const shop = await openShop(t.h);
    const template = await shop.template();
    const wf = await shop.publish('Held out', { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'mail', steps: { mail: { kind: 'send_email', templateId: template, next: null } } }, { holdoutPercent: 50 });
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await shop.contact());
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: ids }, 'r');
    await shop.run();
    const enrollments = await shop.enrollments(wf);
    const held = enrollments.filter((e) => e.holdout).map((e) => e.contact_id);
    expect(held.length).toBeGreaterThan(10);
    expect(held.length).toBeLessThan(50);
    expect(enrollments.every((e) => e.outcome === 'completed')).toBe(true);
    const sentTo = new Set((await shop.messages()).map((m) => m.contact_id));
    expect(sentTo.size).toBe(60 - held.length);
    for (const c of held) {
      expect(sentTo.has(c)).toBe(false);
      expect((await shop.events(c)).find((e) => e.name === 'workflow.step_completed')!.properties).toMatchObject({ result: 'holdout' });
    }
  });

  it('an unsubscribed contact is skipped by a send step with the reason on their timeline, never silently', async () => {
    const shop = await openShop(t.h);
    const template = await shop.template();
    const wf = await shop.publish('Mail', { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'mail', steps: { mail: { kind: 'send_email', templateId: template, next: null } } });
    const gone = await shop.contact({ emailStatus: 'unsubscribed' });
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [gone] }, 'r');
    await shop.run();
    expect(await shop.messages()).toEqual([]);
    const step = (await shop.events(gone)).find((e) => e.name === 'workflow.step_completed');
    expect(step!.properties).toMatchObject({ result: 'skipped', detail: 'the contact is unsubscribed' });
  });

  it('pause holds everyone at their step; resume moves those whose wait ended, once, without skipping a step', async () => {
    const shop = await openShop(t.h);
    const template = await shop.template();
    const wf = await shop.publish('Series', {
      trigger: { kind: 'manual' },
      reentry: { policy: 'once' },
      start: 'one',
      steps: {
        one: { kind: 'send_email', templateId: template, next: 'wait' },
        wait: { kind: 'wait', for: { days: 2 }, next: 'two' },
        two: { kind: 'send_email', templateId: template, next: null },
      },
    });
    const ids = [await shop.contact(), await shop.contact()];
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: ids }, 'r');
    await shop.run();
    expect(await shop.messages()).toHaveLength(2);
    await pauseWorkflow(t.h.ctx, shop.workspaceId, wf);
    t.h.clock.advance(3 * DAY);
    await shop.run();
    expect(await shop.messages()).toHaveLength(2);
    expect((await shop.enrollments(wf)).every((e) => e.step === 'wait' && e.state === 'waiting')).toBe(true);
    await resumeWorkflow(t.h.ctx, shop.workspaceId, wf);
    await shop.run();
    await shop.run();
    const keys = (await shop.messages()).map((m) => m.idempotency_key.split(':').at(-1));
    expect(keys.sort()).toEqual(['one', 'one', 'two', 'two']);
    expect((await shop.enrollments(wf)).every((e) => e.outcome === 'completed' && e.path.join() === 'one,wait,two')).toBe(true);
  });

  it('a new version leaves contacts in flight on theirs unless a mapping moves them', async () => {
    const shop = await openShop(t.h);
    const v1 = { trigger: { kind: 'manual' }, reentry: { policy: 'once' }, start: 'wait', steps: { wait: { kind: 'wait', for: { days: 1 }, next: 'end' }, end: { kind: 'exit' } } };
    const wf = await shop.publish('Versions', v1);
    const [ann, bob] = [await shop.contact(), await shop.contact()];
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [ann] }, 'r1');
    await shop.run();
    const v2 = { ...v1, start: 'pause', steps: { pause: { kind: 'wait', for: { days: 1 }, next: 'last' }, last: { kind: 'exit' } } };
    expect((await republish(t.h, shop, wf, v2)).version).toBe(2);
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [bob] }, 'r2');
    await shop.run();
    t.h.clock.advance(DAY + 1000);
    await shop.run();
    const byContact = Object.fromEntries((await shop.enrollments(wf)).map((e) => [e.contact_id, e]));
    expect(byContact[ann]).toMatchObject({ version: 1, path: ['wait', 'end'] });
    expect(byContact[bob]).toMatchObject({ version: 2, path: ['pause', 'last'] });

    // Version 3 with a mapping: those waiting at "pause" continue at "hold".
    const cy = await shop.contact();
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [cy] }, 'r3');
    await shop.run();
    const v3 = { ...v1, start: 'hold', steps: { hold: { kind: 'wait', for: { days: 1 }, next: 'fin' }, fin: { kind: 'exit' } } };
    expect((await republish(t.h, shop, wf, v3, { pause: 'hold' })).moved).toBe(1);
    t.h.clock.advance(DAY + 1000);
    await shop.run();
    expect((await shop.enrollments(wf)).find((e) => e.contact_id === cy)).toMatchObject({ version: 3, path: ['pause', 'hold', 'fin'], outcome: 'exited' });
  });

  it('entering a segment, being added to a list, or leaving a segment starts a workflow', async () => {
    const shop = await openShop(t.h);
    const list = await shop.list('Newsletter');
    const wf = await shop.publish('Welcome', { trigger: { kind: 'list_added', listId: list }, reentry: { policy: 'once' }, start: 'end', steps: { end: { kind: 'exit' } } });
    const ann = await shop.contact();
    const res = await (await t.h.signIn(shop.userId, shop.workspaceId)).post(`/api/v1/segments/${list}/members`, { contactIds: [ann] });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    await shop.run();
    expect(await shop.enrollments(wf)).toMatchObject([{ contact_id: ann, outcome: 'exited' }]);
  });

  it('a step that updates a field and one that adds to a list change the contact, on their history', async () => {
    const shop = await openShop(t.h);
    const list = await shop.list('Engaged');
    const wf = await shop.publish('Tag', {
      trigger: { kind: 'manual' },
      reentry: { policy: 'once' },
      start: 'stage',
      steps: { stage: { kind: 'update_contact', field: 'lifecycle_stage', value: 'customer', next: 'tag' }, tag: { kind: 'list', action: 'add', listId: list, next: null } },
    });
    const ann = await shop.contact();
    await enrollContacts(t.h.ctx, shop.workspaceId, wf, { contactIds: [ann] }, 'r');
    await shop.run();
    const [c] = await t.h.db.query<{ lifecycle_stage: string }>('select lifecycle_stage from contacts where id = $1', [ann]);
    expect(c!.lifecycle_stage).toBe('customer');
    expect((await shop.events(ann, 'segment.')).map((e) => e.name)).toEqual(['segment.entered']);
    const results = (await shop.events(ann)).filter((e) => e.name === 'workflow.step_completed').map((e) => e.properties.result);
    expect(results).toEqual(['updated', 'added']);
  });

  it('publishing names the step at fault: an unknown template, a list that is a segment, a branch without paths', async () => {
    const shop = await openShop(t.h);
    const res = await shop.publish('Broken', {
      trigger: { kind: 'manual' },
      reentry: { policy: 'once' },
      start: 'mail',
      steps: { mail: { kind: 'send_email', templateId: '01890000-0000-7000-8000-000000000000', next: 'pick' }, pick: { kind: 'branch', paths: [], otherwise: null } },
    }).catch((e: unknown) => e as { details: { path: string; message: string }[] });
    expect(res).toMatchObject({ details: expect.arrayContaining([expect.objectContaining({ path: 'steps.mail.templateId' }), expect.objectContaining({ path: 'steps.pick.paths' })]) });
  });
});

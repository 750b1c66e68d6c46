// Workflows give points and coupons: "a customer who signed up gets 50 welcome points and a
// code for their first order, then an email that shows both". A step retried after a crash
// gives nothing twice; a paused campaign skips the contact and says why.
import { describe, expect, it } from 'vitest';
import { moduleMergeData } from '../messaging/templates/merge-data.ts';
import { useHarness } from '../testing/harness.ts';
import { openShop } from '../testing/workflows.ts';

const t = useHarness();

describe('loyalty steps in workflows', () => {
  it('awards points and issues a code once per enrollment, and the next email reads both', async () => {
    const shop = await openShop(t.h);
    const api = (await t.h.apiKey(shop.workspaceId, 'full')).client;
    expect((await api.put('/api/v1/loyalty/program', {})).status).toBe(200);
    const campaign = (await api.post('/api/v1/coupons/campaigns', { name: 'Welcome 10 %', codeKind: 'unique', discount: { kind: 'percent', percent: 10 }, perCodeLimit: 1, channel: 'email' })).body;
    const template = (
      await api.post('/api/v1/email/templates', {
        name: 'Welcome',
        subject: 'Your {{ loyalty.points }} points',
        body: '<mjml><mj-body><mj-section><mj-column><mj-text>Use {{ coupon.code }} for {{ coupon.discount }}.</mj-text></mj-column></mj-section></mj-body></mjml>',
      })
    ).body.id as string;
    const wf = await shop.publish('Welcome', {
      trigger: { kind: 'event', event: 'Signed Up', where: [] },
      reentry: { policy: 'once' },
      start: 'points',
      steps: {
        points: { kind: 'award_points', points: 50, reason: 'Welcome gift', next: 'code' },
        code: { kind: 'issue_coupon', campaignId: campaign.id, next: 'mail' },
        mail: { kind: 'send_email', templateId: template, next: null },
      },
    });
    const ann = await shop.contact({ firstName: 'Ann' });
    await shop.track(ann, 'Signed Up');
    await shop.run();
    await shop.run();
    expect(await shop.enrollments(wf)).toMatchObject([{ contact_id: ann, state: 'done', outcome: 'completed' }]);
    const steps = (await shop.events(ann)).filter((e) => e.name === 'workflow.step_completed').map((e) => [e.properties.step, e.properties.result]);
    expect(steps).toEqual([
      ['points', 'points_awarded'],
      ['code', 'coupon_issued'],
      ['mail', 'queued'],
    ]);
    const member = (await api.get(`/api/v1/loyalty/members/${ann}`)).body;
    expect(member).toMatchObject({ points: 50, lifetime: 50 });
    expect(member.statement).toEqual([expect.objectContaining({ kind: 'earn', points: 50 })]);
    const [code] = await t.h.db.query<{ code: string }>('select code from coupon_codes where campaign_id = $1 and contact_id = $2', [campaign.id, ann]);
    const data = (await moduleMergeData(t.h.ctx, shop.workspaceId, [ann])).get(ann)!;
    expect(data).toMatchObject({ loyalty: { points: 50 }, coupon: { code: code!.code, discount: '10% off' } });
    const preview = (await api.post(`/api/v1/email/templates/${template}/preview`, { contactId: ann })).body;
    expect(preview.subject).toBe('Your 50 points');
    expect(preview.text).toContain(`Use ${code!.code} for 10% off.`);

    // A paused campaign: the next contact gets their points, no code, and a reason.
    await api.put(`/api/v1/coupons/campaigns/${campaign.id}`, { name: 'Welcome 10 %', codeKind: 'unique', discount: { kind: 'percent', percent: 10 }, perCodeLimit: 1, channel: 'email', state: 'paused' });
    const bob = await shop.contact({ firstName: 'Bob' });
    await shop.track(bob, 'Signed Up');
    await shop.run();
    await shop.run();
    const bobSteps = (await shop.events(bob)).filter((e) => e.name === 'workflow.step_completed').map((e) => [e.properties.step, e.properties.result, e.properties.detail ?? null]);
    expect(bobSteps[1]).toEqual(['code', 'skipped', 'The campaign “Welcome 10 %” is paused: it gives no more codes.']);
  });
});

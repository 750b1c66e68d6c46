import { describe, expect, it } from 'vitest';
import { useHarness } from '../../testing/harness.ts';
import { preferencesUrl } from './preferences.ts';

const t = useHarness({ work: true });

const form = (fields: [string, string][]) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const body = '<mjml><mj-body><mj-section><mj-column><mj-text>News <a href="{{ links.preferences }}">Preferences</a></mj-text></mj-column></mj-section></mj-body></mjml>';

describe('the preference page', () => {
  it('lets a contact leave one topic, then every email, then come back; broadcasts about a topic skip those who left it', async () => {
    const { client: api, workspaceId } = await t.h.signUp({ workspaceName: 'Shop <b>&</b>' });
    const offers = (await api.post('/api/v1/email/topics', { name: 'Offers', description: 'Discounts <i>only</i> subscribers get' })).body;
    const news = (await api.post('/api/v1/email/topics', { name: 'Product news' })).body;
    expect((await api.post('/api/v1/email/topics', { name: 'offers' })).status).toBe(409);
    const pia = (await api.post('/api/v1/contacts', { email: 'pia@example.com', firstName: 'Pia', emailStatus: 'subscribed' })).body;
    const path = new URL(preferencesUrl(t.h.ctx, workspaceId, pia.id)).pathname;

    const page = await t.h.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Shop &#60;b&#62;&#38;&#60;/b&#62;');
    expect(page.body).toContain('Discounts &#60;i&#62;only&#60;/i&#62; subscribers get');
    expect(page.body).toMatch(new RegExp(`value="${offers.id}" checked`));

    // Keep the news, leave the offers.
    const saved = await t.h.app.inject({ method: 'POST', url: path, ...form([['topic', news.id], ['all', 'yes']]) });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toContain('Saved.');
    expect(saved.body).not.toMatch(new RegExp(`value="${offers.id}" checked`));
    expect((await api.get('/api/v1/email/topics')).body.find((x: { id: string }) => x.id === offers.id).optedOut).toBe(1);

    // An offer broadcast skips her; a news broadcast reaches her (outbox).
    const list = (await api.post('/api/v1/segments', { kind: 'list', name: 'All' })).body;
    await api.post(`/api/v1/segments/${list.id}/members`, { contactIds: [pia.id] });
    const template = (await api.post('/api/v1/email/templates', { name: 'News', subject: 'News', body })).body;
    const send = async (name: string, topicId: string) => {
      const b = (await api.post('/api/v1/email/broadcasts', { name, templateId: template.id, segmentId: list.id, topicId })).body;
      expect((await api.post(`/api/v1/email/broadcasts/${b.id}/send`, {})).status).toBe(200);
      return until(name, async () => {
        const x = (await api.get(`/api/v1/email/broadcasts/${b.id}`)).body;
        return x.state === 'sent' ? x.counts : undefined;
      });
    };
    const estimate = async (topicId: string) => (await api.get(`/api/v1/email/audience?segmentId=${list.id}&topicId=${topicId}`)).body;
    expect(await estimate(offers.id)).toEqual({ members: 1, reachable: 0, leftOut: { noEmail: 0, suppressed: 0, notSubscribed: 0, leftTopic: 1, controlGroup: 0 } });
    expect((await estimate(news.id)).reachable).toBe(1);
    const elsewhere = (await (await t.h.signUp()).client.post('/api/v1/email/topics', { name: 'Elsewhere' })).body;
    expect((await api.get(`/api/v1/email/audience?segmentId=${list.id}&topicId=${elsewhere.id}`)).status).toBe(404);
    expect(await send('Offer', offers.id)).toMatchObject({ recipients: 1, sent: 0, suppressed: 1 });
    expect(await send('News', news.id)).toMatchObject({ recipients: 1, sent: 1, suppressed: 0 });

    // Everything off: unsubscribed, suppressed; then back on.
    await t.h.app.inject({ method: 'POST', url: path, ...form([['all', 'no']]) });
    expect((await api.get(`/api/v1/contacts/${pia.id}`)).body.emailStatus).toBe('unsubscribed');
    expect(await send('News 2', news.id)).toMatchObject({ sent: 0, suppressed: 1 });
    const back = await t.h.app.inject({ method: 'POST', url: path, ...form([['topic', news.id], ['topic', offers.id], ['all', 'yes']]) });
    expect(back.statusCode).toBe(200);
    expect((await api.get(`/api/v1/contacts/${pia.id}`)).body.emailStatus).toBe('subscribed');
    expect(await send('Offer 2', offers.id)).toMatchObject({ sent: 1 });
    const names = (await api.get(`/api/v1/contacts/${pia.id}/events`)).body.items.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['email.preferences_changed', 'email.unsubscribed', 'email.resubscribed']));
  });

  it('answers a changed link with 404, an unclear form with 400, and keeps another workspace’s topics out', async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    const theirs = (await b.client.post('/api/v1/email/topics', { name: 'Theirs' })).body;
    const mine = (await a.client.post('/api/v1/email/topics', { name: 'Mine' })).body;
    const c = (await a.client.post('/api/v1/contacts', { email: 'c@example.com' })).body;
    const path = new URL(preferencesUrl(t.h.ctx, a.workspaceId, c.id)).pathname;
    const flipped = path.slice(0, -3) + (path.at(-3) === 'A' ? 'B' : 'A') + path.slice(-2);
    expect((await t.h.app.inject({ method: 'GET', url: flipped })).statusCode).toBe(404);
    expect((await t.h.app.inject({ method: 'POST', url: path, ...form([['topic', mine.id]]) })).statusCode).toBe(400);
    await t.h.app.inject({ method: 'POST', url: path, ...form([['topic', theirs.id], ['all', 'yes']]) });
    const [n] = await t.h.db.query<{ n: number }>('select count(*)::int as n from email_topic_optouts where topic_id = $1', [theirs.id]);
    expect(n!.n).toBe(0);
    expect((await b.client.patch(`/api/v1/email/topics/${mine.id}`, { name: 'Stolen' })).status).toBe(404);
    expect((await b.client.delete(`/api/v1/email/topics/${mine.id}`)).status).toBe(404);
  });
});

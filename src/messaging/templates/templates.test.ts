import { describe, expect, it } from 'vitest';
import { useHarness } from '../../testing/harness.ts';
import { STARTERS } from './starters.ts';

const t = useHarness();

const body = (inner: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${inner}</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe('email templates', () => {
  it('are checked on save, with the field, line and column of each problem', async () => {
    const { client: api } = await t.h.signUp();
    const bad = await api.post('/api/v1/email/templates', {
      name: 'Broken',
      subject: 'Hi {{ contact.first_name',
      body: '<mjml><mj-body>\n<mj-section><mj-column>\n<mj-text>{% for x in y %}</mj-text>\n</mj-column></mj-section></mj-body></mjml>',
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(['body.subject', 'body.body']);
    expect(bad.body.error.details[1]).toMatchObject({ line: 3, message: expect.stringMatching(/^line 3, column \d+: /) });
    const ok = await api.post('/api/v1/email/templates', { name: 'Hello', subject: 'Hi {{ contact.first_name }}', body: body('Hi') });
    expect(ok.status).toBe(201);
    expect((await api.post('/api/v1/email/templates', { name: 'hello', subject: 'x', body: body('x') })).status).toBe(409);
    const broken = await api.patch(`/api/v1/email/templates/${ok.body.id}`, { body: body('{{ contact.first_name | nope }}') });
    expect(broken.status).toBe(400);
    expect((await api.get(`/api/v1/email/templates/${ok.body.id}`)).body.body).toBe(body('Hi'));
  });

  it('a change keeps what it does not name, and the workspace postal address and preview links show in the preview', async () => {
    const { client: api } = await t.h.signUp({ workspaceName: 'Corner Shop' });
    const created = (
      await api.post('/api/v1/email/templates', {
        name: 'Footer',
        subject: 'Hi',
        preheader: 'Kept',
        body: body('{{ workspace.name }}, {{ workspace.postal_address }} <a href="{{ links.unsubscribe }}">Leave</a> {{ contact.first_name }}'),
        defaults: { 'contact.first_name': 'friend' },
      })
    ).body;
    const renamed = (await api.patch(`/api/v1/email/templates/${created.id}`, { subject: 'Hello' })).body;
    expect(renamed).toMatchObject({ subject: 'Hello', preheader: 'Kept', defaults: { 'contact.first_name': 'friend' } });
    expect((await api.patch('/api/v1/workspace', { postalAddress: '  12 Market Street, Leeds ' })).body).toMatchObject({ name: 'Corner Shop', postalAddress: '12 Market Street, Leeds' });
    const preview = (await api.post(`/api/v1/email/templates/${created.id}/preview`, {})).body;
    expect(preview.text).toContain('Corner Shop, 12 Market Street, Leeds Leave [http://localhost:');
    expect(preview.html).toMatch(/href="http:\/\/localhost:\d+\/u\/preview"/);
    const page = await t.h.app.inject({ method: 'GET', url: '/u/preview' });
    expect(page.body).toContain('This is a preview');
  });

  it('preview as a chosen contact: personalized, escaped, with fallbacks and the workspace snippets', async () => {
    const { client: api } = await t.h.signUp();
    expect((await api.put('/api/v1/email/snippets/footer', { body: '<mj-text>Sent by {{ workspace.name }}</mj-text>' })).status).toBe(200);
    expect((await api.put('/api/v1/email/snippets/broken', { body: '{% if %}' })).status).toBe(400);
    const contact = (await api.post('/api/v1/contacts', { email: 'eve@example.com', firstName: '<script>alert(1)</script>' })).body;
    const tpl = (
      await api.post('/api/v1/email/templates', {
        name: 'Win back',
        subject: 'We miss you, {{ contact.first_name }}',
        body: `<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ contact.first_name }}, {{ contact.last_name }}!</mj-text>{% render 'footer', workspace: workspace %}</mj-column></mj-section></mj-body></mjml>`,
        defaults: { 'contact.first_name': 'friend', 'contact.last_name': 'welcome back' },
      })
    ).body;
    const asEve = await api.post(`/api/v1/email/templates/${tpl.id}/preview`, { contactId: contact.id });
    expect(asEve.status).toBe(200);
    expect(asEve.body.html).toContain('Hi &lt;script&gt;alert(1)&lt;/script&gt;, welcome back!');
    expect(asEve.body.html).toMatch(/Sent by Workspace \d+/);
    expect(asEve.body.text).toContain('Hi <script>alert(1)</script>, welcome back!');
    const asNobody = await api.post(`/api/v1/email/templates/${tpl.id}/preview`, {});
    expect(asNobody.body.subject).toBe('We miss you, friend');
  });

  it('offers retention starters that save and render with every fallback', async () => {
    const { client: api } = await t.h.signUp();
    const starters = (await api.get('/api/v1/email/templates/starters')).body;
    expect(starters.map((s: { key: string }) => s.key)).toEqual(['welcome', 'win_back', 'loyalty_summary', 'points_expiring', 'feedback_request', 'detractor_follow_up', 'exclusive_offer']);
    for (const s of STARTERS) {
      const created = await api.post('/api/v1/email/templates', s.template);
      expect(created.status, s.key).toBe(201);
      const preview = await api.post(`/api/v1/email/templates/${created.body.id}/preview`, {});
      expect(preview.status).toBe(200);
      expect(preview.body.subject).not.toMatch(/ ,|,\s*$|\{\{/);
      expect(preview.body.text).toContain('Unsubscribe');
    }
  });

  it('belong to their workspace', async () => {
    const a = await t.h.signUp();
    const b = await t.h.signUp();
    const tpl = (await a.client.post('/api/v1/email/templates', { name: 'Mine', subject: 's', body: body('x') })).body;
    expect((await b.client.get(`/api/v1/email/templates/${tpl.id}`)).status).toBe(404);
    expect((await b.client.post(`/api/v1/email/templates/${tpl.id}/preview`, {})).status).toBe(404);
    expect((await b.client.patch(`/api/v1/email/templates/${tpl.id}`, { name: 'Theirs' })).status).toBe(404);
    expect((await b.client.delete(`/api/v1/email/templates/${tpl.id}`)).status).toBe(404);
    expect((await b.client.get('/api/v1/email/templates')).body).toEqual([]);
    // A's contact cannot be used to preview B's template.
    const contact = (await a.client.post('/api/v1/contacts', { email: 'a@example.com' })).body;
    const mine = (await b.client.post('/api/v1/email/templates', { name: 'B', subject: 's', body: body('{{ contact.email }}') })).body;
    expect((await b.client.post(`/api/v1/email/templates/${mine.id}/preview`, { contactId: contact.id })).status).toBe(404);
  });
});

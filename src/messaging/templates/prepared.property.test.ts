// A broadcast renders each message from a template compiled once; a test send or a preview
// renders the whole template for one contact. Whatever the contact's data, both must give the
// same subject, HTML and text, for every starting template and for templates using snippets,
// conditions and loops.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareTemplate } from './prepared.ts';
import { renderTemplate, type RenderData, type TemplateSource } from './render.ts';
import { STARTERS } from './starters.ts';

const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', '  two  spaces ', 'Ann', '<script>alert(1)</script>', 'O\'Brien & "Sons"', 'línea\nnueva', 'tab\there', 'Zoë 👋', '{{ contact.email }}', '{% raw %}'),
);
const value = fc.oneof(text, fc.integer({ min: -1000, max: 100000 }), fc.boolean(), fc.constant(null));
const data: fc.Arbitrary<RenderData> = fc.record({
  contact: fc.record({
    first_name: fc.option(text, { nil: undefined }),
    last_name: fc.option(text, { nil: null }),
    email: fc.option(text, { nil: null }),
    properties: fc.record({ loyalty_points: value, loyalty_tier: value, winback_offer: value, code: value, tags: fc.array(text, { maxLength: 3 }) }, { requiredKeys: [] }),
  }),
  workspace: fc.record({ name: text, postal_address: text }),
  links: fc.record({ unsubscribe: fc.constant('https://app.example.com/u/tok'), preferences: fc.constant('https://app.example.com/p/tok'), shop: fc.option(fc.webUrl(), { nil: undefined }) }, { requiredKeys: ['unsubscribe'] }),
}) as fc.Arbitrary<RenderData>;

const snippets = { footer: '<mj-section><mj-column><mj-text>{{ workspace.name }} · <a href="{{ links.unsubscribe }}">Leave</a></mj-text></mj-column></mj-section>' };
const custom: TemplateSource = {
  subject: '{% if contact.first_name %}{{ contact.first_name | capitalize }}, {% endif %}news',
  preheader: '{{ contact.properties.code | default: "no code" }}',
  body: `<mjml><mj-body>
  <mj-section><mj-column>
    <mj-text>{% if contact.properties.loyalty_points > 100 %}Gold reader{% else %}Hello{% endif %} {{ contact.first_name | default: "friend" }}</mj-text>
    <mj-text>{% for t in contact.properties.tags %}<b>{{ t }}</b>{% unless forloop.last %}, {% endunless %}{% endfor %}</mj-text>
    <mj-button href="{{ links.shop | default: 'https://shop.example.com' }}">Shop</mj-button>
  </mj-column></mj-section>
  {% render 'footer' %}
</mj-body></mjml>`,
  defaults: { 'contact.last_name': 'reader' },
};

const templates: [string, TemplateSource][] = [...STARTERS.map((s) => [s.key, s.template] as [string, TemplateSource]), ['custom', custom]];

describe('a template compiled once renders exactly as the whole template rendered per contact', () => {
  for (const [name, template] of templates) {
    it(name, async () => {
      const prepared = await prepareTemplate(template, snippets, []);
      expect(prepared.mode).toBe('fast');
      await fc.assert(
        fc.asyncProperty(data, async (d) => {
          const [fast, full] = [await prepared.render(d), await renderTemplate(template, d, snippets)];
          expect(fast).toEqual(full);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('falls back to the full render when Liquid builds MJML structure', async () => {
    const structural: TemplateSource = {
      subject: 'Hi',
      preheader: '',
      body: '<mjml><mj-body>{% if contact.first_name %}<mj-section><mj-column><mj-text>Hi {{ contact.first_name }}</mj-text></mj-column></mj-section>{% endif %}</mj-body></mjml>',
    };
    const samples: RenderData[] = [{ contact: { first_name: 'Ann' }, workspace: { name: 'W' } }, { contact: {}, workspace: { name: 'W' } }];
    const prepared = await prepareTemplate(structural, {}, samples);
    expect(prepared.mode).toBe('full');
    for (const s of samples) expect(await prepared.render(s)).toEqual(await renderTemplate(structural, s, {}));
  });
});

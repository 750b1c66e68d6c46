import { describe, expect, it } from 'vitest';
import { checkTemplate, renderTemplate, TemplateError, type TemplateSource } from './render.ts';
import { STARTERS } from './starters.ts';

const mjml = (inner: string) => `<mjml><mj-body><mj-section><mj-column><mj-text>${inner}</mj-text></mj-column></mj-section></mj-body></mjml>`;
const workspace = { name: 'Acme Coffee', postal_address: '1 Bean Street, Leeds' };

describe('rendering a template for a contact', () => {
  it('personalizes subject and body, with the template default or a Liquid default where a field is missing', async () => {
    const src: TemplateSource = {
      subject: 'Hi {{ contact.first_name }}, we miss you',
      preheader: 'A treat from {{ workspace.name }}',
      body: mjml('Hello {{ contact.first_name }} from {{ contact.properties.city | default: "your town" }}. {{ workspace.postal_address }}'),
      defaults: { 'contact.first_name': 'there' },
    };
    const ann = await renderTemplate(src, { contact: { first_name: 'Ann', properties: { city: 'York' } }, workspace });
    expect(ann.subject).toBe('Hi Ann, we miss you');
    expect(ann.preheader).toBe('A treat from Acme Coffee');
    expect(ann.html).toContain('Hello Ann from York.');
    expect(ann.html).toContain('<!doctype html>');
    const nobody = await renderTemplate(src, { contact: { first_name: '  ', properties: {} }, workspace });
    expect(nobody.subject).toBe('Hi there, we miss you');
    expect(nobody.html).toContain('Hello there from your town.');
    expect(nobody.text).toContain('Hello there from your town. 1 Bean Street, Leeds');
    expect(nobody.text).not.toContain('<');
  });

  it("a starter's footer names the sender and its postal address, and no stray separator where the address is not set yet", async () => {
    const starter = STARTERS.find((x) => x.key === 'win_back')!.template;
    const contact = { first_name: 'Ann', properties: {} };
    const withAddress = await renderTemplate(starter, { contact, workspace });
    expect(withAddress.text).toContain('Acme Coffee · 1 Bean Street, Leeds');
    const without = await renderTemplate(starter, { contact, workspace: { name: 'Acme Coffee', postal_address: '' } });
    expect(without.text).toMatch(/Acme Coffee\s*\n/);
    expect(without.text).not.toMatch(/Acme Coffee\s*·/);
    expect(without.html).not.toMatch(/Acme Coffee\s*·/);
  });

  it('escapes what contacts wrote, and keeps the subject on one line', async () => {
    const out = await renderTemplate(
      { subject: 'For {{ contact.first_name }}', preheader: '', body: mjml('Dear {{ contact.first_name }}') },
      { contact: { first_name: '<script>alert(1)</script>\r\nBcc: victim@example.com' }, workspace },
    );
    expect(out.html).not.toContain('<script>alert(1)</script>');
    expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out.subject).toBe('For <script>alert(1)</script> Bcc: victim@example.com');
    expect(out.subject).not.toMatch(/[\r\n]/);
  });

  it('uses the workspace snippets and nothing from the file system', async () => {
    const snippets = { footer: '<mj-text>{{ workspace.name }}, {{ workspace.postal_address }}</mj-text>' };
    const body = `<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text>{% render 'footer', workspace: workspace %}</mj-column></mj-section></mj-body></mjml>`;
    const out = await renderTemplate({ subject: 's', preheader: '', body }, { contact: {}, workspace }, snippets);
    expect(out.html).toContain('Acme Coffee, 1 Bean Street, Leeds');
    for (const tag of ["{% include '/etc/passwd' %}", "{% render '../../package.json' %}", "{% layout 'src/config.ts' %}x"]) {
      await expect(renderTemplate({ subject: 's', preheader: '', body: mjml(tag) }, { contact: {}, workspace }, snippets)).rejects.toThrow(TemplateError);
    }
  });

  it('reads no prototypes, and stops a template that loops forever or grows without bound', async () => {
    const probe = await renderTemplate(
      { subject: '{{ contact.constructor }}{{ contact.__proto__ }}{{ contact.toString }}', preheader: '', body: mjml('[{{ contact.constructor.name }}][{{ "x".constructor }}]') },
      { contact: { first_name: 'A' }, workspace },
    );
    expect(probe.subject).toBe('');
    expect(probe.html).toContain('[][]');
    const started = performance.now();
    await expect(
      renderTemplate({ subject: 's', preheader: '', body: mjml('{% for i in (1..1000000000) %}{{ i }}{% endfor %}') }, { contact: {}, workspace }),
    ).rejects.toThrow(TemplateError);
    await expect(
      renderTemplate({ subject: 's', preheader: '', body: mjml('{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}') }, { contact: {}, workspace }),
    ).rejects.toThrow(TemplateError);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('checking a template when it is saved', () => {
  it('gives the part, line and column of a Liquid error and the line of an MJML error', async () => {
    const liquid = await checkTemplate({ subject: 'ok', preheader: '', body: `<mjml><mj-body>\n<mj-section><mj-column>\n  <mj-text>{{ contact.first_name | nope }}</mj-text>\n</mj-column></mj-section></mj-body></mjml>` });
    expect(liquid).toEqual([{ part: 'body', line: 3, column: 12, message: expect.stringContaining('nope') }]);
    const subject = await checkTemplate({ subject: 'Hi {% if x %}', preheader: '', body: mjml('x') });
    expect(subject[0]).toMatchObject({ part: 'subject', line: 1 });
    const structure = await checkTemplate({ subject: 's', preheader: '', body: '<mjml><mj-body>\n<mj-text>outside a column</mj-text>\n</mj-body></mjml>' });
    expect(structure.length).toBeGreaterThan(0);
    expect(structure[0]).toMatchObject({ part: 'body', line: 2 });
    expect(await checkTemplate({ subject: 'Hi {{ contact.first_name }}', preheader: '', body: mjml('fine') })).toEqual([]);
  });
});

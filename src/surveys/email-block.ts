// A survey's first question as a block of an email template (MJML): a button per answer (eleven
// for NPS, five faces for CSAT, seven for CES, a choice per line), each linking to the survey's
// answer page with the answer chosen: {{ links.surveys }}/<survey id>?a=<answer>. The link opens
// the page with that answer selected; nothing is recorded until the person confirms it there (a
// POST), so a security gateway that opens every link of a message answers nothing.
import type { Question, SurveyContent } from './definition.ts';
import { scaleEnds } from './flow.ts';
import { scaleOf } from './scores.ts';
import { PAGE_STRINGS } from './strings.ts';

/** HTML-escaped, and no Liquid: a `{` in a question's text must stay text in the template. */
const esc = (s: string) => s.replace(/[&<>"'{}]/g, (ch) => `&#${ch.charCodeAt(0)};`);

export const CSAT_FACES = ['😞', '🙁', '😐', '🙂', '😀'];

function cell(href: string, label: string, color: string, title: string): string {
  return `<td style="padding:2px" align="center"><a href="${href}" title="${esc(title)}" style="display:block;min-width:26px;padding:10px 0;border:1px solid ${color};border-radius:6px;color:${color};font-weight:bold;text-decoration:none;text-align:center">${label}</a></td>`;
}

function scaleRow(link: (a: string | number) => string, q: Question & { type: 'nps' | 'csat' | 'ces' | 'rating' }, content: SurveyContent): string {
  const t = PAGE_STRINGS[content.language];
  const color = content.look.color;
  const { min, max } = scaleOf(q.type, q.type === 'rating' ? q.points : undefined);
  const cells: string[] = [];
  for (let v = min; v <= max; v++) {
    const label = q.type === 'csat' && q.style === 'faces' ? CSAT_FACES[v - 1]! : (q.type === 'csat' || q.type === 'rating') && q.style === 'stars' ? `${v}★` : String(v);
    cells.push(cell(link(v), label, color, String(v)));
  }
  const [low, high] = scaleEnds(q, t);
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="table-layout:fixed"><tr>${cells.join('')}</tr></table>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="font-size:12px;color:#616e7c"><tr><td align="left">${esc(low)}</td><td align="right">${esc(high)}</td></tr></table>`;
}

/** The MJML block for the survey's first question, to go inside a template's <mj-column>. */
export function emailBlock(surveyId: string, content: SurveyContent): string {
  const q = content.questions[0]!;
  const base = `{{ links.surveys }}/${surveyId}`;
  const link = (a: string | number) => `${base}?a=${encodeURIComponent(String(a))}`;
  const color = content.look.color;
  let answers: string;
  if (q.type === 'nps' || q.type === 'csat' || q.type === 'ces' || q.type === 'rating') answers = scaleRow(link, q, content);
  else if (q.type === 'single')
    answers = `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${q.choices.map((ch) => `<tr>${cell(link(ch.key), esc(ch.label), color, ch.label)}</tr>`).join('')}</table>`;
  else answers = `<table role="presentation" cellpadding="0" cellspacing="0"><tr>${cell(base, esc(content.buttons.next ?? PAGE_STRINGS[content.language].next), color, q.title)}</tr></table>`;
  return `<mj-text>
          <p style="margin:0 0 12px;font-weight:bold">${esc(q.title)}</p>
          ${answers}
        </mj-text>`;
}

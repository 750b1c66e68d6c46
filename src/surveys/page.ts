// The answer page, rendered on the server: one question at a time as a plain HTML form that
// posts to itself (no script at all: it works in any browser, and the policy forbids scripts),
// in the survey's language, its colour and logo. Every text from the survey or the respondent is
// escaped. Scales are radio buttons drawn as buttons; the answer chosen in the email is checked.
import type { Ending, Question, SurveyContent } from './definition.ts';
import { CSAT_FACES } from './email-block.ts';
import { isShown, scaleEnds, type Answers } from './flow.ts';
import { scaleOf } from './scores.ts';
import { PAGE_STRINGS, type PageStrings } from './strings.ts';

export const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export const PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

function css(color: string): string {
  return `*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1f2933;line-height:1.5}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem 3rem}.card{background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.logo{display:block;max-height:48px;max-width:60%;margin:0 auto 1rem}h1{font-size:1.35rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:0 0 .5rem}
.intro,.desc{color:#52606d;margin:0 0 1rem}.step{color:#7b8794;font-size:.85rem;margin:0 0 .75rem}fieldset{border:0;margin:0;padding:0}legend{font-size:1.15rem;font-weight:600;margin:0 0 .75rem;padding:0}
.scale{display:grid;gap:.3rem}.scale label{min-width:0}.scale input,.choices input{position:absolute;opacity:0;width:1px;height:1px}
.scale label>span{display:block;text-align:center;padding:.7rem 0;border:2px solid ${color};border-radius:8px;color:${color};font-weight:700;cursor:pointer;font-size:1.05rem}
.scale input:checked+span{background:${color};color:#fff}.scale input:focus-visible+span,.choices input:focus-visible+span{outline:3px solid #1f2933;outline-offset:2px}
.ends{display:flex;justify-content:space-between;font-size:.8rem;color:#7b8794;margin:.4rem 0 0;gap:1rem}.ends span:last-child{text-align:right}
.choices label{display:block;margin:.4rem 0}.choices span{display:block;padding:.7rem .9rem;border:2px solid #cbd2d9;border-radius:8px;cursor:pointer}
.choices input:checked+span{border-color:${color};background:${color}14;font-weight:600}.other{margin:.3rem 0 0;width:100%}
textarea,input[type=text]{font:inherit;width:100%;padding:.6rem .7rem;border:2px solid #cbd2d9;border-radius:8px}textarea{min-height:8rem;resize:vertical}
.error{color:#c92a2a;font-weight:600;margin:.75rem 0 0}.actions{display:flex;gap:.75rem;align-items:center;margin-top:1.25rem;flex-wrap:wrap}
button,.button{font:inherit;font-weight:600;padding:.75rem 1.4rem;border:0;border-radius:8px;background:${color};color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:transparent;color:#52606d;border:2px solid #cbd2d9}.note{background:#fff3bf;border-radius:8px;padding:.5rem .75rem;font-size:.9rem;margin:0 0 1rem}
@media (max-width:420px){main{padding:1rem .6rem 2rem}.card{padding:1.1rem .8rem}.scale{gap:.2rem}.scale label>span{font-size:.95rem;padding:.65rem 0;border-width:1.5px}}
.faces label>span{font-size:1.8rem;padding:.35rem 0}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}`;
}

export function layout(content: SurveyContent, title: string, inner: string, note?: string): string {
  const logo = content.look.logoUrl ? `<img class="logo" src="${esc(content.look.logoUrl)}" alt="">` : '';
  return `<!doctype html><html lang="${content.language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${esc(title)}</title><style>${css(content.look.color)}</style></head><body><main>${logo}<div class="card">${note ? `<p class="note">${esc(note)}</p>` : ''}${inner}</div></main></body></html>`;
}

/** A page without a survey to style it (an unknown link). */
export function plainLayout(title: string, body: string): string {
  return layout({ language: 'en', title, questions: [], endings: [], look: { color: '#4c6ef5' }, buttons: {} } as unknown as SurveyContent, title, `<h1>${esc(title)}</h1><p>${esc(body)}</p>`);
}

function scaleInputs(q: Question & { type: 'nps' | 'csat' | 'ces' | 'rating' }, t: PageStrings, chosen: unknown): string {
  const { min, max } = scaleOf(q.type, q.type === 'rating' ? q.points : undefined);
  const faces = q.type === 'csat' && q.style === 'faces';
  const stars = (q.type === 'csat' || q.type === 'rating') && q.style === 'stars';
  const items: string[] = [];
  for (let v = min; v <= max; v++) {
    const shown = faces ? `${CSAT_FACES[v - 1]}<span class="sr">${v}</span>` : stars ? `${v}★<span class="sr">${esc(t.stars(v))}</span>` : String(v);
    items.push(`<label><input type="radio" name="a" value="${v}"${chosen === v ? ' checked' : ''}><span>${shown}</span></label>`);
  }
  const [low, high] = scaleEnds(q, t);
  // One row whatever the width (eleven buttons fit a phone): a grid of equal columns.
  return `<div class="scale${faces ? ' faces' : ''}" style="grid-template-columns:repeat(${max - min + 1},minmax(0,1fr))">${items.join('')}</div><p class="ends"><span>${esc(low)}</span><span>${esc(high)}</span></p>`;
}

function choiceInputs(q: Question & { type: 'single' | 'multiple' }, t: PageStrings, chosen: unknown, otherText: unknown): string {
  const kind = q.type === 'single' ? 'radio' : 'checkbox';
  const picked = new Set(Array.isArray(chosen) ? chosen : chosen === undefined ? [] : [chosen]);
  const items = q.choices.map((ch) => `<label><input type="${kind}" name="a" value="${esc(ch.key)}"${picked.has(ch.key) ? ' checked' : ''}><span>${esc(ch.label)}</span></label>`);
  if (q.other)
    items.push(
      `<label><input type="${kind}" name="a" value="other"${picked.has('other') ? ' checked' : ''}><span>${esc(t.other)}</span></label><input class="other" type="text" name="other" maxlength="500" aria-label="${esc(t.other)}" placeholder="${esc(t.otherPlaceholder)}" value="${typeof otherText === 'string' ? esc(otherText) : ''}">`,
    );
  return `${q.type === 'multiple' ? `<p class="desc">${esc(t.chooseAny)}</p>` : ''}<div class="choices">${items.join('')}</div>`;
}

export interface QuestionPage {
  content: SurveyContent;
  question: Question;
  answers: Answers;
  /** The answer to show selected (from the email's link, or the one given before). */
  chosen?: unknown;
  action: string;
  error?: string;
  /** The first page of an answer from an email: the button confirms the answer chosen there. */
  confirm?: boolean;
  note?: string;
}

/** How many questions this respondent will see at most, and where this one is among them. */
function position(content: SurveyContent, key: string, answers: Answers): { n: number; of: number } {
  const shown = content.questions.filter((q) => q.key === key || isShown(content, q, answers));
  return { n: shown.findIndex((q) => q.key === key) + 1, of: shown.length };
}

export function questionPage(p: QuestionPage): string {
  const { content, question: q } = p;
  const t = PAGE_STRINGS[content.language];
  const first = content.questions[0]!.key === q.key;
  const chosen = p.chosen !== undefined ? p.chosen : p.answers[q.key];
  let inputs: string;
  if (q.type === 'single' || q.type === 'multiple') inputs = choiceInputs(q, t, chosen, p.answers[`${q.key}.other`]);
  else if (q.type === 'text')
    inputs = `<textarea name="a" maxlength="${q.maxLength}" aria-label="${esc(t.yourAnswer)}"${q.placeholder ? ` placeholder="${esc(q.placeholder)}"` : ''}>${typeof chosen === 'string' ? esc(chosen) : ''}</textarea>`;
  else inputs = scaleInputs(q, t, chosen);
  const { n, of } = position(content, q.key, p.answers);
  const last = n === of;
  const label = p.confirm ? t.confirm : last ? (content.buttons.submit ?? t.submit) : (content.buttons.next ?? t.next);
  const head = first ? `<h1>${esc(content.title)}</h1>${content.intro ? `<p class="intro">${esc(content.intro)}</p>` : ''}` : '';
  const body = `${head}${of > 1 ? `<p class="step">${esc(t.step(n, of))}</p>` : ''}
<form method="post" action="${esc(p.action)}" novalidate><input type="hidden" name="q" value="${esc(q.key)}">
<fieldset><legend>${esc(q.title)}</legend>${q.description ? `<p class="desc">${esc(q.description)}</p>` : ''}${inputs}</fieldset>
${p.error ? `<p class="error" role="alert">${esc(p.error)}</p>` : ''}<div class="actions"><button type="submit">${esc(label)}</button>${!q.required && !p.confirm ? `<button type="submit" class="secondary" name="skip" value="1">${esc(t.skip)}</button>` : ''}</div></form>`;
  return layout(content, content.title, body, p.note);
}

export function endingPage(content: SurveyContent, e: Ending, note?: string): string {
  const button = e.button ? `<div class="actions"><a class="button" href="${esc(e.button.url)}" rel="noopener noreferrer">${esc(e.button.label)}</a></div>` : '';
  return layout(content, e.title, `<h1>${esc(e.title)}</h1>${e.body ? `<p>${esc(e.body)}</p>` : ''}${button}`, note);
}

export function messagePage(content: SurveyContent, title: string, body: string): string {
  return layout(content, title, `<h1>${esc(title)}</h1><p>${esc(body)}</p>`);
}

// Surveys to start from, as a retention team would write them: NPS with a follow-up per band and
// a review request for promoters, CSAT after an order, CES, and a cancellation survey whose
// reasons are a fixed list (so that they can be counted). The NPS starter is written in every
// language of the answer page; the others in English, to be edited.
import type { SurveyContentInput, SurveySettings } from './definition.ts';
import type { Language } from './strings.ts';

export interface Starter {
  key: 'nps' | 'csat_order' | 'ces' | 'cancellation';
  name: string;
  description: string;
  kind: 'nps' | 'csat' | 'ces' | 'custom';
  content: (workspace: string, language: Language) => SurveyContentInput;
  settings: Partial<SurveySettings>;
  /** The email that carries it: subject, heading (Liquid: the contact's and workspace's fields) and the words before the question. */
  email: { subject: string; heading: string; intro: string };
}

const NPS_TEXTS: Record<Language, { title: string; q: string; worse: string; like: string; passive: string; thanks: string; thanksBody: string; review: string; reviewBody: string; reviewButton: string }> = {
  en: {
    title: 'A quick question',
    q: 'How likely are you to recommend {w} to a friend or colleague?',
    worse: 'What should we do better?',
    like: 'What did you like most?',
    passive: 'What would make it a 10?',
    thanks: 'Thank you!',
    thanksBody: 'Your answer helps us do better.',
    review: 'Thank you, that means a lot!',
    reviewBody: 'Would you tell others too? A short review helps other customers find us.',
    reviewButton: 'Leave a review',
  },
  de: {
    title: 'Eine kurze Frage',
    q: 'Wie wahrscheinlich ist es, dass Sie {w} einem Freund oder Kollegen empfehlen?',
    worse: 'Was sollten wir besser machen?',
    like: 'Was hat Ihnen am besten gefallen?',
    passive: 'Was würde daraus eine 10 machen?',
    thanks: 'Vielen Dank!',
    thanksBody: 'Ihre Antwort hilft uns, besser zu werden.',
    review: 'Vielen Dank, das freut uns sehr!',
    reviewBody: 'Möchten Sie es auch anderen sagen? Eine kurze Bewertung hilft anderen Kunden, uns zu finden.',
    reviewButton: 'Bewertung schreiben',
  },
  fr: {
    title: 'Une petite question',
    q: 'Quelle est la probabilité que vous recommandiez {w} à un ami ou un collègue ?',
    worse: 'Que devrions-nous améliorer ?',
    like: 'Qu’avez-vous le plus apprécié ?',
    passive: 'Que faudrait-il pour que ce soit un 10 ?',
    thanks: 'Merci !',
    thanksBody: 'Votre réponse nous aide à nous améliorer.',
    review: 'Merci, cela nous touche beaucoup !',
    reviewBody: 'Voulez-vous le dire aussi aux autres ? Un court avis aide d’autres clients à nous trouver.',
    reviewButton: 'Laisser un avis',
  },
  es: {
    title: 'Una pregunta rápida',
    q: '¿Qué probabilidad hay de que recomiende {w} a un amigo o colega?',
    worse: '¿Qué deberíamos mejorar?',
    like: '¿Qué es lo que más le gustó?',
    passive: '¿Qué haría falta para que fuera un 10?',
    thanks: '¡Gracias!',
    thanksBody: 'Su respuesta nos ayuda a mejorar.',
    review: '¡Gracias, significa mucho para nosotros!',
    reviewBody: '¿Se lo contaría también a otros? Una breve reseña ayuda a otros clientes a encontrarnos.',
    reviewButton: 'Escribir una reseña',
  },
  nl: {
    title: 'Een korte vraag',
    q: 'Hoe waarschijnlijk is het dat u {w} aanbeveelt aan een vriend of collega?',
    worse: 'Wat kunnen we beter doen?',
    like: 'Wat vond u het beste?',
    passive: 'Wat zou er een 10 van maken?',
    thanks: 'Dank u wel!',
    thanksBody: 'Uw antwoord helpt ons beter te worden.',
    review: 'Dank u, dat waarderen we enorm!',
    reviewBody: 'Wilt u het ook anderen vertellen? Een korte review helpt andere klanten ons te vinden.',
    reviewButton: 'Review schrijven',
  },
  it: {
    title: 'Una domanda veloce',
    q: 'Quanto è probabile che consigli {w} a un amico o a un collega?',
    worse: 'Cosa dovremmo migliorare?',
    like: 'Cosa le è piaciuto di più?',
    passive: 'Cosa servirebbe per arrivare a 10?',
    thanks: 'Grazie!',
    thanksBody: 'La sua risposta ci aiuta a migliorare.',
    review: 'Grazie, per noi conta molto!',
    reviewBody: 'Lo direbbe anche ad altri? Una breve recensione aiuta altri clienti a trovarci.',
    reviewButton: 'Scrivi una recensione',
  },
  pt: {
    title: 'Uma pergunta rápida',
    q: 'Qual a probabilidade de recomendar {w} a um amigo ou colega?',
    worse: 'O que devemos fazer melhor?',
    like: 'Do que gostou mais?',
    passive: 'O que faria disto um 10?',
    thanks: 'Obrigado!',
    thanksBody: 'A sua resposta ajuda-nos a melhorar.',
    review: 'Obrigado, significa muito para nós!',
    reviewBody: 'Gostaria de o dizer também a outros? Uma breve avaliação ajuda outros clientes a encontrar-nos.',
    reviewButton: 'Escrever uma avaliação',
  },
};

/** The cancellation reasons: a fixed list, so that reasons can be counted across surveys. */
export const CANCELLATION_REASONS = [
  { key: 'price', label: 'It costs too much' },
  { key: 'quality', label: 'The quality was not what I expected' },
  { key: 'delivery', label: 'Delivery was too slow or went wrong' },
  { key: 'service', label: 'Customer service let me down' },
  { key: 'alternative', label: 'I found an alternative' },
  { key: 'not_needed', label: 'I no longer need it' },
  { key: 'other', label: 'Something else' },
];

export const SURVEY_STARTERS: Starter[] = [
  {
    key: 'nps',
    name: 'How likely are you to recommend us?',
    description: 'Net Promoter Score (0–10) with a follow-up question for each group and a review request for promoters.',
    kind: 'nps',
    content: (w, language) => {
      const t = NPS_TEXTS[language];
      return {
        language,
        title: t.title,
        questions: [
          { key: 'nps', type: 'nps', title: t.q.replace('{w}', w) },
          { key: 'better', type: 'text', title: t.worse, required: false, showIf: { question: 'nps', bands: ['detractor'] } },
          { key: 'ten', type: 'text', title: t.passive, required: false, showIf: { question: 'nps', bands: ['passive'] } },
          { key: 'liked', type: 'text', title: t.like, required: false, showIf: { question: 'nps', bands: ['promoter'] } },
        ],
        endings: [
          { key: 'review', title: t.review, body: t.reviewBody, button: { label: t.reviewButton, url: 'https://example.com/reviews' }, bands: ['promoter'] },
          { key: 'thanks', title: t.thanks, body: t.thanksBody },
        ],
      };
    },
    settings: { answerOnce: 'period', periodDays: 90 },
    email: { subject: 'A quick question from {{ workspace.name }}', heading: 'A quick question from {{ workspace.name }}', intro: 'Hi {{ contact.first_name }}, one question, one click:' },
  },
  {
    key: 'csat_order',
    name: 'How was your order?',
    description: 'Customer satisfaction (1–5) after a purchase, with a question for those who were not happy. Send it a week after an order from a workflow.',
    kind: 'csat',
    content: (_w, language) => ({
      language,
      title: 'How was your order?',
      questions: [
        { key: 'csat', type: 'csat', title: 'How satisfied are you with your order?', style: 'faces' },
        { key: 'wrong', type: 'text', title: 'We are sorry. What went wrong?', required: false, showIf: { question: 'csat', bands: ['dissatisfied', 'neutral'] } },
      ],
      endings: [{ key: 'thanks', title: 'Thank you!', body: 'We read every answer.' }],
    }),
    settings: { answerOnce: 'always' },
    email: { subject: 'How was your order, {{ contact.first_name }}?', heading: 'How was your order?', intro: 'Hi {{ contact.first_name }}, your order arrived a few days ago. How did we do?' },
  },
  {
    key: 'ces',
    name: 'Was it easy?',
    description: 'Customer effort (1–7): how easy it was to get what they came for.',
    kind: 'ces',
    content: (w, language) => ({
      language,
      title: 'Was it easy?',
      questions: [
        { key: 'ces', type: 'ces', title: `${w} made it easy for me to get what I needed.` },
        { key: 'hard', type: 'text', title: 'What was hard?', required: false, showIf: { question: 'ces', bands: ['difficult', 'neutral'] } },
      ],
      endings: [{ key: 'thanks', title: 'Thank you!', body: 'Your answer helps us make it easier.' }],
    }),
    settings: { answerOnce: 'period', periodDays: 30 },
    email: { subject: 'Was it easy?', heading: 'Was it easy?', intro: 'Hi {{ contact.first_name }}, one question about your last visit:' },
  },
  {
    key: 'cancellation',
    name: 'Why are you leaving?',
    description: 'For customers who cancel: the reason from a fixed list (so that reasons can be counted), and what would have kept them.',
    kind: 'custom',
    content: (_w, language) => ({
      language,
      title: 'Why are you leaving?',
      intro: 'We are sorry to see you go. Two questions, and you are done.',
      questions: [
        { key: 'reason', type: 'single', title: 'What is the main reason you are leaving?', choices: CANCELLATION_REASONS.filter((r) => r.key !== 'other'), other: true },
        { key: 'keep', type: 'text', title: 'What could we have done to keep you?', required: false },
      ],
      endings: [{ key: 'thanks', title: 'Thank you for telling us', body: 'If you change your mind, we will be here.' }],
    }),
    settings: { answerOnce: 'once' },
    email: { subject: 'Why are you leaving, {{ contact.first_name }}?', heading: 'Why are you leaving?', intro: 'Hi {{ contact.first_name }}, we are sorry to see you go. Would you tell us why?' },
  },
];

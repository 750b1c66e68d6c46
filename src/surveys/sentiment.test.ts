import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeText, topTerms } from './sentiment.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/sentiment');

/** Answers in other languages, written for these tests; several are built from words that are English too. */
const NOT_ENGLISH: [string, string][] = [
  ['de', 'Der Kundenservice war sehr freundlich und hat mir schnell geholfen.'],
  ['de', 'Die Lieferung kam viel zu spät und die Verpackung war beschädigt.'],
  ['de', 'Ich bin mit dem Produkt leider überhaupt nicht zufrieden.'],
  ['de', 'Alles super, gerne wieder!'],
  ['de', 'Sehr guter Service!'],
  ['de', 'Die App stürzt ständig ab, das nervt.'],
  ['de', 'Die App ist so gut, ich bin begeistert.'],
  ['de', 'Top Service, alles gut!'],
  ['de', 'Das war nix.'],
  ['de', 'Geht so.'],
  ['de', 'Nicht gut.'],
  ['de', 'Hat alles gepasst, gerne wieder.'],
  ['de', 'Die Ware war defekt.'],
  ['de', 'Die Lieferung war schnell und das Produkt ist top.'],
  ['de', 'Die Kamera ist gut, aber der Akku hält nicht lange.'],
  ['de', 'Ich habe das Gift im Paket gefunden.'],
  ['de', 'Also gut, bald wieder.'],
  ['de', 'Schnelle Lieferung, alles bestens.'],
  ['fr', 'Le service client était très aimable et rapide.'],
  ['fr', 'Je suis déçu, la commande est arrivée en retard.'],
  ['fr', 'Très bon produit, je recommande !'],
  ['fr', 'Rien à redire, tout était parfait.'],
  ['fr', 'Super produit, rien à dire.'],
  ['fr', 'Pas mal'],
  ['fr', 'Rapide et efficace'],
  ['fr', 'Le produit est arrivé cassé.'],
  ['es', 'El servicio fue excelente y muy rápido.'],
  ['es', 'No estoy contento con la calidad del producto.'],
  ['es', 'Muy buena atención, volveré a comprar.'],
  ['es', 'La entrega llegó tarde y nadie contestó mis correos.'],
  ['es', 'La app es muy buena.'],
  ['es', 'No me gusta'],
  ['es', 'Pésimo servicio, no lo recomiendo.'],
  ['it', 'Il servizio clienti è stato molto gentile.'],
  ['it', 'Sono molto deluso, il prodotto non funziona.'],
  ['it', 'Consegna veloce, tutto perfetto.'],
  ['it', 'Tutto ok'],
  ['it', 'Ottimo prodotto, consigliato.'],
  ['nl', 'De klantenservice was erg behulpzaam en snel.'],
  ['nl', 'Ik ben niet tevreden over de kwaliteit.'],
  ['nl', 'Snelle levering, prima product!'],
  ['nl', 'De app is goed maar de service is slecht.'],
  ['nl', 'Is goed.'],
  ['nl', 'Het was een ramp.'],
  ['nl', 'In orde, niks op aan te merken.'],
  ['nl', 'Die service was fantastisch!'],
  ['pt', 'O atendimento foi ótimo e muito rápido.'],
  ['pt', 'Não gostei, o produto chegou quebrado.'],
  ['pt', 'Muito bom'],
  ['pl', 'Obsługa klienta była bardzo miła i pomocna.'],
  ['pl', 'Jestem bardzo niezadowolony z tego zamówienia.'],
  ['sv', 'Kundtjänsten var mycket hjälpsam och snabb.'],
  ['da', 'Hurtig levering og god kvalitet.'],
  ['fi', 'Asiakaspalvelu oli todella ystävällistä.'],
  ['tr', 'Müşteri hizmetleri çok yardımcı oldu.'],
  ['ru', 'Служба поддержки ответила очень быстро, спасибо.'],
  ['ja', 'サービスはとても良かったです。'],
  ['zh', '客服态度很好，发货也很快。'],
];

const SHORT_ENGLISH = [
  'Great service!',
  'Love it',
  'Fast delivery',
  'Terrible support.',
  'Not bad',
  'ok',
  'Awful.',
  'Very helpful staff',
  'Too expensive',
  'Works fine',
  'Nice',
  'Thanks!',
  'Slow shipping',
  'Excellent',
  'Would recommend',
  'Never again.',
  'Good value for money',
  'Crashes a lot',
  'Five stars',
];

describe('analyzeText', () => {
  it('finds a clearly negative English answer negative', () => {
    const result = analyzeText('The support team never answered my emails, the app crashes every day and I want a refund. Terrible experience.');
    expect(result.language).toBe('en');
    expect(result.sentiment).toBe('negative');
    expect(result.score).toBeLessThan(0);
  });

  it('finds a clearly positive short English answer positive', () => {
    expect(analyzeText('Great service!')).toEqual({ language: 'en', sentiment: 'positive', score: expect.any(Number) });
    expect(analyzeText('I love this app, the team is so helpful.').sentiment).toBe('positive');
  });

  it('calls an answer without opinion words neutral', () => {
    expect(analyzeText('Shipping took a week.')).toEqual({ language: 'en', sentiment: 'neutral', score: 0 });
  });

  it('marks a German answer de, with sentiment null (its words are not scored as English)', () => {
    expect(analyzeText('Der Kundenservice war sehr freundlich und hat mir schnell geholfen.')).toEqual({ language: 'de', sentiment: null, score: null });
    // 'die' is an English word: scored as English this answer would be negative.
    expect(analyzeText('Die App ist so gut, ich bin begeistert.')).toEqual({ language: 'de', sentiment: null, score: null });
  });

  it('names other languages and scores none of them', () => {
    expect(analyzeText('Le service client était très aimable et rapide.').language).toBe('fr');
    expect(analyzeText('El servicio fue excelente y muy rápido.').language).toBe('es');
    expect(analyzeText('Служба поддержки ответила очень быстро, спасибо.').language).toBe('ru');
    expect(analyzeText('客服态度很好，发货也很快。').language).toBe('zh');
  });

  it('takes short English answers for English', () => {
    const missed = SHORT_ENGLISH.filter((t) => analyzeText(t).language !== 'en');
    expect(missed).toEqual([]);
  });

  it('takes few non-English answers for English (3 of 58 when written)', () => {
    const passed = NOT_ENGLISH.filter(([, text]) => analyzeText(text).language === 'en').map(([, text]) => text);
    expect(passed.length).toBeLessThanOrEqual(3);
    const named = NOT_ENGLISH.filter(([lang, text]) => analyzeText(text).language === lang).length;
    expect(named).toBeGreaterThanOrEqual(NOT_ENGLISH.length - 6);
  });

  it('reads the text inside markup and entities', () => {
    const result = analyzeText('<p><b>Terrible</b> support &amp; a <a href="x">broken</a> app</p><script>alert("great great great")</script>');
    expect(result.language).toBe('en');
    expect(result.sentiment).toBe('negative');
  });

  it('never throws: empty, blank, punctuation, emoji, markup only, control characters, huge, not a string', () => {
    const hostile: unknown[] = [
      '',
      '   \n\t ',
      '!!!???...',
      '😡😡😡',
      '👍',
      '<div><br/></div>',
      '<<<>>>&&&;;;',
      '\u0000\u0001\u0002abc\u0085',
      '\ud800 lone surrogate \udfff',
      'a',
      '12345 67890',
      'https://example.com/a?b=c',
      'x'.repeat(100_000),
      'Great service! '.repeat(400),
      `${'word '.repeat(2_000)}<b>`,
      null,
      undefined,
      42,
      { text: 'hi' },
    ];
    for (const text of hostile) {
      const result = analyzeText(text as string);
      expect(typeof result.language).toBe('string');
      expect(result.score === null).toBe(result.sentiment === null);
      if (result.score !== null) expect(Math.abs(result.score)).toBeLessThanOrEqual(1);
      if (result.language !== 'en') expect(result.sentiment).toBeNull();
    }
    expect(analyzeText('')).toEqual({ language: 'und', sentiment: null, score: null });
    expect(analyzeText('!!!???...')).toEqual({ language: 'und', sentiment: null, score: null });
    expect(analyzeText('😡😡😡')).toEqual({ language: 'und', sentiment: null, score: null });
  });

  it('scores a 5,000-character English answer', () => {
    const long = 'The onboarding was smooth and the support team was wonderful. '.repeat(80).slice(0, 5_000);
    const result = analyzeText(long);
    expect(result.language).toBe('en');
    expect(result.sentiment).toBe('positive');
  });

  it('gets most of 200 labelled review sentences right (UCI extract; 0.68 on the full 3,000, bench/sentiment.ts)', () => {
    const rows: { text: string; positive: boolean }[] = [];
    for (const file of ['amazon_cells_labelled.txt', 'imdb_labelled.txt', 'yelp_labelled.txt']) {
      for (const line of readFileSync(path.join(fixtures, file), 'utf8').split('\n')) {
        const tab = line.lastIndexOf('\t');
        if (tab > 0) rows.push({ text: line.slice(0, tab), positive: line.slice(tab + 1).trim() === '1' });
      }
    }
    expect(rows).toHaveLength(200);
    const results = rows.map((r) => analyzeText(r.text));
    const right = rows.filter((r, i) => results[i]!.sentiment === (r.positive ? 'positive' : 'negative')).length;
    const decided = results.filter((r) => r.sentiment === 'positive' || r.sentiment === 'negative').length;
    // Neutral counts as wrong: the set has no neutral sentence. 0.665 and 0.87 when written.
    expect(right / rows.length).toBeGreaterThanOrEqual(0.55);
    expect(right / decided).toBeGreaterThanOrEqual(0.75);
    expect(results.filter((r) => r.language !== 'en').length).toBeLessThanOrEqual(3);
  });
});

describe('topTerms', () => {
  it('drops stop words and punctuation and counts lemmas, once a text', () => {
    const terms = topTerms([
      'The prices are too high!!!',
      'Price was fine, but the price of shipping is not.',
      'I paid a higher price than my neighbour.',
      'the and of to a',
    ]);
    expect(terms[0]).toEqual({ term: 'price', count: 3 });
    const words = terms.map((t) => t.term);
    for (const stop of ['the', 'and', 'of', 'to', 'a', 'are', 'was', '!', ',', 'prices']) expect(words).not.toContain(stop);
  });

  it('reports two-word phrases that several texts use', () => {
    const terms = topTerms(['Customer service was slow.', 'Great customer service!', 'The customer portal is confusing.', 'Delivery window too short']);
    expect(terms).toContainEqual({ term: 'customer service', count: 2 });
    expect(terms.map((t) => t.term)).not.toContain('delivery window');
    expect(terms[0]).toEqual({ term: 'customer', count: 3 });
  });

  it('skips texts that are not English and keeps the limit', () => {
    const terms = topTerms(['Die Lieferung war schnell und das Produkt ist top.', 'Fast delivery, great product.', 'Great product'], 2);
    expect(terms).toEqual([
      { term: 'great', count: 2 },
      { term: 'great product', count: 2 },
    ]);
    expect(topTerms(['Fast delivery'], 0)).toEqual([]);
  });

  it('never throws on hostile input', () => {
    expect(topTerms([])).toEqual([]);
    expect(topTerms(['', '!!!', '😡', '<b></b>', 'x'.repeat(50_000), null as unknown as string, 7 as unknown as string])).toEqual(expect.any(Array));
    expect(topTerms(null as unknown as string[])).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeText } from '../surveys/sentiment.ts';
import { analyzeSocialText, socialPlainText, textFromMastodonHtml } from './sentiment.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/social-sentiment');

describe('analyzeSocialText', () => {
  it('a mention with a link and a handle is scored on its words', () => {
    const post = 'Love the cupcakes from @cupcakes.bsky.social https://cupcakes.example/p/1';
    expect(analyzeSocialText(post)).toEqual(analyzeText('Love the cupcakes from'));
    expect(analyzeSocialText(post).sentiment).toBe('positive');
    // Words inside a handle or a link are not the author's opinion.
    expect(analyzeSocialText('@terrible.reviews.bsky.social the cake was lovely https://shop.example/worst-day-ever').score).toBe(
      analyzeText('the cake was lovely').score,
    );
    expect(analyzeSocialText('the cake was lovely, thanks @ann@mastodon.social').score).toBe(analyzeText('the cake was lovely, thanks').score);
  });

  it('a German post is marked not scored', () => {
    for (const post of [
      'Tolle Torten bei @konditorei.bsky.social, sehr zu empfehlen! https://konditorei.example/torten',
      'Leider kaputt angekommen @shop@mastodon.social',
      // The English words of the link made the plain analyzer call these English (the second positive).
      'Gute Ware, schneller Versand https://www.shop.example/product/happy-customer',
      'Ganz ok https://www.shop.example/product/love-it',
    ]) {
      expect(analyzeSocialText(post), post).toMatchObject({ language: 'de', sentiment: null, score: null });
    }
    expect(analyzeText('Ganz ok https://www.shop.example/product/love-it').sentiment).toBe('positive');
  });

  it('a post of only links and handles is not scored', () => {
    expect(analyzeSocialText('@shop.bsky.social https://shop.example/a')).toEqual({ language: 'und', sentiment: null, score: null });
    expect(analyzeSocialText('')).toEqual({ language: 'und', sentiment: null, score: null });
  });

  it('keeps hashtags, emoji, e-mail addresses and a lone @', () => {
    expect(socialPlainText('@user @user soooo nice 😍 #ShopLocal')).toBe('soooo nice 😍 #ShopLocal');
    expect(socialPlainText('thanks @ann.bsky.social.')).toBe('thanks .');
    expect(socialPlainText('mail ann@example.com, I am @ the shop')).toBe('mail ann@example.com, I am @ the shop');
    expect(socialPlainText('see example.com/some-pa... and www.shop.example or http://x.example?q=1 now')).toBe('see and or now');
  });
});

describe('textFromMastodonHtml', () => {
  const status =
    '<p><span class="h-card" translate="no"><a href="https://bakery.example/@cupcakes" class="u-url mention">@<span>cupcakes</span></a></span> ' +
    'the lemon tart was wonderful! <a href="https://mastodon.social/tags/ShopLocal" class="mention hashtag" rel="tag">#<span>ShopLocal</span></a></p>' +
    '<p>Menu: <a href="https://bakery.example/menu/spring-2025" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span>' +
    '<span class="ellipsis">bakery.example/menu/spr</span><span class="invisible">ing-2025</span></a><br>fresh &amp; warm</p>';

  it('Mastodon HTML is read as text', () => {
    expect(textFromMastodonHtml(status)).toBe('@cupcakes the lemon tart was wonderful! #ShopLocal\n\nMenu: https://bakery.example/menu/spring-2025\nfresh & warm');
    expect(socialPlainText(textFromMastodonHtml(status))).toBe('the lemon tart was wonderful! #ShopLocal\n\nMenu: \nfresh & warm');
    expect(analyzeSocialText(textFromMastodonHtml(status))).toMatchObject({ language: 'en', sentiment: 'positive' });
  });

  it('skips the quote line and images, and reads anything as text', () => {
    expect(textFromMastodonHtml('<p>so good <img src="x.png" alt="cake"></p><p class="quote-inline">RE: <a href="https://x.example/@a/1">https://x.example/@a/1</a></p>')).toBe('so good');
    expect(textFromMastodonHtml('')).toBe('');
    expect(textFromMastodonHtml('plain & <b>bold</b>')).toBe('plain & bold');
    expect(textFromMastodonHtml(undefined as unknown as string)).toBe('');
  });
});

describe('accuracy on TweetEval sentiment (test/fixtures/social-sentiment)', () => {
  const LABELS = ['negative', 'neutral', 'positive'] as const;
  const lines = (file: string) => readFileSync(path.join(fixtures, file), 'utf8').replace(/\n$/, '').split('\n');
  const texts = lines('test_text.txt');
  const labels = lines('test_labels.txt').map((l) => LABELS[Number(l)]);

  it('the fixture is the whole test split', () => {
    expect(texts).toHaveLength(12_284);
    expect(labels).toHaveLength(12_284);
    const counts = { negative: 0, neutral: 0, positive: 0 };
    for (const l of labels) counts[l!]++;
    expect(counts).toEqual({ negative: 3_972, neutral: 5_937, positive: 2_375 });
  });

  it('keeps its 3-class accuracy on every fourth tweet (3,071) at 0.51 or more (measured 0.526; all "neutral" gives 0.489)', () => {
    let n = 0;
    let right = 0;
    let scored = 0;
    for (let i = 0; i < texts.length; i += 4) {
      const result = analyzeSocialText(texts[i]!);
      n++;
      if (result.sentiment !== null) scored++;
      if (result.sentiment === labels[i]) right++;
    }
    expect(n).toBe(3_071);
    expect(scored / n).toBeGreaterThanOrEqual(0.96); // measured 0.976: every tweet is English
    expect(right / n).toBeGreaterThanOrEqual(0.51);
  });
});

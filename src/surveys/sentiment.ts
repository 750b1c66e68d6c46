// Offline sentiment and language of open-text survey answers (issue 16): no network, no
// download at run time; the English model and the language profiles ship as npm packages.
//
// - Sentiment: wink-nlp with its English model (wink-eng-lite-web-model). Its score is the
//   library's normalized document sentiment, about -1..1.
// - Language: eld (Efficient Language Detector, its 'extrasmall' profiles, 60 languages, data
//   inside the package, Apache-2.0). Chosen over franc-min because survey answers are short: on
//   the 3,000 English sentences of the UCI "Sentiment Labelled Sentences" set (bench/sentiment.ts)
//   eld/extrasmall named 27 something other than English, franc-min 425 (164 of the 259 under 20
//   characters), tinyld 161. Its price is memory: some 75 MB more RSS than franc-min once loaded.
//
// Both are loaded on the first call (a few hundred ms and some 130 MB of RSS together,
// bench/sentiment.ts prints the figures), never at import, so the server starts without them.
//
// The language rule. Detectors guess poorly on a few words ("Great bluetooth!" is German to
// franc-min, "Nice" is nothing to eld), so the English model's vocabulary has a say: the share
// of a text's words that are lexemes of the English model (the word or its lemma). A text counts
// as English when eld says so, or when at least ENGLISH_SHARE of its words are English lexemes
// and either it is shorter than SHORT_TEXT_CHARS or eld names no language with confidence.
// Measured: with the rule, 7 of the 3,000 UCI sentences are not taken for English ("10/10" twice,
// "AMAZON SUCKS.", "Poorly contstruct hinge.", "The Burrittos Blah!"...); of the 58 non-English
// answers in sentiment.test.ts (German, Dutch, French..., several built from words that are
// English too, "Die App ist so gut, ich bin begeistert."), 3 pass as English ("Is goed.",
// "Das war nix.", "Snelle levering, prima product!" — eld itself says English for the last); with
// a share of 0.7 it was 9 (and 6 of the UCI sentences), with 0.9 the same as 0.8. A text with no
// letters (only emoji, digits, punctuation) is 'und'.
// A text that is not English gets sentiment null: the English lexicon must not score it
// ("Die App ist so gut" scores -0.6, 'die' being an English word).
//
// The thresholds, picked from the UCI set (3,000 sentences, half positive, half negative, no
// neutral ones), by how often a band of scores carries the right label:
//   score in (0, 0.25]: positive only 53% of the time (231 sentences) — a coin flip, so neutral;
//   score in (0.25, 0.3]: 74%, above 0.3: 86–93% → positive when score > POSITIVE_ABOVE;
//   every band of negative scores, even (-0.05, 0): 77% or more → negative when score < 0;
//   score exactly 0 (no opinion word; 17% of the set): neutral.
// On the set this gives 0.90 of the decided sentences right, a quarter of all being neutral
// (bench/sentiment.ts). Picked on the same set: with these thresholds its odd lines alone
// (1,500) give 0.905, so the fit is not the whole of it; on survey answers, which do have
// neutral ones, the share of neutral will differ.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { eld as Eld } from 'eld/extrasmall';
import type { Document, ItemSentence, ItemToken, ItsFunction, Model, WinkMethods } from 'wink-nlp';

export interface TextAnalysis {
  /** ISO 639-1 code of the detected language ('en', 'de', …), or 'und' when too short/unknown. */
  language: string;
  /** null when the language is not English (marked, never scored wrongly) or the text is empty. */
  sentiment: 'positive' | 'neutral' | 'negative' | null;
  /** the library's normalized score (about -1..1), null when sentiment is null. */
  score: number | null;
}

/** A score above this is positive (see the thresholds above). */
export const POSITIVE_ABOVE = 0.25;
/** A score below this is negative. */
export const NEGATIVE_BELOW = 0;
/** Texts shorter than this (after markup is removed) are judged by their English words when eld is unsure or names another language. */
export const SHORT_TEXT_CHARS = 40;
/** The share of a text's words that must be English lexemes for the English-vocabulary rule. */
export const ENGLISH_SHARE = 0.8;
/** Longer texts are cut here: answers are up to 5,000 characters; anything longer is not an answer. */
const MAX_CHARS = 10_000;
/** A two-word phrase is reported by topTerms when at least this many texts use it. */
const MIN_PHRASE_TEXTS = 2;

interface Engines {
  nlp: WinkMethods;
  detect(text: string): { language: string; reliable: boolean };
}

const require = createRequire(import.meta.url);
let engines: Engines | undefined;

/** The model and the language profiles, loaded once, on first use. */
function load(): Engines {
  if (engines) return engines;
  const winkNLP = require('wink-nlp') as (model: Model) => WinkMethods;
  const model = require('wink-eng-lite-web-model') as Model;
  // eld is an ES module that exports only an `import` entry; Node (20.19 and later) requires an
  // ES module synchronously, which keeps analyzeText synchronous and the load lazy.
  const { eld } = require(eldEntry()) as { eld: typeof Eld };
  engines = {
    nlp: winkNLP(model),
    detect(text) {
      const result = eld.detect(text);
      return { language: result.language, reliable: result.language !== '' && result.isReliable() };
    },
  };
  return engines;
}

/** The file of eld's 'extrasmall' entry (import.meta.resolve is missing where a loader compiles this file to CommonJS). */
function eldEntry(): string {
  if (typeof import.meta.resolve === 'function') return fileURLToPath(import.meta.resolve('eld/extrasmall'));
  for (const dir of require.resolve.paths('eld') ?? []) {
    const file = path.join(dir, 'eld', 'src', 'entries', 'static.extrasmall.js');
    if (existsSync(file)) return file;
  }
  throw new Error('The package eld is not installed.');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function fromCodePoint(n: number): string {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : ' ';
}

/** The text a person reads: markup, control characters and runs of spaces removed, cut at MAX_CHARS. */
export function plainText(text: unknown): string {
  if (typeof text !== 'string') return '';
  let s = text.length > 4 * MAX_CHARS ? text.slice(0, 4 * MAX_CHARS) : text;
  s = s
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<\/?[a-z][^<>]*>/gi, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') return fromCodePoint(name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? whole;
    })
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (s.length > MAX_CHARS) s = s.slice(0, MAX_CHARS).replace(/[\ud800-\udbff]$/, '');
  return s;
}

/** its.lemma, typed as what token.out() takes (wink-nlp's own typings disagree with themselves). */
function lemma(its: WinkMethods['its']): ItsFunction<string> {
  return its.lemma as unknown as ItsFunction<string>;
}

/** Whether a word token is in the English model's vocabulary: as written, as its lemma, or (a contraction such as "i'm") its first part. */
function isEnglishWord(doc: Document, token: ItemToken, its: WinkMethods['its']): boolean {
  const normal = String(token.out(its.normal));
  if (!doc.isOOV(normal)) return true;
  if (!doc.isOOV(String(token.out(lemma(its))))) return true;
  const apostrophe = normal.indexOf("'");
  return apostrophe > 0 && !doc.isOOV(normal.slice(0, apostrophe));
}

interface Analysed {
  language: string;
  doc?: Document;
}

function analyse(clean: string): Analysed {
  if (!/\p{L}/u.test(clean)) return { language: 'und' };
  const { nlp, detect } = load();
  const its = nlp.its;
  const detected = detect(clean);
  const doc = nlp.readDoc(clean);
  if (detected.language === 'en') return { language: 'en', doc };
  let words = 0;
  let english = 0;
  doc.tokens().each((token: ItemToken) => {
    if (token.out(its.type) !== 'word') return;
    words++;
    if (isEnglishWord(doc, token, its)) english++;
  });
  const unsure = clean.length < SHORT_TEXT_CHARS || !detected.reliable;
  if (words > 0 && english / words >= ENGLISH_SHARE && unsure) return { language: 'en', doc };
  return { language: detected.language || 'und' };
}

const UNKNOWN: TextAnalysis = { language: 'und', sentiment: null, score: null };

/** Language and, for English, sentiment of one answer. Never throws. */
export function analyzeText(text: string): TextAnalysis {
  try {
    const clean = plainText(text);
    if (!clean) return { ...UNKNOWN };
    const { language, doc } = analyse(clean);
    if (language !== 'en' || !doc) return { language, sentiment: null, score: null };
    const raw = Number(doc.out(load().nlp.its.sentiment));
    const score = Number.isFinite(raw) ? Math.round(raw * 1000) / 1000 : 0;
    const sentiment = raw > POSITIVE_ABOVE ? 'positive' : raw < NEGATIVE_BELOW ? 'negative' : 'neutral';
    return { language, sentiment, score };
  } catch {
    return { ...UNKNOWN };
  }
}

/**
 * The most frequent meaningful terms (lemmas/normalized words, stop words and punctuation removed, optionally frequent two-word phrases) across English texts, most frequent first.
 * A term's count is the number of texts that use it (an answer repeating a word ten times counts
 * once). Terms are lower-case lemmas ("prices" counts as "price") of words that are not stop words,
 * numbers or contractions; a phrase is two such words side by side in a sentence ("customer
 * service"), reported when MIN_PHRASE_TEXTS texts or more use it. Texts that are not English are skipped.
 */
export function topTerms(texts: string[], limit = 20): { term: string; count: number }[] {
  const max = Number.isFinite(limit) ? Math.max(0, Math.floor(limit)) : 20;
  const words = new Map<string, number>();
  const phrases = new Map<string, number>();
  if (!Array.isArray(texts) || max === 0) return [];
  for (const text of texts) {
    try {
      const clean = plainText(text);
      if (!clean) continue;
      const { language, doc } = analyse(clean);
      if (language !== 'en' || !doc) continue;
      const its = load().nlp.its;
      const seenWords = new Set<string>();
      const seenPhrases = new Set<string>();
      doc.sentences().each((sentence: ItemSentence) => {
        let previous: { term: string; index: number } | undefined;
        sentence.tokens().each((token: ItemToken) => {
          const term = meaningfulTerm(token, its);
          if (!term) return;
          seenWords.add(term);
          const index = token.index();
          if (previous && previous.index === index - 1) seenPhrases.add(`${previous.term} ${term}`);
          previous = { term, index };
        });
      });
      for (const t of seenWords) words.set(t, (words.get(t) ?? 0) + 1);
      for (const t of seenPhrases) phrases.set(t, (phrases.get(t) ?? 0) + 1);
    } catch {
      // One text that the library cannot read does not stop the others.
    }
  }
  const all = [...words];
  for (const [phrase, count] of phrases) if (count >= MIN_PHRASE_TEXTS) all.push([phrase, count]);
  return all
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, max)
    .map(([term, count]) => ({ term, count }));
}

/** The lemma of a token worth counting, or undefined for stop words, punctuation, numbers, emoji, contractions and single letters. */
function meaningfulTerm(token: ItemToken, its: WinkMethods['its']): string | undefined {
  if (token.out(its.type) !== 'word' || token.out(its.stopWordFlag) === true) return undefined;
  const term = String(token.out(lemma(its))).toLowerCase();
  if (term.length < 2 || term.includes("'") || !/\p{L}/u.test(term)) return undefined;
  return term;
}

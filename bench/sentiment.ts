// `npm run bench -- sentiment`: the sentiment of src/surveys/sentiment.ts measured on a public
// labelled set that wink-nlp does not ship: the UCI "Sentiment Labelled Sentences" (Kotzias et
// al. 2015, CC BY 4.0): 3,000 English review sentences (Amazon, IMDB, Yelp), 1,500 positive and
// 1,500 negative, none neutral. Read from ../shared/data/sentiment-labelled/ or the folder in
// SENTIMENT_DATA (amazon_cells_labelled.txt, imdb_labelled.txt, yelp_labelled.txt); the tests use
// the 200-sentence extract in test/fixtures/sentiment/ instead.
//
// accuracy_binary: sentences whose sentiment is the label, over all 3,000; 'neutral' and a
// sentence not taken for English (sentiment null) count as wrong, since the set has no neutral
// sentence. accuracy_decided: the same over the sentences called positive or negative.
// reference: a simple word-list baseline in the same run, scored the same way (more words from
// the positive list than the negative one: positive; fewer: negative; as many: neutral);
// majority_class is 0.5 on this balanced set. ratio = accuracy_binary / reference.
// Also: the first call's cost (the model and the language profiles load then), the time per
// sentence and per 5,000-character answer, and how many of these English sentences were not
// taken for English.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.resolve(root, process.env.SENTIMENT_DATA ?? '../shared/data/sentiment-labelled');
const FILES = { amazon: 'amazon_cells_labelled.txt', imdb: 'imdb_labelled.txt', yelp: 'yelp_labelled.txt' } as const;

const missing = Object.values(FILES)
  .map((f) => path.join(DIR, f))
  .filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.error(
    `sentiment bench: the UCI Sentiment Labelled Sentences files are missing: ${missing.join(', ')}\n` +
      'Put the three files of the data set (see test/fixtures/sentiment/README.md) in ../shared/data/sentiment-labelled/ or name their folder in SENTIMENT_DATA; the tests use the extract in test/fixtures/sentiment/ instead.',
  );
  console.log(JSON.stringify({ bench: 'sentiment', skipped: true, missing }));
  process.exit(1);
}

interface Row {
  source: keyof typeof FILES;
  text: string;
  positive: boolean;
}
const rows: Row[] = [];
for (const [source, file] of Object.entries(FILES) as [keyof typeof FILES, string][]) {
  for (const line of readFileSync(path.join(DIR, file), 'utf8').split('\n')) {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) continue;
    const label = line.slice(tab + 1).trim();
    if (label !== '0' && label !== '1') continue;
    rows.push({ source, text: line.slice(0, tab), positive: label === '1' });
  }
}

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

// Importing the module loads nothing heavy; the first call loads the model and the profiles.
let rss0 = rssMb();
let t0 = performance.now();
const { analyzeText, POSITIVE_ABOVE, NEGATIVE_BELOW } = await import('../src/surveys/sentiment.ts');
const importMs = performance.now() - t0;
const importRssMb = rssMb() - rss0;
rss0 = rssMb();
t0 = performance.now();
analyzeText('Great service!');
const loadMs = performance.now() - t0;
const loadRssMb = rssMb() - rss0;

// The simple word-list baseline (the list one writes in ten minutes; no negation handling).
const POSITIVE = new Set('good great excellent love loved best nice amazing awesome perfect happy recommend recommended fantastic wonderful delicious friendly fast easy beautiful enjoy enjoyed fine works fun'.split(' '));
const NEGATIVE = new Set('bad poor worst terrible awful horrible hate disappointed disappointing waste wasted broken broke slow rude boring problem problems junk useless unfortunately avoid mediocre never crap'.split(' '));
function baseline(text: string): 'positive' | 'neutral' | 'negative' {
  let score = 0;
  for (const word of text.toLowerCase().match(/[a-z']+/g) ?? []) score += POSITIVE.has(word) ? 1 : NEGATIVE.has(word) ? -1 : 0;
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}

let right = 0;
let decided = 0;
let notEnglish = 0;
let baselineRight = 0;
const bySource: Record<string, { right: number; n: number }> = {};
t0 = performance.now();
const results = rows.map((r) => analyzeText(r.text));
const msPerText = (performance.now() - t0) / rows.length;
rows.forEach((r, i) => {
  const result = results[i]!;
  const expected = r.positive ? 'positive' : 'negative';
  const s = (bySource[r.source] ??= { right: 0, n: 0 });
  s.n++;
  if (result.language !== 'en') notEnglish++;
  if (result.sentiment === 'positive' || result.sentiment === 'negative') decided++;
  if (result.sentiment === expected) {
    right++;
    s.right++;
  }
  if (baseline(r.text) === expected) baselineRight++;
});

// A long answer: 5,000 characters of the set's sentences.
let long = '';
for (let i = 0; long.length < 5_000; i = (i + 37) % rows.length) long += `${rows[i]!.text} `;
long = long.slice(0, 5_000);
t0 = performance.now();
const LONG_ROUNDS = 20;
for (let i = 0; i < LONG_ROUNDS; i++) analyzeText(long);
const msLong = (performance.now() - t0) / LONG_ROUNDS;

const accuracy = right / rows.length;
const reference = baselineRight / rows.length;
console.log(
  JSON.stringify({
    bench: 'sentiment',
    set: 'UCI sentiment labelled sentences (yelp+amazon+imdb)',
    sentences: rows.length,
    accuracy_binary: round(accuracy),
    accuracy_decided: round(right / decided),
    neutral_or_null_share: round(1 - decided / rows.length),
    by_source: Object.fromEntries(Object.entries(bySource).map(([k, v]) => [k, round(v.right / v.n)])),
    reference: round(reference),
    reference_kind: 'word-list baseline, scored the same way',
    majority_class: 0.5,
    ratio: round(accuracy / reference, 2),
    thresholds: { positive_above: POSITIVE_ABOVE, negative_below: NEGATIVE_BELOW },
    ms_per_text: round(msPerText),
    ms_5000_chars: round(msLong, 1),
    non_english_marked: notEnglish,
    import_ms: round(importMs, 0),
    import_rss_mb: round(importRssMb, 0),
    model_load_ms: round(loadMs, 0),
    model_load_rss_mb: round(loadRssMb, 0),
  }),
);

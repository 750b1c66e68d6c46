// `npm run bench -- social-sentiment`: the sentiment of social posts (src/social/sentiment.ts)
// measured on a public labelled set of short social texts: the TweetEval sentiment test split
// (the English test set of SemEval-2017 Task 4, subtask A), 12,284 tweets labelled negative,
// neutral or positive, in test/fixtures/social-sentiment/ (see its README.md: source, licence).
// No database, no network.
//
// Figures, all over the 12,284 tweets:
// - coverage: the share scored (sentiment not null); every tweet of the set is English, so a
//   null (taken for another language) counts as wrong below.
// - accuracy: the 3-class label right (positive, neutral, negative).
// - accuracy_decided: over the tweets called positive or negative whose label is positive or
//   negative, the share with the right one (the polarity, when there is one and one was given).
//   decided_precision: over all tweets called positive or negative, the share whose label is that.
// - f1_macro: the mean of the three classes' F1; recall_macro: the mean of their recalls (the
//   official measure of SemEval-2017 4A and TweetEval's sentiment, for comparison with
//   published systems: the models on TweetEval's leaderboard, trained on tweets, score 0.58 to 0.74).
// - reference: the majority class (every tweet 'neutral') and the plain analyzeText of
//   src/surveys/sentiment.ts without the social preprocessing, measured in the same run;
//   ratio = accuracy / majority-class accuracy, ratio_to_plain = accuracy / plain accuracy.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeSocialText } from '../src/social/sentiment.ts';
import { analyzeText, POSITIVE_ABOVE, NEGATIVE_BELOW, type TextAnalysis } from '../src/surveys/sentiment.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIR = path.join(root, 'test/fixtures/social-sentiment');
const LABELS = ['negative', 'neutral', 'positive'] as const;
type Label = (typeof LABELS)[number];

const lines = (file: string) => readFileSync(path.join(DIR, file), 'utf8').replace(/\n$/, '').split('\n');
const texts = lines('test_text.txt');
const gold = lines('test_labels.txt').map((l) => LABELS[Number(l)]);
if (texts.length !== gold.length || gold.some((g) => g === undefined)) {
  console.error(`social-sentiment bench: ${texts.length} texts, ${gold.length} labels, or a label other than 0, 1, 2 in ${DIR}`);
  process.exit(1);
}
const labels = gold as Label[];

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

function measure(predicted: (Label | null)[]) {
  const tp = { negative: 0, neutral: 0, positive: 0 };
  const called = { negative: 0, neutral: 0, positive: 0 };
  const actual = { negative: 0, neutral: 0, positive: 0 };
  let scored = 0;
  let right = 0;
  let polar = 0;
  let polarRight = 0;
  predicted.forEach((p, i) => {
    const g = labels[i]!;
    actual[g]++;
    if (p === null) return;
    scored++;
    called[p]++;
    if (p === g) {
      right++;
      tp[g]++;
    }
    if (p !== 'neutral' && g !== 'neutral') {
      polar++;
      if (p === g) polarRight++;
    }
  });
  const recall = LABELS.map((l) => tp[l] / actual[l]);
  const f1 = LABELS.map((l, k) => {
    const precision = called[l] ? tp[l] / called[l] : 0;
    return precision + recall[k]! ? (2 * precision * recall[k]!) / (precision + recall[k]!) : 0;
  });
  const decided = called.negative + called.positive;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    coverage: round(scored / predicted.length),
    accuracy: round(right / predicted.length),
    accuracy_decided: round(polar ? polarRight / polar : 0),
    decided_precision: round(decided ? (tp.negative + tp.positive) / decided : 0),
    f1_macro: round(mean(f1)),
    recall_macro: round(mean(recall)),
    recall: Object.fromEntries(LABELS.map((l, k) => [l, round(recall[k]!)])),
    called,
    exact: right / predicted.length,
  };
}

const sentimentOf = (r: TextAnalysis) => r.sentiment;
analyzeText('Great service!'); // loads the model and the language profiles before the clock starts
let t0 = performance.now();
const social = measure(texts.map((t) => sentimentOf(analyzeSocialText(t))));
const msPerText = (performance.now() - t0) / texts.length;
t0 = performance.now();
const plain = measure(texts.map((t) => sentimentOf(analyzeText(t))));
const msPerTextPlain = (performance.now() - t0) / texts.length;

const counts = { negative: 0, neutral: 0, positive: 0 };
for (const l of labels) counts[l]++;
const majorityLabel = LABELS.reduce((a, b) => (counts[b] > counts[a] ? b : a));
const majority = measure(labels.map(() => majorityLabel));

const { exact: socialExact, ...socialFigures } = social;
const { exact: plainExact, ...plainFigures } = plain;
console.log(
  JSON.stringify({
    bench: 'social-sentiment',
    set: 'TweetEval sentiment test split = SemEval-2017 Task 4A English test (cardiffnlp/tweeteval 4fbd22c, test/fixtures/social-sentiment)',
    n: texts.length,
    labels: counts,
    ...socialFigures,
    reference: {
      majority_class: { label: majorityLabel, accuracy: majority.accuracy, f1_macro: majority.f1_macro, recall_macro: majority.recall_macro },
      plain_analyzeText: plainFigures,
    },
    ratio: round(socialExact / majority.exact, 2),
    ratio_to_plain: round(socialExact / plainExact, 3),
    thresholds: { positive_above: POSITIVE_ABOVE, negative_below: NEGATIVE_BELOW },
    ms_per_text: round(msPerText),
    ms_per_text_plain: round(msPerTextPlain),
  }),
);

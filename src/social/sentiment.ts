// Sentiment of social posts (issue 20): the text of a Bluesky post or a Mastodon status made
// ready for the survey analyzer (src/surveys/sentiment.ts: wink-nlp English model, eld language
// detection, a non-English text is not scored), then scored by it with its thresholds.
//
// Measured on TweetEval's sentiment test split (the English test set of SemEval-2017 Task 4A,
// 12,284 tweets labelled negative 3,972 / neutral 5,937 / positive 2,375; test/fixtures/
// social-sentiment/, `npm run bench -- social-sentiment`): 3-class accuracy 0.529, scored 97.6%,
// macro-F1 0.522; the majority class (all neutral) gives 0.483, the plain analyzeText 0.532.
// Of the tweets called positive or negative whose label is positive or negative, 0.84 are right;
// most errors are neutral tweets called positive or negative and the reverse.
//
// Each choice, 3-class accuracy on the 12,284 tweets (coverage, macro-F1), and the share of the
// 870 German tweets of the UMSAB test split that get scored all the same (cardiffnlp/xlm-t
// 874214d, data/sentiment/german: SB-10K, Cieliebak et al. 2017; not in the repository; each
// is German, so every one scored is scored by the English lexicon, wrongly), as written and
// with a link appended ("https://shop.example/p/N"):
//   plain analyzeText            0.5315 (0.979, 0.523)   German scored 7.6%, with a link 13.9%
//   links removed                0.5310 (0.979, 0.523)                 7.6%              7.6%
//   @handles removed             0.5295 (0.976, 0.522)                 5.9%             11.3%
//   links and handles removed    0.5290 (0.976, 0.522)                 5.9%              5.9%   <- kept
// Kept although they cost 0.25 points on the set: the set's handles are all "@user" (anonymised)
// and most of its links are gone, so what they add there is only evidence of English (the word
// "user", URL parts) for the language detector, which helps on a set that is all English and
// is exactly what makes a German post with a link pass for English (13.9% of them). A handle or
// a link is not the author's opinion either ("@terrible.reviews.bsky.social",
// ".../love-it"); the tests check both. Links: with a scheme, www., or domain/path (Bluesky
// shortens a link's text to "example.com/pa..."). Handles: @user, @user@server, @name.bsky.social.
// On top of that, each tried and left out (accuracy; macro-F1):
//   hashtags: '#' stripped 0.5287, dropped 0.5288 (0.524), CamelCase split into words 0.5225:
//     the set's hashtags name topics (#Trump, #ThankYouObama), and wink reads a hashtag as one
//     token without sentiment, which is what a topic tag deserves — left as they are;
//   emoji and emoticons: wink scores them already (removing them: 0.5238; 0.513); the frequent
//     ones it leaves at 0 are split across labels on the set (U+1F62D, loudly crying face, in 43
//     tweets: 14 negative, 16 neutral, 13 positive), so no mapping;
//   elongations cut to two letters ("soooo" to "soo") 0.5288; lower case 0.5289.
// Thresholds: the survey's (positive above 0.25, negative below 0) are kept. Picked on the odd
// lines of the set (1st, 3rd, ...), positive above 0.5 was best (0.546 against 0.523), but on
// the even lines it gains only 0.5 points (0.540 against 0.534) and loses 5 of macro-F1 (0.480
// against 0.528): it calls a third as many tweets positive (471 against 1,373 on even lines),
// trading positives for the neutral majority. Negative below anything under 0 was worse on the
// odd lines (below -0.1: 0.534 against 0.546 with positive above 0.5).
// For comparison, the models on TweetEval's leaderboard, trained on tweets, reach 0.58 (LSTM) to
// 0.74 of macro-averaged recall on this split (its measure for sentiment); this lexicon, not
// trained, 0.521 (recall_macro in the bench).
import { compile } from 'html-to-text';
import { analyzeText, type TextAnalysis } from '../surveys/sentiment.ts';

export type { TextAnalysis } from '../surveys/sentiment.ts';

/** Links: with a scheme, starting www., or a domain followed by a path (Bluesky shortens a link's text to "example.com/path..."). */
const LINK = /(?:\bhttps?:\/\/|\bwww\.|(?<![\p{L}\p{N}_@.\-/])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\/)[^\s<>"]*/giu;
/**
 * Handles: @user, @user@server.example (Mastodon, remote), @name.bsky.social (Bluesky); not the
 * part after the @ of an e-mail address, nor a sentence's full stop after a handle.
 */
const HANDLE = /(^|[^\p{L}\p{N}_@/.])@[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?(?:@[\p{L}\p{N}](?:[\p{L}\p{N}.-]*[\p{L}\p{N}])?)?/gu;

/** The words of a post as the sentiment reads them: links and @handles removed, the rest (hashtags, emoji, emoticons) unchanged. */
export function socialPlainText(text: string): string {
  if (typeof text !== 'string') return '';
  return text.replace(LINK, ' ').replace(HANDLE, '$1 ').replace(/[ \t]+/g, ' ').trim();
}

/** Language and, for English, sentiment of a post's text (plain text: a Bluesky post's `text`, or textFromMastodonHtml of a status). Never throws. */
export function analyzeSocialText(text: string): TextAnalysis {
  return analyzeText(socialPlainText(text));
}

const mastodonToText = compile({
  wordwrap: false,
  limits: { maxInputLength: 200_000 },
  selectors: [
    // A link is its text: Mastodon writes a mention as <a>@<span>name</span></a>, a hashtag as
    // <a>#<span>tag</span></a>, a long link split in visible and invisible spans.
    { selector: 'a', options: { ignoreHref: true } },
    // The "RE: link" line of a quote post, and images (custom emoji are :shortcodes: in the text).
    { selector: '.quote-inline', format: 'skip' },
    { selector: 'img', format: 'skip' },
    ...(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'] as const).map((h) => ({ selector: h, options: { uppercase: false } })),
  ],
});

/** The text of a Mastodon status's `content` (HTML: <p>, <br>, <a> of mentions, hashtags and links), as a person reads it. */
export function textFromMastodonHtml(html: string): string {
  if (typeof html !== 'string' || !html) return '';
  try {
    return mastodonToText(html).trim();
  } catch {
    return '';
  }
}

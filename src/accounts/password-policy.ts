// What a new password must be, beyond its length (10 to 200 characters, in the contract):
// not among the commonest passwords and not easy to guess, as zxcvbn judges it (score 3 of 4
// or more: at least 10^8 guesses). zxcvbn knows the commonest passwords (a list of 30,000), English
// words, names and Wikipedia's words, keyboard walks, dates, repeats and l33t speak, and
// the person's own email, name and workspace name are added to what it tries.
//
// Only the server decides: the web app shows the server's message under the field and ships
// none of the dictionaries. They are loaded on the first password set (about 50 MB held
// from then on, ~0.5 s once), not at start, so an idle server does not pay for them.
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';
import { badRequest } from '../errors.ts';

const MIN_SCORE = 3;
// zxcvbn's time grows faster than linearly with length (200 random characters: seconds, on
// the request thread). The first 64 are judged; a longer password whose first 64 characters
// are strong is strong, and one whose first 64 are weak is refused.
const JUDGED_LENGTH = 64;

let factory: Promise<ZxcvbnFactory> | undefined;

function checker(): Promise<ZxcvbnFactory> {
  factory ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([
      import('@zxcvbn-ts/core'),
      import('@zxcvbn-ts/language-common'),
      import('@zxcvbn-ts/language-en'),
    ]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
      maxLength: JUDGED_LENGTH,
      // The l33t matcher's cost grows with the substitutions it tries; past a few the
      // password is strong anyway (zxcvbn's own advice).
      l33tMaxSubstitutions: 20,
    });
  })();
  return factory;
}

/** About whom a password is chosen: their own details make a weak password. */
export interface PasswordOwner {
  email: string;
  name?: string;
  workspaceName?: string;
}

function ownerWords(owner: PasswordOwner): string[] {
  const words = [owner.email, owner.email.split('@')[0]!, owner.name ?? '', owner.workspaceName ?? ''];
  return [...new Set(words.flatMap((w) => [w, ...w.split(/[\s@.\-_+]+/)]).map((w) => w.trim().toLowerCase()).filter((w) => w.length >= 3))];
}

/** Mostly made of common passwords ("password1234", "letmein12345"). */
function isCommon(result: ZxcvbnResult): boolean {
  const fromList = result.sequence
    .filter((m) => m.pattern === 'dictionary' && String(m.dictionaryName).startsWith('passwords'))
    .reduce((n, m) => n + m.token.length, 0);
  return fromList >= result.password.length / 2;
}

/** Why a password is too weak to set, as a sentence, or null when it is strong enough. */
export async function passwordWeakness(password: string, owner: PasswordOwner): Promise<string | null> {
  const result = (await checker()).check(password, ownerWords(owner));
  if (result.score >= MIN_SCORE) return null;
  const advice = result.feedback.suggestions.length > 0 ? ` ${result.feedback.suggestions.join(' ')}` : ' Add more words that are less common.';
  if (isCommon(result)) return `This password is among the most common ones, the first an attacker tries.${advice}`;
  const warning = result.feedback.warning ? ` ${result.feedback.warning}` : '';
  return `This password is too easy to guess.${warning}${advice}`;
}

/** Refuses (400, on the field at `path`) a password too weak to set. */
export async function assertStrongPassword(password: string, owner: PasswordOwner, path = 'password'): Promise<void> {
  const weakness = await passwordWeakness(password, owner);
  if (weakness) throw badRequest(weakness, [{ path, message: weakness }]);
}

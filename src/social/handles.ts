// A handle as Rapport compares it, the same rule as the SQL function social_handle() in
// migration 0033 (a property test checks the two agree): lower case, no leading @, a profile
// link read as the handle it names.
//   bluesky:  "@Ann.bsky.social", "https://bsky.app/profile/ann.bsky.social" -> ann.bsky.social
//   mastodon: "@Ann@mastodon.social", "https://mastodon.social/@ann"        -> ann@mastodon.social
import type { Network } from './networks/types.ts';

/** The contact property that holds a contact's handle on a network. */
export const HANDLE_PROPERTY: Record<Network, string> = { bluesky: 'bluesky_handle', mastodon: 'mastodon_handle' };

export function normalizeHandle(network: Network, raw: string | null | undefined): string | null {
  if (raw == null) return null;
  // ASCII letters only are folded, and ASCII blanks trimmed, as the SQL function does whatever the database's locale.
  const s = raw.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '').replace(/[A-Z]/g, (c) => c.toLowerCase());
  if (!s) return null;
  let out: string;
  if (network === 'mastodon') {
    out = s.replace(/^https?:\/\/([^/]+)\/@([^/@?#]+)\/?$/, '$2@$1').replace(/^@/, '');
  } else {
    out = s
      .replace(/^https?:\/\/bsky\.app\/profile\/([^/?#]+)\/?$/, '$1')
      .replace(/^@/, '')
      .replace(/\.$/, '');
  }
  return out || null;
}

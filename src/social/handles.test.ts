// A contact's handle, however it was typed, is read the same way by the database (the index
// that finds a mention's author) and by the listening code (the author's handle): checked on
// generated handles, typed with @, in capitals, as profile links, with spaces around.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { storableText } from '../shared/storable-text.ts';
import { normalizeHandle } from './handles.ts';

const t = useHarness();

const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}[a-z0-9]$/);
const bskyHandle = fc.tuple(label, fc.constantFrom('bsky.social', 'example.com', 'shop.co.uk')).map(([a, b]) => `${a}.${b}`);
const mastoHandle = fc.tuple(fc.stringMatching(/^[a-z0-9_]{1,15}$/), fc.constantFrom('mastodon.social', 'social.test', 'fosstodon.org')).map(([u, s]) => ({ user: u, server: s }));
const caps = (s: string, upper: boolean) => (upper ? s.toUpperCase() : s);

describe('handles', () => {
  it('keeps every letter of a handle, blanks and capitals aside', async () => {
    for (const [network, raw, want] of [
      ['bluesky', ' Vanessa.bsky.social\t', 'vanessa.bsky.social'],
      ['bluesky', 'https://bsky.app/profile/Fred.example.com/', 'fred.example.com'],
      ['mastodon', '@Vera@Fosstodon.org', 'vera@fosstodon.org'],
      ['mastodon', 'https://mastodon.social/@tom', 'tom@mastodon.social'],
    ] as const) {
      const [row] = await t.h.db.query<{ h: string | null }>('select social_handle($1, $2) as h', [network, raw]);
      expect([normalizeHandle(network, raw), row!.h]).toEqual([want, want]);
    }
  });

  it('reads a Bluesky handle typed in any of the usual ways as the handle itself, in TypeScript and in SQL alike', async () => {
    await fc.assert(
      fc.asyncProperty(bskyHandle, fc.constantFrom('', '@', 'https://bsky.app/profile/', 'http://bsky.app/profile/'), fc.boolean(), fc.constantFrom('', ' ', '/'), async (h, prefix, upper, suffix) => {
        const raw = ` ${caps(prefix + h, upper)}${suffix === '/' && !prefix.startsWith('http') ? '' : suffix}`;
        const js = normalizeHandle('bluesky', raw);
        const [row] = await t.h.db.query<{ h: string | null }>(`select social_handle('bluesky', $1) as h`, [raw]);
        expect(js).toBe(h);
        expect(row!.h).toBe(js);
      }),
      { numRuns: 60 },
    );
  });

  it('reads a Mastodon handle as user@server, from @user@server or a profile link, in TypeScript and in SQL alike', async () => {
    await fc.assert(
      fc.asyncProperty(mastoHandle, fc.constantFrom('at', 'plain', 'link'), fc.boolean(), async ({ user, server }, form, upper) => {
        const raw = caps(form === 'at' ? `@${user}@${server}` : form === 'plain' ? `${user}@${server}` : `https://${server}/@${user}`, upper);
        const js = normalizeHandle('mastodon', raw);
        const [row] = await t.h.db.query<{ h: string | null }>(`select social_handle('mastodon', $1) as h`, [raw]);
        expect(js).toBe(`${user}@${server}`);
        expect(row!.h).toBe(js);
      }),
      { numRuns: 60 },
    );
  });

  it('agrees with SQL on any text PostgreSQL can hold (any Unicode, blanks, empty)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('bluesky', 'mastodon') as fc.Arbitrary<'bluesky' | 'mastodon'>, fc.oneof(fc.string({ maxLength: 40, unit: 'binary' }), fc.string({ maxLength: 40 }).map((x) => ` \t@${x}.Bsky.Social \n`)).map(storableText), async (network, raw) => {
        const [row] = await t.h.db.query<{ h: string | null }>(`select social_handle($1, $2) as h`, [network, raw]);
        expect(row!.h).toBe(normalizeHandle(network, raw));
      }),
      { numRuns: 100 },
    );
  });
});

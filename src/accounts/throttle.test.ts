// The sign-in throttle: one atomic step per attempt (concurrent guesses cannot slip past the
// count), keyed by address and source together so that failing on someone's address from
// elsewhere does not lock them out, and a known device that the address-wide limit spares.
import { describe, expect, it } from 'vitest';
import { cookieFrom, type ApiResponse } from '../testing/client.ts';
import { TEST_PASSWORD, useHarness } from '../testing/harness.ts';

const t = useHarness();
const DEVICE_COOKIE = 'rapport_device';

async function signIn(email: string, password: string, ip: string, cookie?: string): Promise<ApiResponse> {
  const res = await t.h.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { email, password },
    remoteAddress: ip,
    headers: cookie ? { cookie } : {},
  });
  const body: unknown = res.body ? JSON.parse(res.body) : undefined;
  return { status: res.statusCode, body, headers: res.headers };
}

const statuses = (all: ApiResponse[]) => all.map((r) => r.status);

describe('the sign-in throttle', () => {
  it('checks exactly 10 of 31 concurrent wrong guesses on one account from one source, and refuses the rest', async () => {
    const { email } = await t.h.signUp({ email: 'raced@example.com' });
    const guesses = await Promise.all(Array.from({ length: 31 }, (_, i) => signIn(email, `wrong guess number ${i}`, '203.0.113.7')));
    expect(statuses(guesses).filter((s) => s === 401)).toHaveLength(10);
    expect(statuses(guesses).filter((s) => s === 429)).toHaveLength(21);
    const refused = guesses.find((r) => r.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.body.error.message).toMatch(/^Too many failed sign-in attempts\. Try again in \d+ minutes\.$/);

    // The right password from the same source waits for the window like a guess would.
    expect((await signIn(email, TEST_PASSWORD, '203.0.113.7')).status).toBe(429);
    t.h.clock.advance(14 * 60_000);
    expect((await signIn(email, TEST_PASSWORD, '203.0.113.7')).status).toBe(429);
    t.h.clock.advance(2 * 60_000);
    expect((await signIn(email, TEST_PASSWORD, '203.0.113.7')).status).toBe(200);
  });

  it('does not lock a person out because someone else failed on their address from elsewhere', async () => {
    const { email } = await t.h.signUp({ email: 'elsewhere@example.com' });
    for (let i = 0; i < 12; i++) await signIn(email, `attacker guess ${i}`, '198.51.100.1');
    expect((await signIn(email, TEST_PASSWORD, '198.51.100.1')).status).toBe(429);
    expect((await signIn(email, TEST_PASSWORD, '192.0.2.44')).status).toBe(200);
    t.h.clock.advance(16 * 60_000);
  });

  it('limits one source across many addresses', async () => {
    const results: number[] = [];
    for (let i = 0; i < 51; i++) results.push((await signIn(`sprayed${i}@example.com`, 'a plausible guess', '198.51.100.99')).status);
    expect(results.slice(0, 50).every((s) => s === 401)).toBe(true);
    expect(results[50]).toBe(429);
    const { email } = await t.h.signUp({ email: 'sprayed-but-real@example.com' });
    expect((await signIn(email, TEST_PASSWORD, '198.51.100.99')).status).toBe(429);
    t.h.clock.advance(16 * 60_000);
  });

  it('lets the right password in from a known device while the address is guessed at from everywhere', async () => {
    const { email } = await t.h.signUp({ email: 'besieged@example.com' });
    const first = await signIn(email, TEST_PASSWORD, '192.0.2.10');
    expect(first.status).toBe(200);
    const device = cookieFrom(first, DEVICE_COOKIE);
    expect(device).toBeDefined();
    const setCookie = [first.headers['set-cookie']].flat().map(String).find((c) => c.startsWith(`${DEVICE_COOKIE}=`))!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Max-Age=\d{8}/);

    // A distributed attack: 8 sources, 8 guesses each, never tripping the per-source limit.
    for (let source = 0; source < 8; source++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => signIn(email, `distributed guess ${source}-${i}`, `10.66.0.${source + 1}`)));
    }
    // A new source without the device is held back by the address-wide limit…
    expect((await signIn(email, TEST_PASSWORD, '192.0.2.200')).status).toBe(429);
    // …the person on their own device is not, wherever it is now.
    expect((await signIn(email, TEST_PASSWORD, '192.0.2.201', device)).status).toBe(200);

    // A device cookie of another account counts for nothing on this address.
    const other = await t.h.signUp({ email: 'attacker-own@example.com' });
    const theirs = cookieFrom(await signIn(other.email, TEST_PASSWORD, '10.66.0.1'), DEVICE_COOKIE);
    expect((await signIn(email, TEST_PASSWORD, '192.0.2.202', theirs)).status).toBe(429);
    // A forged one neither.
    expect((await signIn(email, TEST_PASSWORD, '192.0.2.203', `${DEVICE_COOKIE}=forged.value`)).status).toBe(429);
    t.h.clock.advance(16 * 60_000);
  });

  it('throttles wrong guesses made with a known device by that device', async () => {
    const { email } = await t.h.signUp({ email: 'stolen-laptop@example.com' });
    const device = cookieFrom(await signIn(email, TEST_PASSWORD, '192.0.2.20'), DEVICE_COOKIE);
    const guesses = await Promise.all(Array.from({ length: 15 }, (_, i) => signIn(email, `laptop guess ${i}`, `10.77.0.${i + 1}`, device)));
    expect(statuses(guesses).filter((s) => s === 401)).toHaveLength(10);
    expect((await signIn(email, TEST_PASSWORD, '10.77.0.99', device)).status).toBe(429);
    // Without the device, from a fresh source, the person still gets in.
    expect((await signIn(email, TEST_PASSWORD, '192.0.2.21')).status).toBe(200);
    t.h.clock.advance(16 * 60_000);
  });
});

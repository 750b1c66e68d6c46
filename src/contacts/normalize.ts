import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
export type Normalized<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Deliberately permissive (RFC 5321/6531 shapes, not one provider's rules): internationalized
 * local parts (名無し@host.invalid) and single-label domains (contact1@invalid, as address
 * books export them) are addresses a person expects to keep.
 */
const EMAIL = /^(?!\.)(?!.*\.\.)[^\s@"(),:;<>[\\\]]{1,64}(?<!\.)@(?=.{1,253}$)[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)*$/u;

/** Trimmed, lower-cased and checked; `undefined` for blank input. */
export function normalizeEmail(raw: string | null | undefined): Normalized<string | undefined> {
  const value = raw?.trim().replace(/^mailto:/i, '').toLowerCase();
  if (!value) return { ok: true, value: undefined };
  if (value.length > 254 || !EMAIL.test(value)) return { ok: false, reason: `"${raw}" is not an email address` };
  return { ok: true, value };
}

/**
 * E.164 (+4915123456789). A number without an international prefix is read in the
 * workspace's default country; without one it cannot be placed and is refused.
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry?: string | null): Normalized<string | undefined> {
  const value = raw?.trim();
  if (!value) return { ok: true, value: undefined };
  const international = value.startsWith('+') || value.startsWith('00');
  const parsed = parsePhoneNumberFromString(
    value.startsWith('00') ? `+${value.slice(2)}` : value,
    international ? undefined : ((defaultCountry ?? undefined) as CountryCode | undefined),
  );
  if (!parsed || !parsed.isValid()) {
    const hint = !international && !defaultCountry ? ' (write it with its country code, like +44…, or set the default country in Settings › Workspace)' : '';
    return { ok: false, reason: `"${raw}" is not a phone number${hint}` };
  }
  return { ok: true, value: parsed.number };
}

export function normalizeText(raw: string | null | undefined, max = 500): string | undefined {
  const value = raw?.trim();
  return value ? value.slice(0, max) : undefined;
}

// Money: integer minor units with an ISO 4217 currency, converted by the currency's own
// exponent (GBP 2, JPY 0, BHD 3, CLF 4) from the ISO list, never by a guess: Intl's display
// rules say 0 for HUF, COP and IDR, whose minor unit ISO puts at 2. Shared by the server and
// the web app (only the currency-codes data, no other dependency).
import { code as currencyRecord } from 'currency-codes';

/** The number of decimals of a currency's minor unit, or undefined when the code is not an ISO 4217 currency. */
export function currencyExponent(currency: string): number | undefined {
  if (!/^[A-Za-z]{3}$/.test(currency)) return undefined;
  return currencyRecord(currency)?.digits;
}

export function isCurrency(currency: string): boolean {
  return currencyExponent(currency) !== undefined;
}

export type Converted = { ok: true; value: number } | { ok: false; reason: string };

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * An amount in major units (19.99, "19.99", 1200 for yen) as an integer of minor units,
 * computed on the decimal digits (no binary floating point on the way: 0.1 + 0.2 problems
 * cannot creep in). Digits beyond the currency's minor unit are rounded half away from zero.
 */
export function toMinorUnits(amount: unknown, currency: string): Converted {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return { ok: false, reason: `"${String(currency).slice(0, 20)}" is not an ISO 4217 currency code` };
  let text: string;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) return { ok: false, reason: 'is not a finite number' };
    // The shortest decimal that reads back as the same double: 19.99 → "19.99".
    if (Math.abs(amount) >= 1e16) return { ok: false, reason: 'is too large' };
    text = Math.abs(amount) < 1e-6 ? '0' : plainDecimal(amount);
  } else if (typeof amount === 'string') {
    text = amount.trim();
  } else {
    return { ok: false, reason: 'must be a number' };
  }
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return { ok: false, reason: `"${text.slice(0, 40)}" is not an amount` };
  const sign = m[1] === '-' ? -1 : 1;
  const whole = m[2] || '0';
  const fraction = m[3] ?? '';
  const kept = (fraction + '0'.repeat(exponent)).slice(0, exponent);
  const next = fraction.charAt(exponent);
  let minor = BigInt(whole + kept);
  if (next !== '' && next >= '5') minor += 1n;
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, reason: 'is too large' };
  const value = sign * Number(minor);
  return { ok: true, value: Object.is(value, -0) ? 0 : value };
}

/** A double written without exponent notation ("1e-7" → "0.0000001"). */
function plainDecimal(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** Minor units back to a major-unit number, for display and templates (never for sums). */
export function toMajorUnits(minor: number, currency: string): number {
  const exponent = currencyExponent(currency) ?? 2;
  return minor / 10 ** exponent;
}

/** "£19.00", "¥1,200", "BHD 1.250": the currency's own number of decimals, the reader's locale. */
export function formatMoney(minor: number, currency: string, locale?: string): string {
  const exponent = currencyExponent(currency);
  if (exponent === undefined) return `${minor} ${currency}`;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(
      minor / 10 ** exponent,
    );
  } catch {
    return `${(minor / 10 ** exponent).toFixed(exponent)} ${currency}`;
  }
}

// Countries as the app shows them: stored as ISO 3166-1 alpha-2 codes ("GB"), shown by name in
// the browser's language (Intl.DisplayNames: no name list in the bundle).
import { COUNTRY_CODES } from '../../../src/shared/country-codes.ts';

const display = (() => {
  try {
    return new Intl.DisplayNames([navigator.language, 'en'], { type: 'region', fallback: 'code' });
  } catch {
    return undefined;
  }
})();

/** "GB" → "United Kingdom"; anything else is shown as it is. */
export function countryName(code: string): string {
  try {
    return display?.of(code) ?? code;
  } catch {
    return code;
  }
}

let options: { value: string; label: string }[] | undefined;

/** Every country as a choice for a picker, by name. */
export function countryOptions(): { value: string; label: string }[] {
  options ??= COUNTRY_CODES.map((code) => ({ value: code, label: countryName(code) })).sort((a, b) => a.label.localeCompare(b.label));
  return options;
}

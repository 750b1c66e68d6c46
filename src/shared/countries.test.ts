import countries from 'i18n-iso-countries';
import { describe, expect, it } from 'vitest';
import { countryName, readCountry } from './countries.ts';
import { COUNTRY_CODES, isCountryCode } from './country-codes.ts';

describe('countries as exports write them', () => {
  it('reads names in the languages of the exports, codes and three-letter codes as ISO 3166-1 alpha-2', () => {
    const cases: [string, string][] = [
      ['United Kingdom', 'GB'],
      ['Deutschland', 'DE'],
      ['GB', 'GB'],
      ['gb', 'GB'],
      ['France', 'FR'],
      ['Royaume-Uni', 'GB'],
      ['Reino Unido', 'GB'],
      ['Regno Unito', 'GB'],
      ['Verenigd Koninkrijk', 'GB'],
      ['イギリス', 'GB'],
      ['日本', 'JP'],
      ['Österreich', 'AT'],
      ['Schweiz', 'CH'],
      ['Suisse', 'CH'],
      ['Países Bajos', 'NL'],
      ['the Netherlands', 'NL'],
      ['Estados Unidos', 'US'],
      ['USA', 'US'],
      ['DEU', 'DE'],
      // As the UCI online-retail file writes Ireland and South Africa.
      ['EIRE', 'IE'],
      ['RSA', 'ZA'],
      ['Côte d’Ivoire', 'CI'],
    ];
    for (const [text, code] of cases) expect(readCountry(text), text).toEqual({ ok: true, code });
  });

  it('knows "unspecified" means no country, and says so for what is not one', () => {
    expect(readCountry('Unspecified')).toEqual({ ok: true, code: null });
    expect(readCountry('  ')).toEqual({ ok: true, code: null });
    for (const text of ['Channel Islands', 'European Community', 'Bayern', 'ZZ']) expect(readCountry(text), text).toEqual({ ok: false });
  });

  it('lists the same codes as i18n-iso-countries, and shows them by name', () => {
    expect([...COUNTRY_CODES].sort()).toEqual(Object.keys(countries.getAlpha2Codes()).sort());
    expect(isCountryCode('GB')).toBe(true);
    expect(isCountryCode('gb')).toBe(false);
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('DE', 'fr')).toBe('Allemagne');
  });
});

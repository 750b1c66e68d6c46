// Country names as people write them in spreadsheets, read as ISO 3166-1 alpha-2 codes.
// Server only: the names of 8 languages come from i18n-iso-countries and from ICU
// (Intl.DisplayNames); the web app shows names with Intl.DisplayNames alone and lists codes
// from country-codes.ts.
import { createRequire } from 'node:module';
import type * as Countries from 'i18n-iso-countries';
import { COUNTRY_CODES, isCountryCode } from './country-codes.ts';

// The package's main entry loads all of its 80 languages (~100 ms at every start): load it
// without them, on first use, with only the languages below.
const require = createRequire(import.meta.url);
let library: typeof Countries | undefined;
function countries(): typeof Countries {
  if (library) return library;
  library = require('i18n-iso-countries/index.js') as typeof Countries;
  for (const lang of COUNTRY_NAME_LANGUAGES) library.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`) as Countries.LocaleData);
  return library;
}

/** The languages of the exports Rapport reads names in: Outlook, Excel, Google, Thunderbird. */
export const COUNTRY_NAME_LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt', 'ja'] as const;

/**
 * Names shops and old exports use that neither source knows: the UK's nations (a shop's
 * customer in "Scotland" lives in GB), "EIRE" (Ireland in the UCI online-retail file), "RSA".
 */
const EXTRA_NAMES: Record<string, string> = {
  uk: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  northernireland: 'GB',
  greatbritain: 'GB',
  grossbritannien: 'GB',
  grandebretagne: 'GB',
  granbretana: 'GB',
  granbretagna: 'GB',
  grootbrittannie: 'GB',
  eire: 'IE',
  usa: 'US',
  uae: 'AE',
  us: 'US',
  unitedstatesofamerica: 'US',
  rsa: 'ZA',
  holland: 'NL',
  czechia: 'CZ',
  czechrepublic: 'CZ',
  southkorea: 'KR',
  northkorea: 'KP',
  russia: 'RU',
  vietnam: 'VN',
  turkey: 'TR',
};

/** Words that stand for "no country" in exports: no value, rather than a wrong one. */
const NO_COUNTRY = new Set(['unspecified', 'unknown', 'na', 'none', 'other', 'keine', 'inconnu', 'desconocido', 'sconosciuto', 'onbekend']);

/** Lower case, no accents, letters and digits only: "Royaume-Uni" → "royaumeuni", "日本" stays. */
function key(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

let names: Map<string, string> | undefined;

/** Every name → code; a name two countries share in different languages is left out. */
function nameIndex(): Map<string, string> {
  if (names) return names;
  const index = new Map<string, string | null>();
  const add = (name: string, code: string) => {
    const k = key(name);
    if (!k) return;
    const seen = index.get(k);
    if (seen === undefined) index.set(k, code);
    else if (seen !== code) index.set(k, null);
  };
  for (const lang of COUNTRY_NAME_LANGUAGES) {
    const display = new Intl.DisplayNames([lang], { type: 'region', fallback: 'none' });
    for (const [code, all] of Object.entries(countries().getNames(lang, { select: 'all' }))) for (const name of all) add(name, code);
    for (const code of COUNTRY_CODES) {
      const name = display.of(code);
      if (name) add(name, code);
    }
  }
  for (const [name, code] of Object.entries(EXTRA_NAMES)) index.set(name, code);
  names = new Map([...index].filter((e): e is [string, string] => e[1] !== null));
  return names;
}

export type CountryReading = { ok: true; code: string | null } | { ok: false };

/**
 * A country from a code ("GB", "gb", "GBR") or a name in one of the languages above
 * ("United Kingdom", "Royaume-Uni", "イギリス"); `code: null` for blanks and "unspecified".
 */
export function readCountry(text: string): CountryReading {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, code: null };
  if (/^[A-Za-z]{2}$/.test(trimmed) && isCountryCode(trimmed.toUpperCase())) return { ok: true, code: trimmed.toUpperCase() };
  if (/^[A-Za-z]{3}$/.test(trimmed)) {
    const alpha2 = countries().alpha3ToAlpha2(trimmed.toUpperCase());
    if (alpha2) return { ok: true, code: alpha2 };
  }
  const k = key(trimmed);
  if (NO_COUNTRY.has(k)) return { ok: true, code: null };
  const code = nameIndex().get(k) ?? nameIndex().get(k.replace(/^the/, ''));
  return code ? { ok: true, code } : { ok: false };
}

/** The country's name in English, for messages ("GB" → "United Kingdom"). */
export function countryName(code: string, locale = 'en'): string {
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
}

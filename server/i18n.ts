import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { localesDir } from './paths.js';

export const LANGUAGES = ['ar', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'ar';

export function isLang(value: unknown): value is Lang {
  return value === 'ar' || value === 'en';
}

export function dirOf(lang: Lang): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

function readLocale(lang: Lang): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(localesDir, `${lang}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
}

const instance = i18next.createInstance();
void instance.init({
  initAsync: false,
  resources: { ar: { translation: readLocale('ar') }, en: { translation: readLocale('en') } },
  lng: DEFAULT_LANG,
  fallbackLng: false,
  supportedLngs: [...LANGUAGES],
  // EJS escapes on output; escaping here too would double-escape.
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

export type Translate = TFunction;

export function translator(lang: Lang): Translate {
  return instance.getFixedT(lang);
}

export function hasKey(key: string, lang: Lang): boolean {
  return instance.exists(key, { lng: lang });
}

/** Picks the text of a bilingual value ({ ar, en }) for a language. */
export function pick(value: { ar: string; en: string }, lang: Lang): string {
  return value[lang];
}

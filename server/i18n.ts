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

/**
 * A language's texts: `locales/<lang>.json`, merged with every `locales/<lang>/*.json` (one file
 * per area, e.g. certificates.json). Two files may not define the same top-level key.
 */
function readLocale(lang: Lang): Record<string, unknown> {
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const merged = read(path.join(localesDir, `${lang}.json`));
  const areaDir = path.join(localesDir, lang);
  const areas = fs.existsSync(areaDir)
    ? fs
        .readdirSync(areaDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  for (const file of areas) {
    for (const [key, value] of Object.entries(read(path.join(areaDir, file)))) {
      if (key in merged) throw new Error(`locales/${lang}/${file}: top-level key "${key}" is defined twice`);
      merged[key] = value;
    }
  }
  return merged;
}

/** Every text of a language, as the portal loads it (for tests that compare the languages). */
export function localeTexts(lang: Lang): Record<string, unknown> {
  return readLocale(lang);
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

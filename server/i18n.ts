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

const translators = new Map<Lang, Translate>();

/** Remembered texts per language; cleared when full (counts are unbounded in principle). */
const REMEMBERED_LIMIT = 20_000;

/**
 * A language's translate function, made once. The texts are fixed while the portal runs, so
 * `t(key)` and `t(key, { count, page, … })` with plain values (strings, numbers, booleans) give
 * the same text for the same arguments: they are remembered (at most REMEMBERED_LIMIT per language;
 * the memory starts again when full). Pages call `t` hundreds of times per request, and i18next's
 * resolution (key parsing, plural rules, interpolation) was the largest single cost of rendering a
 * page. Calls with other values (objects, arrays) go to i18next every time.
 */
export function translator(lang: Lang): Translate {
  let t = translators.get(lang);
  if (!t) {
    const fixed = instance.getFixedT(lang) as unknown as (...args: unknown[]) => string;
    const texts = new Map<string, string>();
    const remembering = (...args: unknown[]): string => {
      const [key, options] = args;
      let memo: string | undefined;
      if (typeof key === 'string') {
        if (args.length === 1) memo = key;
        else if (args.length === 2 && hasPlainValues(options))
          memo = `${key}\u0000${JSON.stringify(options)}`;
      }
      if (memo === undefined) return fixed(...args);
      let text = texts.get(memo);
      if (text === undefined) {
        text = fixed(...args);
        if (texts.size >= REMEMBERED_LIMIT) texts.clear();
        texts.set(memo, text);
      }
      return text;
    };
    t = Object.assign(remembering, fixed) as unknown as Translate;
    translators.set(lang, t);
  }
  return t;
}

/** Options of strings, numbers and booleans only (a count, a page number, a name): their text is fixed. */
function hasPlainValues(options: unknown): options is Record<string, string | number | boolean> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return false;
  // Objects and arrays of texts are returned as they are: a caller could change a shared one.
  if ('returnObjects' in options) return false;
  for (const value of Object.values(options)) {
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean') return false;
  }
  return true;
}

export function hasKey(key: string, lang: Lang): boolean {
  return instance.exists(key, { lng: lang });
}

/** Picks the text of a bilingual value ({ ar, en }) for a language. */
export function pick(value: { ar: string; en: string }, lang: Lang): string {
  return value[lang];
}

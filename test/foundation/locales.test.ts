import { expect } from 'chai';
import { localeTexts, translator } from '../../server/i18n.js';

/** Every leaf key of a nested object, dotted: { a: { b: 'x' } } → ['a.b']. */
function leafKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    leafKeys(inner, prefix ? `${prefix}.${key}` : key),
  );
}

describe('Locale files', () => {
  const ar = localeTexts('ar');
  const en = localeTexts('en');

  // Plural forms differ by language (Arabic has six, English two): compare the base keys.
  const baseKeys = (texts: Record<string, unknown>) =>
    new Set(leafKeys(texts).map((key) => key.replace(/_(zero|one|two|few|many|other)$/, '')));

  it('when the Arabic and English texts are compared, then every key exists in both languages', () => {
    const arKeys = baseKeys(ar);
    const enKeys = baseKeys(en);
    expect(
      [...arKeys].filter((k) => !enKeys.has(k)),
      'only in Arabic',
    ).to.deep.equal([]);
    expect(
      [...enKeys].filter((k) => !arKeys.has(k)),
      'only in English',
    ).to.deep.equal([]);
  });

  it('when any text is read, then it is a non-empty string in both languages', () => {
    for (const [lang, texts] of [
      ['ar', ar],
      ['en', en],
    ] as const) {
      const empty = leafKeys(texts).filter((key) => {
        const value = key
          .split('.')
          .reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], texts);
        return typeof value !== 'string' || value.trim() === '';
      });
      expect(empty, `empty or non-text values in ${lang}`).to.deep.equal([]);
    }
  });
});

describe('The remembered translate function', () => {
  it('when the same text is asked for again, with or without values, then it is the same text i18next gives, per language and per value', () => {
    const en = translator('en');
    const ar = translator('ar');
    expect(translator('en')).to.equal(en);
    for (let round = 0; round < 2; round++) {
      expect(en('apply.pageOf', { page: 2, pages: 5 })).to.equal('Page 2 of 5');
      expect(en('apply.pageOf', { page: 3, pages: 5 })).to.equal('Page 3 of 5');
      expect(en('guide.maxFiles', { count: 1 })).to.equal('one file');
      expect(en('guide.maxFiles', { count: 4 })).to.equal('up to 4 files');
      expect(ar('guide.maxFiles', { count: 1 })).to.not.equal(en('guide.maxFiles', { count: 1 }));
      expect(en('nav.services')).to.equal(
        localeTexts('en').nav && (localeTexts('en').nav as Record<string, string>).services,
      );
    }
  });

  it('when texts are asked for as objects, then each caller gets its own', () => {
    const en = translator('en');
    const first = en('nav', { returnObjects: true }) as unknown as Record<string, string>;
    first.services = 'changed';
    const second = en('nav', { returnObjects: true }) as unknown as Record<string, string>;
    expect(second.services).to.not.equal('changed');
  });
});

import type { FieldDef } from '../../workflows/types.js';
import type { AddressValue } from '../../workflows/form/form.js';
import { municipalityName, isMunicipalityCode } from '../../workflows/municipalities.js';
import { translator, type Lang } from '../i18n.js';
import { displayMobile } from '../../workflows/identifiers.js';

const TIME_ZONE = 'Asia/Bahrain';

function asText(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number'
      ? String(value)
      : JSON.stringify(value);
}

/** One formatter per language, made once: Intl objects are costly to build on every request. */
function memo<T>(make: (lang: Lang) => T): (lang: Lang) => T {
  const made = new Map<Lang, T>();
  return (lang) => {
    let value = made.get(lang);
    if (value === undefined) {
      value = make(lang);
      made.set(lang, value);
    }
    return value;
  };
}

/** Dates as people read them, in the page's language, Bahrain time, Latin digits. */
export const dateFormatter = memo((lang: Lang) => {
  const withTime = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-BH-u-nu-latn' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  });
  const dayOnly = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-BH-u-nu-latn' : 'en-GB', {
    dateStyle: 'long',
    timeZone: TIME_ZONE,
  });
  return (value: Date | string | number | null | undefined, options: { time?: boolean } = {}): string => {
    if (value === null || value === undefined || value === '') return '';
    const date =
      typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? new Date(`${value}T12:00:00+03:00`)
        : new Date(value);
    if (Number.isNaN(date.getTime())) return '';
    return (options.time === false ? dayOnly : withTime).format(date);
  };
});

export const moneyFormatter = memo((lang: Lang) => {
  const f = new Intl.NumberFormat(lang === 'ar' ? 'ar-BH-u-nu-latn' : 'en-BH', {
    style: 'currency',
    currency: 'BHD',
    minimumFractionDigits: 3,
  });
  return (amount: number) => f.format(amount);
});

/** An answer as the check-your-answers page and the back office show it. */
export const answerFormatter = memo((lang: Lang) => {
  const t = translator(lang);
  const money = moneyFormatter(lang);
  const date = dateFormatter(lang);
  return (field: FieldDef, value: unknown): string => {
    if (value === undefined || value === null || value === '') return '';
    switch (field.type) {
      case 'select':
      case 'radio':
        return field.options.find((o) => o.value === value)?.label[lang] ?? asText(value);
      case 'checkbox':
        return ([] as unknown[])
          .concat(value)
          .map((v) => field.options.find((o) => o.value === v)?.label[lang] ?? asText(v))
          .join(lang === 'ar' ? '، ' : ', ');
      case 'yesno':
        return t(value === 'yes' ? 'common.yes' : 'common.no');
      case 'money':
        return money(Number(value));
      case 'date':
        return date(asText(value), { time: false });
      case 'iban':
        return asText(value).replace(/(.{4})(?=.)/g, '$1 ');
      case 'mobile':
        return displayMobile(asText(value));
      case 'address': {
        const a = value as AddressValue;
        const parts = [
          a.flat ? `${t('apply.address.flat')} ${a.flat}` : '',
          `${t('apply.address.building')} ${a.building}`,
          `${t('apply.address.road')} ${a.road}`,
          `${t('apply.address.block')} ${a.block}`,
          a.area,
          isMunicipalityCode(a.municipality) ? municipalityName(a.municipality)[lang] : '',
        ];
        return parts.filter(Boolean).join(lang === 'ar' ? '، ' : ', ');
      }
      default:
        return asText(value);
    }
  };
});

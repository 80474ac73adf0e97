import type { RequestHandler } from 'express';
import { DEFAULT_LANG, dirOf, isLang, translator } from '../i18n.js';
import { answerFormatter, dateFormatter, moneyFormatter } from './formatting.js';
import { displayMobile, localMobile } from '../../workflows/identifiers.js';
import { partsOfDate } from '../../workflows/form/date-parts.js';
import { expectedDecisionAt } from '../../workflows/describe.js';

export const LANG_COOKIE = 'lang';

/**
 * Picks the language (the remembered choice, else Arabic) and puts what every view needs in
 * res.locals. Runs before the session so even error pages are translated.
 */
export const languageLocals: RequestHandler = (req, res, next) => {
  const cookie: unknown = (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE];
  const lang = isLang(cookie) ? cookie : DEFAULT_LANG;
  res.locals.lang = lang;
  res.locals.dir = dirOf(lang);
  res.locals.t = translator(lang);
  res.locals.pick = (value) => value[lang];
  res.locals.currentPath = req.originalUrl;
  res.locals.user = null;
  res.locals.csrf = () => '';
  res.locals.takeFlash = () => [];
  res.locals.formatDate = dateFormatter(lang);
  res.locals.formatMoney = moneyFormatter(lang);
  res.locals.formatAnswer = answerFormatter(lang);
  res.locals.displayMobile = displayMobile;
  res.locals.localMobile = localMobile;
  res.locals.partsOfDate = partsOfDate;
  res.locals.expectedDecisionAt = expectedDecisionAt;
  next();
};

/** A local path to return to; anything else (another host, a scheme) becomes '/'. */
export function safeReturnPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return '/';
  }
  return value;
}

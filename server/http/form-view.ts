import type { Response } from 'express';
import type { FieldError } from './form-errors.js';

export interface ShownError {
  field: string;
  href: string;
  text: string;
}

/** Translates field errors for the error summary (links to each field) and the inline messages. */
export function shownErrors(res: Response, errors: FieldError[]): ShownError[] {
  const t = res.locals.t;
  return errors.map((e) => ({
    field: e.field,
    href: `#${e.field}`,
    text: t(`errors.${e.key}`, e.params ?? {}),
  }));
}

/** Renders a form page; with errors the title starts with "Error:" and the status is 400. */
export function renderForm(
  res: Response,
  view: string,
  title: string,
  errors: FieldError[],
  locals: Record<string, unknown>,
  status = 400,
): void {
  const shown = shownErrors(res, errors);
  if (shown.length > 0) res.status(status);
  res.render(view, {
    ...locals,
    heading: title,
    title: shown.length > 0 ? `${res.locals.t('errors.titlePrefix')}${title}` : title,
    errors: shown,
  });
}

/** A validation problem with one form field; `key` is an i18n key under `errors.`. */
export interface FieldError {
  field: string;
  key: string;
  params?: Record<string, string>;
}

export type FormInput = Record<string, unknown>;

/** The parsed form body of a request, or an empty one. */
export function formBody(req: { body?: unknown }): FormInput {
  const body = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as FormInput) : {};
}

/**
 * Reads one text field from a parsed form body. A field sent twice arrives as an array and is
 * refused rather than guessed at (ASVS 2.2.1); a missing field reads as ''.
 */
export function textField(body: FormInput, name: string, errors: FieldError[]): string {
  const value = body[name];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    errors.push({ field: name, key: 'duplicateField' });
    return '';
  }
  return value;
}

/** Reads a field that may be sent several times (checkboxes of one name): every value that is text. */
export function listField(body: FormInput, name: string): string[] {
  const value = body[name];
  const list = Array.isArray(value)
    ? (value as unknown[])
    : value === undefined || value === null
      ? []
      : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

export function hasError(errors: FieldError[], field: string): boolean {
  return errors.some((e) => e.field === field);
}

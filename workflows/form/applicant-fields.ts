/**
 * The fields most services ask first: who is applying and how to reach them, on the form's first
 * page, filled in from the signed-in person's account. A definition lists them among its fields
 * like any other; one that needs other words (a hint, another label) writes its own field.
 */
import type { ServiceDataInput } from '../types.js';

type FieldInput = ServiceDataInput['fields'][number];
type Label = { ar: string; en: string };

/** A first-page field whose answer comes from the account's attribute of the same kind. */
function fromAccount(
  key: string,
  type: 'text' | 'cpr' | 'mobile' | 'email',
  prefill: 'name' | 'cpr' | 'mobile' | 'email',
  label: Label,
  required = true,
): FieldInput {
  return { key, type, step: 0, prefill, required, label };
}

export const applicantNameField = fromAccount('applicantName', 'text', 'name', {
  ar: 'اسم مقدم الطلب',
  en: 'Applicant’s name',
});

export const cprField = fromAccount('cpr', 'cpr', 'cpr', { ar: 'الرقم الشخصي', en: 'CPR number' });

export const mobileField = fromAccount('mobile', 'mobile', 'mobile', {
  ar: 'رقم الهاتف النقال',
  en: 'Mobile number',
});

/** The e-mail address; services that write to the applicant by e-mail make it required. */
export function emailField({ required }: { required: boolean }): FieldInput {
  return fromAccount('email', 'email', 'email', { ar: 'البريد الإلكتروني', en: 'Email address' }, required);
}

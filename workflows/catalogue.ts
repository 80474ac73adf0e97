/**
 * Closed lists a service definition picks from, each with the bilingual label the portal shows.
 */
import type { Localized } from './types.js';

export const CATEGORIES = [
  { key: 'certificates', label: { ar: 'الشهادات', en: 'Certificates' } },
  { key: 'accounts', label: { ar: 'الحسابات البلدية', en: 'Municipal accounts' } },
  { key: 'permits', label: { ar: 'الرخص والتصاريح', en: 'Permits and licences' } },
  { key: 'planning', label: { ar: 'التخطيط العمراني', en: 'Planning' } },
  { key: 'environment', label: { ar: 'البيئة والصحة العامة', en: 'Environment and public health' } },
  { key: 'complaints', label: { ar: 'الشكاوى والبلاغات', en: 'Complaints and reports' } },
] as const satisfies readonly { key: string; label: Localized }[];
export type Category = (typeof CATEGORIES)[number]['key'];
export const CATEGORY_KEYS = CATEGORIES.map((c) => c.key) as [Category, ...Category[]];

export const DEPARTMENTS = [
  { key: 'customer-services', label: { ar: 'خدمة العملاء', en: 'Customer Services' } },
  { key: 'finance', label: { ar: 'الشؤون المالية', en: 'Finance' } },
  { key: 'building-permits', label: { ar: 'رخص البناء', en: 'Building Permits' } },
  { key: 'engineering', label: { ar: 'الخدمات الهندسية', en: 'Engineering Services' } },
  { key: 'public-works', label: { ar: 'الأشغال العامة', en: 'Public Works' } },
  { key: 'health', label: { ar: 'الصحة العامة', en: 'Public Health' } },
  { key: 'planning', label: { ar: 'التخطيط العمراني', en: 'Urban Planning' } },
  { key: 'information-technology', label: { ar: 'تقنية المعلومات', en: 'Information Technology' } },
] as const satisfies readonly { key: string; label: Localized }[];
export type Department = (typeof DEPARTMENTS)[number]['key'];
export const DEPARTMENT_KEYS = DEPARTMENTS.map((d) => d.key) as [Department, ...Department[]];

/** Other authorities whose clearance a service may need (the `clearances` workflow option). */
export const CLEARANCE_BODIES = [
  { key: 'utilities', label: { ar: 'هيئة الكهرباء والماء', en: 'Electricity and Water Authority' } },
  { key: 'traffic', label: { ar: 'الإدارة العامة للمرور', en: 'General Directorate of Traffic' } },
  { key: 'civil-defence', label: { ar: 'الإدارة العامة للدفاع المدني', en: 'Civil Defence' } },
  { key: 'sewerage', label: { ar: 'إدارة الصرف الصحي', en: 'Sanitary Engineering' } },
  { key: 'environment', label: { ar: 'المجلس الأعلى للبيئة', en: 'Supreme Council for Environment' } },
] as const satisfies readonly { key: string; label: Localized }[];
export type ClearanceBody = (typeof CLEARANCE_BODIES)[number]['key'];
export const CLEARANCE_BODY_KEYS = CLEARANCE_BODIES.map((b) => b.key) as [ClearanceBody, ...ClearanceBody[]];

export const APPLICANT_KINDS = [
  { key: 'resident', label: { ar: 'مواطن أو مقيم', en: 'Resident' } },
  { key: 'investor', label: { ar: 'مستثمر', en: 'Investor' } },
] as const satisfies readonly { key: string; label: Localized }[];
export type ApplicantKind = (typeof APPLICANT_KINDS)[number]['key'];
export const APPLICANT_KIND_KEYS = APPLICANT_KINDS.map((a) => a.key) as [ApplicantKind, ...ApplicantKind[]];

export function labelOf(
  list: readonly { key: string; label: Localized }[],
  key: string,
): Localized | undefined {
  return list.find((item) => item.key === key)?.label;
}

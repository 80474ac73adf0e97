/**
 * Bilingual wording of the standard review workflow: state names, action buttons and the
 * applicant-facing guide steps. Kept apart from the machine so the structure stays readable.
 */
import type { Localized } from './types.js';

export const STATE_LABELS = {
  draft: { ar: 'مسودة', en: 'Draft' },
  submitted: { ar: 'مقدَّم', en: 'Submitted' },
  under_review: { ar: 'قيد المراجعة', en: 'Under review' },
  info_requested: { ar: 'مطلوب معلومات إضافية', en: 'More information requested' },
  inspection_scheduled: { ar: 'تم تحديد موعد المعاينة الميدانية', en: 'Site inspection scheduled' },
  clearances: { ar: 'بانتظار موافقات الجهات المعنية', en: 'Awaiting clearances' },
  clearance_pending: { ar: 'الموافقة قيد الانتظار', en: 'Clearance pending' },
  clearance_given: { ar: 'تم منح الموافقة', en: 'Clearance given' },
  awaiting_payment: { ar: 'بانتظار دفع الرسوم', en: 'Awaiting fee payment' },
  payout_pending: { ar: 'بانتظار صرف المبلغ', en: 'Payout pending' },
  accepted: { ar: 'تمت الموافقة', en: 'Approved' },
  completed: { ar: 'مكتمل', en: 'Completed' },
  rejected: { ar: 'مرفوض', en: 'Rejected' },
  query_raised: { ar: 'استفسار قيد النظر', en: 'Query under consideration' },
  rejection_upheld: { ar: 'تم تأييد الرفض', en: 'Rejection upheld' },
  rejection_final: { ar: 'الرفض نهائي', en: 'Rejection final' },
  withdrawn: { ar: 'مسحوب', en: 'Withdrawn' },
  discarded: { ar: 'مسودة محذوفة', en: 'Discarded' },
} satisfies Record<string, Localized>;

export const EVENT_LABELS = {
  SUBMIT: { ar: 'تقديم الطلب', en: 'Submit application' },
  DISCARD: { ar: 'حذف المسودة', en: 'Discard draft' },
  START_REVIEW: { ar: 'بدء المراجعة', en: 'Start review' },
  ACCEPT: { ar: 'الموافقة على الطلب', en: 'Approve' },
  REJECT: { ar: 'رفض الطلب', en: 'Reject' },
  REQUEST_INFO: { ar: 'طلب معلومات إضافية', en: 'Request more information' },
  RESUBMIT: { ar: 'إعادة تقديم الطلب بالمعلومات المطلوبة', en: 'Resubmit with the requested information' },
  WITHDRAW: { ar: 'سحب الطلب', en: 'Withdraw application' },
  RAISE_QUERY: { ar: 'تقديم استفسار على الرفض', en: 'Raise a query against the rejection' },
  UPHOLD: { ar: 'تأييد الرفض', en: 'Uphold the rejection' },
  REOPEN: { ar: 'إعادة فتح الطلب للمراجعة', en: 'Reopen for review' },
  QUERY_WINDOW_CLOSE: { ar: 'انتهاء مهلة الاستفسار', en: 'Query window closed' },
  SLA_ESCALATE: { ar: 'تصعيد الطلب المتأخر', en: 'Escalate overdue application' },
  SCHEDULE_INSPECTION: { ar: 'تحديد موعد المعاينة الميدانية', en: 'Schedule site inspection' },
  INSPECTION_PASSED: { ar: 'تسجيل اجتياز المعاينة', en: 'Record inspection passed' },
  INSPECTION_FAILED: { ar: 'تسجيل عدم اجتياز المعاينة', en: 'Record inspection failed' },
  REQUEST_CLEARANCES: { ar: 'طلب موافقات الجهات المعنية', en: 'Request clearances' },
  CLEARANCES_COMPLETE: { ar: 'اكتمال موافقات الجهات المعنية', en: 'All clearances given' },
  FEE_PAID: { ar: 'تسجيل دفع الرسوم', en: 'Record fee payment' },
  PAYOUT_DONE: { ar: 'تسجيل صرف المبلغ', en: 'Record payout made' },
} satisfies Record<string, Localized>;

/**
 * What each event reads as once done, for timelines ("Application submitted"); the labels above
 * name the action on its button ("Submit application"). Arabic uses the passive of the same verb.
 */
export const EVENT_DONE_LABELS = {
  SUBMIT: { ar: 'تم تقديم الطلب', en: 'Application submitted' },
  DISCARD: { ar: 'حُذفت المسودة', en: 'Draft discarded' },
  START_REVIEW: { ar: 'بدأت المراجعة', en: 'Review started' },
  ACCEPT: { ar: 'تمت الموافقة على الطلب', en: 'Application approved' },
  REJECT: { ar: 'رُفض الطلب', en: 'Application rejected' },
  REQUEST_INFO: { ar: 'طُلبت معلومات إضافية', en: 'More information requested' },
  RESUBMIT: { ar: 'أُعيد تقديم الطلب بالمعلومات المطلوبة', en: 'Resubmitted with the requested information' },
  WITHDRAW: { ar: 'سُحب الطلب', en: 'Application withdrawn' },
  RAISE_QUERY: { ar: 'قُدّم استفسار على الرفض', en: 'Query raised against the rejection' },
  UPHOLD: { ar: 'تم تأييد الرفض', en: 'Rejection upheld' },
  REOPEN: { ar: 'أُعيد فتح الطلب للمراجعة', en: 'Reopened for review' },
  QUERY_WINDOW_CLOSE: { ar: 'انتهت مهلة الاستفسار', en: 'Query window closed' },
  SLA_ESCALATE: { ar: 'صُعّد الطلب المتأخر', en: 'Overdue application escalated' },
  SCHEDULE_INSPECTION: { ar: 'حُدّد موعد المعاينة الميدانية', en: 'Site inspection scheduled' },
  INSPECTION_PASSED: { ar: 'اجتاز الموقع المعاينة', en: 'Inspection passed' },
  INSPECTION_FAILED: { ar: 'لم يجتز الموقع المعاينة', en: 'Inspection failed' },
  REQUEST_CLEARANCES: { ar: 'طُلبت موافقات الجهات المعنية', en: 'Clearances requested' },
  CLEARANCES_COMPLETE: { ar: 'اكتملت موافقات الجهات المعنية', en: 'All clearances given' },
  FEE_PAID: { ar: 'دُفعت الرسوم', en: 'Fee paid' },
  PAYOUT_DONE: { ar: 'صُرف المبلغ', en: 'Payout made' },
} satisfies Record<string, Localized>;

/** A clearance event as a timeline gives it, with the authority that gave or declined it. */
export function clearanceDoneLabel(
  event: 'APPROVE_CLEARANCE' | 'DECLINE_CLEARANCE',
  body: Localized,
): Localized {
  return event === 'APPROVE_CLEARANCE'
    ? { ar: `مُنحت الموافقة: ${body.ar}`, en: `Clearance given: ${body.en}` }
    : { ar: `رُفضت الموافقة: ${body.ar}`, en: `Clearance declined: ${body.en}` };
}

export function clearanceEventLabel(
  event: 'APPROVE_CLEARANCE' | 'DECLINE_CLEARANCE',
  body: Localized,
): Localized {
  return event === 'APPROVE_CLEARANCE'
    ? { ar: `منح الموافقة: ${body.ar}`, en: `Give clearance: ${body.en}` }
    : { ar: `رفض الموافقة: ${body.ar}`, en: `Decline clearance: ${body.en}` };
}

export const INPUT_LABELS = {
  inspectionDate: { ar: 'تاريخ المعاينة', en: 'Inspection date' },
  inspector: { ar: 'اسم المفتش', en: 'Inspector' },
  receipt: { ar: 'رقم الإيصال', en: 'Receipt number' },
  payoutReference: { ar: 'مرجع التحويل', en: 'Transfer reference' },
  openFields: { ar: 'ما يغيّره مقدم الطلب', en: 'What the applicant may change' },
} satisfies Record<string, Localized>;

export const GUIDE_STEPS = {
  submitted: {
    ar: 'قدّم الطلب مع المستندات المطلوبة',
    en: 'Submit the application with the required documents',
  },
  under_review: { ar: 'تراجع الإدارة المختصة الطلب', en: 'The department reviews your application' },
  inspection_scheduled: {
    ar: 'يزور مفتش البلدية الموقع للمعاينة',
    en: 'A municipal inspector visits the site',
  },
  clearances: { ar: 'تصدر الجهات المعنية موافقاتها', en: 'The other authorities give their clearances' },
  awaiting_payment: {
    ar: 'ادفع الرسوم إلكترونياً أو في مركز الخدمة',
    en: 'Pay the fee online or at a service centre',
  },
  payout_pending: {
    ar: 'بعد الموافقة يُحوَّل المبلغ إلى حسابك المصرفي',
    en: 'Once approved, the amount is transferred to your bank account',
  },
  payoutDone: { ar: 'يصلك إشعار عند إتمام التحويل', en: 'You are told when the transfer is made' },
  decision: { ar: 'تتسلم القرار', en: 'You receive the decision' },
  certificate: { ar: 'تتسلم الشهادة إلكترونياً', en: 'You receive the certificate online' },
  accountNumber: { ar: 'تتسلم رقم الحساب البلدي', en: 'You receive your municipal account number' },
} satisfies Record<string, Localized>;

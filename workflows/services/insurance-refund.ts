import { defineService } from '../define-service.js';
import { applicantNameField, cprField, emailField, mobileField } from '../form/applicant-fields.js';
import { standardReview } from '../standard-review.js';
import type { ServiceDefinitionInput } from '../types.js';

const version1: ServiceDefinitionInput = {
  slug: 'insurance-refund',
  version: 1,
  name: { ar: 'استرجاع مبلغ التأمين', en: 'Deposit (insurance) refund' },
  summary: {
    ar: 'استرداد مبلغ التأمين المدفوع للبلدية بعد انتهاء الأعمال أو الترخيص الذي دُفع من أجله.',
    en: 'Get back a deposit paid to the municipality once the works or the permit it guaranteed have ended.',
  },
  description: {
    ar: 'تستوفي البلدية مبلغ تأمين عند إصدار بعض الرخص، كرخص البناء والحفريات وإشغال الطريق، ضماناً لإزالة المخلفات وإصلاح أي ضرر في المرافق العامة. يعاين مفتش البلدية الموقع للتأكد من سلامته، ثم تحوّل الشؤون المالية المبلغ، أو ما تبقى منه بعد خصم تكاليف الإصلاح، إلى الحساب المصرفي لمقدم الطلب.',
    en: 'The municipality takes a deposit with some permits, such as building, excavation and road occupancy permits, to guarantee that debris is removed and any damage to public property is repaired. A municipal inspector checks the site, then Finance transfers the deposit, less any repair costs, to the applicant’s bank account.',
  },
  category: 'accounts',
  applicants: ['resident', 'investor'],
  department: 'finance',
  guide: {
    documents: [
      {
        key: 'depositReceipt',
        label: { ar: 'إيصال دفع مبلغ التأمين', en: 'Receipt for the deposit' },
        hint: {
          ar: 'إذا فُقد الإيصال فاذكر رقمه وتاريخه في الطلب وأرفق ما يثبت الدفع.',
          en: 'If the receipt is lost, give its number and date in the form and attach any proof of payment.',
        },
        required: true,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 2,
      },
      {
        key: 'ibanCertificate',
        label: { ar: 'شهادة رقم الحساب المصرفي الدولي (IBAN)', en: 'IBAN certificate from the bank' },
        hint: {
          ar: 'صادرة من البنك وباسم صاحب التأمين نفسه.',
          en: 'Issued by the bank, in the name of the person or company that paid the deposit.',
        },
        required: true,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 1,
      },
      {
        key: 'permitCopy',
        label: { ar: 'نسخة من الرخصة المرتبطة بالتأمين', en: 'Copy of the permit the deposit was paid for' },
        required: true,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 10,
        maxFiles: 1,
      },
      {
        key: 'completionProof',
        label: { ar: 'ما يثبت انتهاء الأعمال', en: 'Proof that the works have ended' },
        hint: {
          ar: 'مثل شهادة إتمام البناء أو صور حديثة للموقع بعد تنظيفه وإعادته إلى حالته.',
          en: 'Such as the building completion certificate, or recent photographs of the site cleaned and restored.',
        },
        required: false,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 10,
        maxFiles: 6,
      },
      {
        key: 'powerOfAttorney',
        label: { ar: 'الوكالة القانونية أو تفويض الشركة', en: 'Power of attorney or company authorisation' },
        required: false,
        types: ['pdf'],
        maxSizeMb: 5,
        maxFiles: 1,
      },
    ],
    fee: { amount: 0, note: { ar: 'الخدمة مجانية.', en: 'This service is free of charge.' } },
    slaDays: 15,
    queryWindowDays: 20,
  },
  pages: [
    { ar: 'بيانات مقدم الطلب', en: 'Applicant’s details' },
    { ar: 'بيانات التأمين', en: 'The deposit' },
    { ar: 'الحساب المصرفي والمستندات', en: 'Bank account and documents' },
  ],
  fields: [
    applicantNameField,
    cprField,
    {
      key: 'payer',
      type: 'radio',
      step: 0,
      label: { ar: 'دُفع التأمين باسم', en: 'The deposit was paid in the name of' },
      options: [
        { value: 'self', label: { ar: 'مقدم الطلب نفسه', en: 'Myself' } },
        { value: 'company', label: { ar: 'شركة أو مؤسسة', en: 'A company or establishment' } },
        {
          value: 'principal',
          label: { ar: 'شخص أنوب عنه بوكالة', en: 'Someone I represent under a power of attorney' },
        },
      ],
    },
    {
      key: 'crNumber',
      type: 'cr',
      step: 0,
      prefill: 'cr',
      showWhen: { field: 'payer', equals: 'company' },
      label: { ar: 'رقم السجل التجاري', en: 'Commercial registration (CR) number' },
    },
    {
      key: 'principalCpr',
      type: 'cpr',
      step: 0,
      showWhen: { field: 'payer', equals: 'principal' },
      label: { ar: 'الرقم الشخصي لصاحب التأمين', en: 'CPR number of the person who paid the deposit' },
    },
    mobileField,
    emailField({ required: true }),
    {
      key: 'depositType',
      type: 'select',
      step: 1,
      label: { ar: 'نوع التأمين', en: 'What the deposit was for' },
      options: [
        { value: 'building', label: { ar: 'تأمين رخصة بناء', en: 'Building permit' } },
        { value: 'demolition', label: { ar: 'تأمين رخصة هدم', en: 'Demolition permit' } },
        { value: 'excavation', label: { ar: 'تأمين رخصة حفريات', en: 'Excavation permit' } },
        { value: 'roadOccupancy', label: { ar: 'تأمين إشغال طريق', en: 'Road occupancy permit' } },
        { value: 'event', label: { ar: 'تأمين خيمة أو فعالية مؤقتة', en: 'Temporary tent or event permit' } },
        { value: 'other', label: { ar: 'تأمين آخر', en: 'Other deposit' } },
      ],
    },
    {
      key: 'depositTypeOther',
      type: 'text',
      step: 1,
      maxLength: 120,
      showWhen: { field: 'depositType', equals: 'other' },
      label: { ar: 'وصف الغرض من التأمين', en: 'Describe what the deposit was for' },
    },
    {
      key: 'permitNumber',
      type: 'text',
      step: 1,
      maxLength: 30,
      label: { ar: 'رقم الرخصة', en: 'Permit number' },
    },
    {
      key: 'receiptNumber',
      type: 'text',
      step: 1,
      maxLength: 30,
      label: { ar: 'رقم إيصال الدفع', en: 'Receipt number' },
    },
    {
      key: 'paidOn',
      type: 'date',
      step: 1,
      notAfter: 'today',
      label: { ar: 'تاريخ دفع التأمين', en: 'Date the deposit was paid' },
    },
    {
      key: 'amount',
      type: 'money',
      step: 1,
      min: 0.001,
      label: { ar: 'مبلغ التأمين (بالدينار)', en: 'Deposit amount (BHD)' },
    },
    {
      key: 'siteAddress',
      type: 'address',
      step: 1,
      label: { ar: 'عنوان موقع الأعمال', en: 'Address of the site' },
    },
    {
      key: 'worksEndedOn',
      type: 'date',
      step: 1,
      notBefore: { field: 'paidOn' },
      notAfter: 'today',
      label: { ar: 'تاريخ انتهاء الأعمال', en: 'Date the works ended' },
    },
    {
      key: 'accountHolder',
      type: 'text',
      step: 2,
      maxLength: 120,
      label: { ar: 'اسم صاحب الحساب المصرفي', en: 'Bank account holder’s name' },
      hint: {
        ar: 'يجب أن يطابق اسم صاحب التأمين.',
        en: 'It must match the name in which the deposit was paid.',
      },
    },
    {
      key: 'bankName',
      type: 'select',
      step: 2,
      label: { ar: 'البنك', en: 'Bank' },
      options: [
        { value: 'nbb', label: { ar: 'بنك البحرين الوطني', en: 'National Bank of Bahrain' } },
        { value: 'bbk', label: { ar: 'بنك البحرين والكويت', en: 'Bank of Bahrain and Kuwait' } },
        { value: 'ahliUnited', label: { ar: 'البنك الأهلي المتحد', en: 'Ahli United Bank' } },
        { value: 'bisb', label: { ar: 'بنك البحرين الإسلامي', en: 'Bahrain Islamic Bank' } },
        { value: 'kfh', label: { ar: 'بيت التمويل الكويتي', en: 'Kuwait Finance House' } },
        { value: 'other', label: { ar: 'بنك آخر', en: 'Another bank' } },
      ],
    },
    {
      key: 'bankNameOther',
      type: 'text',
      step: 2,
      maxLength: 80,
      showWhen: { field: 'bankName', equals: 'other' },
      label: { ar: 'اسم البنك', en: 'Name of the bank' },
    },
    {
      key: 'iban',
      type: 'text',
      step: 2,
      maxLength: 22,
      label: { ar: 'رقم الحساب المصرفي الدولي (IBAN)', en: 'IBAN' },
      hint: {
        ar: 'يتكون من 22 خانة ويبدأ بالحرفين BH.',
        en: '22 characters, starting with BH.',
      },
    },
    {
      key: 'depositReceiptFile',
      type: 'file',
      step: 2,
      document: 'depositReceipt',
      label: { ar: 'إيصال التأمين', en: 'Deposit receipt' },
    },
    {
      key: 'ibanCertificateFile',
      type: 'file',
      step: 2,
      document: 'ibanCertificate',
      label: { ar: 'شهادة IBAN', en: 'IBAN certificate' },
    },
    {
      key: 'permitCopyFile',
      type: 'file',
      step: 2,
      document: 'permitCopy',
      label: { ar: 'الرخصة', en: 'Permit' },
    },
    {
      key: 'completionProofFile',
      type: 'file',
      step: 2,
      required: false,
      document: 'completionProof',
      label: { ar: 'إثبات انتهاء الأعمال', en: 'Proof that the works have ended' },
    },
    {
      key: 'powerOfAttorneyFile',
      type: 'file',
      step: 2,
      document: 'powerOfAttorney',
      showWhen: { field: 'payer', equals: ['company', 'principal'] },
      label: { ar: 'الوكالة أو التفويض', en: 'Power of attorney or authorisation' },
    },
  ],
  workflow: standardReview({ siteInspection: true, payout: true }),
};

/**
 * Version 2: the IBAN is checked as an IBAN (its shape and check digits), so a mistyped one is
 * caught on the form instead of when the refund is paid; version 1 took any 22 characters. The
 * workflow is the same: applications started on version 1 finish on it with the answers they have.
 */
const version2: ServiceDefinitionInput = {
  ...version1,
  version: 2,
  fields: version1.fields.map((field) =>
    field.key === 'iban'
      ? {
          key: 'iban',
          type: 'iban',
          step: 2,
          label: field.label,
          hint: {
            ar: 'يتكون من 22 خانة ويبدأ بالحرفين BH، كما في شهادة الآيبان. يمكن كتابته بمسافات.',
            en: '22 characters starting with BH, as on the IBAN certificate. Spaces are fine.',
          },
        }
      : field,
  ),
};

export default [defineService(version1), defineService(version2)];

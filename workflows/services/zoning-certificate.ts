import { defineService } from '../define-service.js';
import { applicantNameField, cprField, emailField, mobileField } from '../form/applicant-fields.js';
import { standardReview } from '../standard-review.js';

export default defineService({
  slug: 'zoning-certificate',
  version: 1,
  name: { ar: 'إفادة تصنيف أرض', en: 'Land zoning certificate' },
  summary: {
    ar: 'إفادة رسمية بتصنيف الأرض العمراني واشتراطات البناء المطبقة عليها.',
    en: 'An official statement of a plot’s zoning and the building regulations that apply to it.',
  },
  description: {
    ar: 'تبيّن الإفادة تصنيف الأرض، كالسكن الخاص أو السكن المتصل أو التجاري أو الصناعي، ونسبة البناء المسموحة وعدد الطوابق والارتدادات، وما إذا كانت الأرض تتأثر بمشروع طرق أو مرافق عامة. تُطلب عادةً قبل شراء الأرض أو تصميم المبنى أو التقدم بطلب تمويل.',
    en: 'The certificate states the plot’s zoning, such as private housing, connected housing, commercial or industrial, the permitted building ratio, number of floors and setbacks, and whether the plot is affected by a planned road or public facility. It is usually needed before buying the land, designing a building or applying for finance.',
  },
  category: 'certificates',
  applicants: ['resident', 'investor'],
  department: 'planning',
  guide: {
    documents: [
      {
        key: 'ownershipDeed',
        label: {
          ar: 'وثيقة ملكية العقار أو ما يثبت رقمه',
          en: 'Title deed, or a document showing the plot number',
        },
        hint: {
          ar: 'لغير المالك، كالمشتري المحتمل، يكفي ما يثبت رقم العقار كمخطط أو عرض بيع.',
          en: 'If you are not the owner, for example a prospective buyer, any document showing the plot number will do, such as a plan or a sale offer.',
        },
        required: true,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 10,
        maxFiles: 2,
      },
      {
        key: 'surveyPlan',
        label: { ar: 'مخطط المساحة للعقار', en: 'Survey plan of the plot' },
        required: false,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 10,
        maxFiles: 1,
      },
    ],
    fee: {
      amount: 5,
      note: {
        ar: 'تُدفع بعد الموافقة وقبل إصدار الإفادة.',
        en: 'Paid after approval, before the certificate is issued.',
      },
    },
    slaDays: 5,
  },
  pages: [
    { ar: 'بيانات مقدم الطلب', en: 'Applicant’s details' },
    { ar: 'بيانات الأرض', en: 'The plot' },
    { ar: 'المستندات', en: 'Documents' },
  ],
  fields: [
    applicantNameField,
    cprField,
    {
      key: 'capacity',
      type: 'radio',
      step: 0,
      label: { ar: 'صفة مقدم الطلب', en: 'You are applying as' },
      options: [
        { value: 'owner', label: { ar: 'مالك الأرض', en: 'Owner of the plot' } },
        { value: 'buyer', label: { ar: 'مشترٍ محتمل', en: 'Prospective buyer' } },
        { value: 'engineeringOffice', label: { ar: 'مكتب هندسي', en: 'Engineering office' } },
        { value: 'company', label: { ar: 'شركة أو مطور عقاري', en: 'Company or property developer' } },
      ],
    },
    {
      key: 'crNumber',
      type: 'cr',
      step: 0,
      prefill: 'cr',
      showWhen: { field: 'capacity', equals: ['engineeringOffice', 'company'] },
      label: { ar: 'رقم السجل التجاري', en: 'Commercial registration (CR) number' },
    },
    mobileField,
    emailField({ required: false }),
    {
      key: 'plotNumber',
      type: 'text',
      step: 1,
      maxLength: 20,
      label: { ar: 'رقم العقار', en: 'Plot (property) number' },
    },
    {
      key: 'siteAddress',
      type: 'address',
      step: 1,
      label: { ar: 'عنوان الأرض', en: 'Address of the plot' },
      hint: {
        ar: 'اترك رقم المبنى فارغاً إذا كانت الأرض فضاء.',
        en: 'Leave the building number empty if the plot is vacant.',
      },
    },
    {
      key: 'siteLocation',
      type: 'location',
      step: 1,
      required: false,
      label: { ar: 'موقع الأرض على الخريطة', en: 'Plot location on the map' },
    },
    {
      key: 'purpose',
      type: 'select',
      step: 1,
      label: { ar: 'الغرض من الإفادة', en: 'Purpose of the certificate' },
      options: [
        { value: 'purchase', label: { ar: 'شراء أو بيع', en: 'Purchase or sale' } },
        { value: 'design', label: { ar: 'تصميم مبنى', en: 'Designing a building' } },
        { value: 'finance', label: { ar: 'تمويل أو رهن عقاري', en: 'Finance or mortgage' } },
        { value: 'investment', label: { ar: 'دراسة جدوى استثمارية', en: 'Investment feasibility study' } },
        { value: 'court', label: { ar: 'قضية أو تقدير عقاري', en: 'Court case or valuation' } },
        { value: 'other', label: { ar: 'غرض آخر', en: 'Other purpose' } },
      ],
    },
    {
      key: 'purposeOther',
      type: 'text',
      step: 1,
      maxLength: 200,
      showWhen: { field: 'purpose', equals: 'other' },
      label: { ar: 'وصف الغرض', en: 'Describe the purpose' },
    },
    {
      key: 'intendedUse',
      type: 'text',
      step: 1,
      required: false,
      maxLength: 200,
      label: { ar: 'الاستخدام المزمع للأرض', en: 'Intended use of the plot' },
      hint: {
        ar: 'مثل بناء منزل أو عمارة سكنية أو محلات تجارية.',
        en: 'For example a house, a block of flats or shops.',
      },
    },
    {
      key: 'addressedTo',
      type: 'text',
      step: 1,
      required: false,
      maxLength: 120,
      label: { ar: 'الجهة الموجهة إليها الإفادة', en: 'Addressed to' },
      hint: {
        ar: 'اتركه فارغاً لعبارة «إلى من يهمه الأمر».',
        en: 'Leave empty for “To whom it may concern”.',
      },
    },
    {
      key: 'ownershipDeedFile',
      type: 'file',
      step: 2,
      document: 'ownershipDeed',
      label: { ar: 'وثيقة الملكية أو ما يثبت رقم العقار', en: 'Title deed or proof of the plot number' },
    },
    {
      key: 'surveyPlanFile',
      type: 'file',
      step: 2,
      required: false,
      document: 'surveyPlan',
      label: { ar: 'مخطط المساحة', en: 'Survey plan' },
    },
  ],
  workflow: standardReview({ fee: true, certificate: true }),
});

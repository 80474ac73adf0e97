import { defineService } from '../define-service.js';
import { emailField } from '../form/applicant-fields.js';
import { standardReview } from '../standard-review.js';

export default defineService({
  slug: 'violation-report',
  version: 1,
  name: { ar: 'بلاغ عن مخالفة بلدية', en: 'Report a municipal violation' },
  summary: {
    ar: 'الإبلاغ عن مخالفة بلدية كالبناء دون ترخيص أو التعدي على الأملاك العامة أو رمي المخلفات.',
    en: 'Report a municipal violation such as building without a permit, encroaching on public land or dumping waste.',
  },
  description: {
    ar: 'يحيل قسم خدمة العملاء البلاغ إلى المفتش المختص، فيعاين الموقع ويتخذ الإجراء اللازم وفق القانون. يمكنك متابعة حالة البلاغ برقمه، ولا تُكشف هويتك للمخالف إذا طلبت ذلك.',
    en: 'Customer Services passes the report to the inspector responsible, who visits the site and takes action under the law. You can follow the report by its number, and your identity is not disclosed to the offender if you ask.',
  },
  category: 'complaints',
  applicants: ['resident', 'investor'],
  department: 'customer-services',
  guide: {
    documents: [
      {
        key: 'evidencePhotos',
        label: { ar: 'صور أو مستندات للمخالفة', en: 'Photographs or documents of the violation' },
        hint: {
          ar: 'يُفضّل أن تُظهر الصور الموقع بوضوح، وتجنّب تصوير وجوه الأشخاص.',
          en: 'Photographs should show the place clearly; please avoid photographing people’s faces.',
        },
        required: false,
        types: ['jpeg', 'png', 'pdf'],
        maxSizeMb: 10,
        maxFiles: 6,
      },
    ],
    fee: { amount: 0, note: { ar: 'الخدمة مجانية.', en: 'This service is free of charge.' } },
    slaDays: 10,
    queryWindowDays: 10,
  },
  pages: [
    { ar: 'بيانات مقدم البلاغ', en: 'Reporter’s details' },
    { ar: 'بيانات المخالفة', en: 'The violation' },
    { ar: 'الصور', en: 'Photographs' },
  ],
  fields: [
    {
      key: 'confidential',
      type: 'yesno',
      step: 0,
      label: {
        ar: 'هل تريد إخفاء هويتك عن المخالف؟',
        en: 'Do you want your identity kept from the offender?',
      },
      hint: {
        ar: 'تبقى بياناتك لدى البلدية للتواصل معك ولا تُذكر في أي إجراء تجاه المخالف.',
        en: 'Your details stay with the municipality so it can contact you, and are never quoted in any action against the offender.',
      },
    },
    {
      key: 'reporterName',
      type: 'text',
      step: 0,
      prefill: 'name',
      required: false,
      maxLength: 120,
      label: { ar: 'اسم مقدم البلاغ', en: 'Your name' },
    },
    {
      key: 'mobile',
      type: 'mobile',
      step: 0,
      prefill: 'mobile',
      required: false,
      label: { ar: 'رقم الهاتف النقال', en: 'Mobile number' },
      hint: {
        ar: 'اختياري، ليتواصل معك المفتش إذا احتاج إلى إيضاح.',
        en: 'Optional, so the inspector can contact you if anything needs explaining.',
      },
    },
    emailField({ required: false }),
    {
      key: 'violationType',
      type: 'select',
      step: 1,
      label: { ar: 'نوع المخالفة', en: 'Type of violation' },
      options: [
        {
          value: 'unlicensedBuilding',
          label: { ar: 'بناء أو تعديل دون ترخيص', en: 'Building or alterations without a permit' },
        },
        {
          value: 'encroachment',
          label: { ar: 'تعدٍّ على الطريق أو الأملاك العامة', en: 'Encroachment on a road or public land' },
        },
        { value: 'dumping', label: { ar: 'رمي مخلفات أو أنقاض', en: 'Dumping waste or rubble' } },
        { value: 'abandonedVehicle', label: { ar: 'سيارة مهملة', en: 'Abandoned vehicle' } },
        { value: 'unlicensedSign', label: { ar: 'لوحة إعلانية غير مرخصة', en: 'Unlicensed signboard' } },
        { value: 'streetVending', label: { ar: 'بيع متجول دون ترخيص', en: 'Unlicensed street vending' } },
        {
          value: 'hygiene',
          label: { ar: 'مخالفة صحية في محل تجاري', en: 'Hygiene problem in a shop or restaurant' },
        },
        { value: 'unsafeSite', label: { ar: 'موقع بناء غير آمن', en: 'Unsafe building site' } },
        { value: 'other', label: { ar: 'مخالفة أخرى', en: 'Another violation' } },
      ],
    },
    {
      key: 'violationOther',
      type: 'text',
      step: 1,
      maxLength: 200,
      showWhen: { field: 'violationType', equals: 'other' },
      label: { ar: 'وصف نوع المخالفة', en: 'Say what kind of violation' },
    },
    {
      key: 'businessName',
      type: 'text',
      step: 1,
      required: false,
      maxLength: 120,
      showWhen: { field: 'violationType', equals: ['hygiene', 'unlicensedSign'] },
      label: { ar: 'اسم المحل إن وُجد', en: 'Name of the shop, if known' },
    },
    {
      key: 'vehiclePlate',
      type: 'text',
      step: 1,
      required: false,
      maxLength: 15,
      showWhen: { field: 'violationType', equals: 'abandonedVehicle' },
      label: { ar: 'رقم لوحة السيارة إن وُجد', en: 'Number plate, if any' },
    },
    {
      key: 'address',
      type: 'address',
      step: 1,
      label: { ar: 'عنوان موقع المخالفة', en: 'Address of the violation' },
      hint: {
        ar: 'أقرب مبنى والطريق والمجمع إذا لم تعرف العنوان الدقيق.',
        en: 'The nearest building, road and block if you do not know the exact address.',
      },
    },
    {
      key: 'siteLocation',
      type: 'location',
      step: 1,
      required: false,
      label: { ar: 'الموقع على الخريطة', en: 'Location on the map' },
    },
    {
      key: 'description',
      type: 'longtext',
      step: 1,
      maxLength: 2000,
      label: { ar: 'وصف المخالفة', en: 'Describe the violation' },
      hint: {
        ar: 'ماذا رأيت، وأين بالتحديد، ومتى يتكرر إن كان يتكرر.',
        en: 'What you saw, exactly where, and when it happens if it keeps happening.',
      },
    },
    {
      key: 'observedOn',
      type: 'date',
      step: 1,
      notAfter: 'today',
      label: { ar: 'تاريخ ملاحظة المخالفة', en: 'Date you noticed it' },
    },
    {
      key: 'ongoing',
      type: 'yesno',
      step: 1,
      label: { ar: 'هل ما زالت المخالفة قائمة؟', en: 'Is the violation still going on?' },
    },
    {
      key: 'evidencePhotosFile',
      type: 'file',
      step: 2,
      required: false,
      document: 'evidencePhotos',
      label: { ar: 'صور المخالفة', en: 'Photographs of the violation' },
    },
  ],
  workflow: standardReview({ siteInspection: true }),
});

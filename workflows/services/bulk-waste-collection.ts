import { defineService } from '../define-service.js';
import { applicantNameField, cprField, emailField, mobileField } from '../form/applicant-fields.js';
import { standardReview } from '../standard-review.js';

export default defineService({
  slug: 'bulk-waste-collection',
  version: 1,
  name: { ar: 'طلب رفع مخلفات', en: 'Bulk waste or debris collection' },
  summary: {
    ar: 'طلب رفع الأثاث والأجهزة القديمة أو مخلفات الحدائق أو مخلفات البناء الصغيرة من أمام العقار.',
    en: 'Ask for old furniture and appliances, garden waste or small amounts of building debris to be collected from outside a property.',
  },
  description: {
    ar: 'لا تُرفع المخلفات الكبيرة مع النفايات المنزلية اليومية، فتحدد البلدية موعداً لرفعها بعد مراجعة نوعها وكميتها. تُدفع رسوم رمزية عن كل حمولة قبل الرفع، أما مخلفات أعمال البناء الكبيرة فيتولى المقاول نقلها إلى المواقع المعتمدة.',
    en: 'Large items are not taken with the daily household collection, so the municipality sets a collection date after checking the type and amount of waste. A small fee per load is paid before collection; debris from large building works must be taken by the contractor to an approved site.',
  },
  category: 'environment',
  applicants: ['resident', 'investor'],
  department: 'public-works',
  guide: {
    documents: [
      {
        key: 'wastePhotos',
        label: { ar: 'صور المخلفات', en: 'Photographs of the waste' },
        hint: {
          ar: 'تساعد الصور على تحديد المركبة المناسبة وعدد الحمولات.',
          en: 'Photographs help choose the right vehicle and number of loads.',
        },
        required: true,
        types: ['jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 6,
      },
    ],
    fee: {
      amount: 5,
      note: {
        ar: 'رسوم الحمولة الواحدة، وتُدفع بعد قبول الطلب وقبل موعد الرفع.',
        en: 'The fee for one load, paid after the request is accepted and before the collection date.',
      },
    },
    slaDays: 5,
    queryWindowDays: 5,
  },
  pages: [
    { ar: 'بيانات مقدم الطلب', en: 'Applicant’s details' },
    { ar: 'بيانات المخلفات', en: 'The waste' },
    { ar: 'الصور', en: 'Photographs' },
  ],
  fields: [
    applicantNameField,
    cprField,
    mobileField,
    emailField({ required: false }),
    {
      key: 'address',
      type: 'address',
      step: 1,
      label: { ar: 'عنوان موقع المخلفات', en: 'Address where the waste is' },
    },
    {
      key: 'siteLocation',
      type: 'location',
      step: 1,
      required: false,
      label: { ar: 'الموقع على الخريطة', en: 'Location on the map' },
    },
    {
      key: 'wasteTypes',
      type: 'checkbox',
      step: 1,
      label: { ar: 'نوع المخلفات', en: 'Type of waste' },
      options: [
        { value: 'furniture', label: { ar: 'أثاث', en: 'Furniture' } },
        { value: 'appliances', label: { ar: 'أجهزة كهربائية', en: 'Electrical appliances' } },
        { value: 'garden', label: { ar: 'مخلفات حدائق وسعف نخيل', en: 'Garden waste and palm fronds' } },
        { value: 'debris', label: { ar: 'مخلفات بناء وترميم', en: 'Building and renovation debris' } },
        { value: 'other', label: { ar: 'مخلفات أخرى', en: 'Other waste' } },
      ],
    },
    {
      key: 'wasteDescription',
      type: 'longtext',
      step: 1,
      maxLength: 800,
      label: { ar: 'صف المخلفات', en: 'Describe the waste' },
      hint: {
        ar: 'مثل: كنبتان وثلاجة وخزانة، أو عشرة أكياس من الركام.',
        en: 'For example: two sofas, a fridge and a wardrobe, or ten bags of rubble.',
      },
    },
    {
      key: 'volume',
      type: 'radio',
      step: 1,
      label: { ar: 'الكمية التقريبية', en: 'Approximate amount' },
      options: [
        { value: 'small', label: { ar: 'قليلة (تكفيها سيارة نقل صغيرة)', en: 'Small (fits in a pick-up)' } },
        { value: 'medium', label: { ar: 'متوسطة (حتى ٥ أمتار مكعبة)', en: 'Medium (up to 5 m³)' } },
        { value: 'large', label: { ar: 'كبيرة (أكثر من ٥ أمتار مكعبة)', en: 'Large (more than 5 m³)' } },
      ],
    },
    {
      key: 'wastePlace',
      type: 'radio',
      step: 1,
      label: { ar: 'مكان المخلفات', en: 'Where the waste is' },
      options: [
        { value: 'outside', label: { ar: 'أمام العقار', en: 'Outside the property' } },
        {
          value: 'inside',
          label: { ar: 'داخل العقار ويمكن الوصول إليه', en: 'Inside the property, with access' },
        },
      ],
    },
    {
      key: 'preferredDate',
      type: 'date',
      step: 1,
      notBefore: 'today',
      required: false,
      label: { ar: 'التاريخ المفضل للرفع', en: 'Preferred collection date' },
    },
    {
      key: 'notes',
      type: 'longtext',
      step: 1,
      required: false,
      maxLength: 500,
      label: { ar: 'ملاحظات للفريق', en: 'Notes for the crew' },
    },
    {
      key: 'wastePhotosFile',
      type: 'file',
      step: 2,
      document: 'wastePhotos',
      label: { ar: 'صور المخلفات', en: 'Waste photographs' },
    },
  ],
  workflow: standardReview({ fee: true }),
});

import { defineService } from '../define-service.js';
import { applicantNameField, cprField, emailField, mobileField } from '../form/applicant-fields.js';
import { standardReview } from '../standard-review.js';

export default defineService({
  slug: 'pest-control-request',
  version: 1,
  name: { ar: 'طلب مكافحة الحشرات والقوارض', en: 'Pest control' },
  summary: {
    ar: 'طلب زيارة فريق الصحة العامة لمكافحة الحشرات أو القوارض في منزل أو حي سكني.',
    en: 'Ask the public health team to deal with insects or rodents in a home or neighbourhood.',
  },
  description: {
    ar: 'يزور فريق مكافحة الآفات في البلدية الموقع لتحديد مصدر الإصابة ومعالجته بالمبيدات أو المصائد المناسبة، مجاناً للمساكن والمرافق العامة. وقد تُطلب زيارة متابعة إذا استمرت المشكلة.',
    en: 'The municipality’s pest control team visits to find the source of the infestation and treats it with suitable pesticides or traps, free of charge for homes and public places. A follow-up visit may be arranged if the problem persists.',
  },
  category: 'environment',
  applicants: ['resident', 'investor'],
  department: 'health',
  guide: {
    documents: [
      {
        key: 'photos',
        label: { ar: 'صور للآفة أو آثارها', en: 'Photographs of the pests or signs of them' },
        required: false,
        types: ['jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 5,
      },
    ],
    fee: {
      amount: 0,
      note: {
        ar: 'الخدمة مجانية للمساكن والمرافق العامة.',
        en: 'Free of charge for homes and public places.',
      },
    },
    slaDays: 5,
    queryWindowDays: 7,
  },
  pages: [
    { ar: 'بيانات مقدم الطلب', en: 'Applicant’s details' },
    { ar: 'بيانات الإصابة', en: 'The pest problem' },
    { ar: 'الصور', en: 'Photographs' },
  ],
  fields: [
    applicantNameField,
    cprField,
    mobileField,
    emailField({ required: false }),
    { key: 'address', type: 'address', step: 1, label: { ar: 'عنوان الموقع', en: 'Address' } },
    {
      key: 'siteLocation',
      type: 'location',
      step: 1,
      required: false,
      label: { ar: 'الموقع على الخريطة', en: 'Location on the map' },
    },
    {
      key: 'pests',
      type: 'checkbox',
      step: 1,
      label: { ar: 'نوع الآفة', en: 'Type of pest' },
      options: [
        { value: 'rodents', label: { ar: 'فئران أو جرذان', en: 'Mice or rats' } },
        { value: 'cockroaches', label: { ar: 'صراصير', en: 'Cockroaches' } },
        { value: 'mosquitoes', label: { ar: 'بعوض', en: 'Mosquitoes' } },
        { value: 'flies', label: { ar: 'ذباب', en: 'Flies' } },
        { value: 'termites', label: { ar: 'نمل أبيض (أرضة)', en: 'Termites' } },
        { value: 'bedbugs', label: { ar: 'بق الفراش', en: 'Bedbugs' } },
        { value: 'scorpions', label: { ar: 'عقارب', en: 'Scorpions' } },
        { value: 'other', label: { ar: 'آفة أخرى', en: 'Another pest' } },
      ],
    },
    {
      key: 'pestsOther',
      type: 'text',
      step: 1,
      required: false,
      maxLength: 120,
      label: { ar: 'إن اخترت «آفة أخرى» فاذكرها', en: 'If you chose “another pest”, say which' },
    },
    {
      key: 'placeType',
      type: 'select',
      step: 1,
      label: { ar: 'مكان الإصابة', en: 'Where the problem is' },
      options: [
        { value: 'home', label: { ar: 'داخل المنزل', en: 'Inside the home' } },
        { value: 'yard', label: { ar: 'حديقة المنزل أو فناؤه', en: 'Garden or yard of the home' } },
        { value: 'street', label: { ar: 'الشارع أو الحي', en: 'Street or neighbourhood' } },
        { value: 'drains', label: { ar: 'مجاري الصرف أو غرف التفتيش', en: 'Drains or manholes' } },
        { value: 'publicPlace', label: { ar: 'حديقة عامة أو مرفق عام', en: 'Public park or facility' } },
        { value: 'vacantPlot', label: { ar: 'أرض فضاء', en: 'Vacant plot' } },
      ],
    },
    {
      key: 'standingWater',
      type: 'yesno',
      step: 1,
      required: false,
      label: { ar: 'هل توجد مياه راكدة قريبة؟', en: 'Is there standing water nearby?' },
      hint: { ar: 'يفيد ذلك خاصةً عند الإبلاغ عن البعوض.', en: 'Especially relevant for mosquitoes.' },
    },
    {
      key: 'since',
      type: 'select',
      step: 1,
      label: { ar: 'منذ متى لاحظت المشكلة؟', en: 'How long has this been going on?' },
      options: [
        { value: 'days', label: { ar: 'أيام', en: 'A few days' } },
        { value: 'weeks', label: { ar: 'أسابيع', en: 'Weeks' } },
        { value: 'months', label: { ar: 'أشهر', en: 'Months' } },
      ],
    },
    {
      key: 'vulnerable',
      type: 'yesno',
      step: 1,
      required: false,
      label: {
        ar: 'هل يقيم في المنزل أطفال رضّع أو مرضى أو كبار سن؟',
        en: 'Do babies, sick or elderly people live in the home?',
      },
      hint: {
        ar: 'يساعدنا ذلك على اختيار المبيد المناسب وترتيب الأولوية.',
        en: 'This helps us choose a suitable pesticide and set priorities.',
      },
    },
    {
      key: 'preferredTime',
      type: 'radio',
      step: 1,
      label: { ar: 'الوقت المناسب للزيارة', en: 'Best time for the visit' },
      options: [
        { value: 'morning', label: { ar: 'صباحاً', en: 'Morning' } },
        { value: 'afternoon', label: { ar: 'بعد الظهر', en: 'Afternoon' } },
        { value: 'any', label: { ar: 'أي وقت', en: 'Any time' } },
      ],
    },
    {
      key: 'photosFile',
      type: 'file',
      step: 2,
      required: false,
      document: 'photos',
      label: { ar: 'الصور', en: 'Photographs' },
    },
  ],
  workflow: standardReview({ siteInspection: true }),
});

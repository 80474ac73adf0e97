import { defineService } from '../define-service.js';
import { applicantNameField, cprField, emailField, mobileField } from '../form/applicant-fields.js';
import { standardReview } from '../standard-review.js';

export default defineService({
  slug: 'tree-removal-request',
  version: 1,
  name: { ar: 'طلب تقليم أو إزالة شجرة', en: 'Tree pruning or removal' },
  summary: {
    ar: 'طلب تقليم شجرة أو نخلة أو إزالتها من الشارع أو الرصيف أو الحديقة العامة.',
    en: 'Ask for a tree or palm on a street, pavement or public garden to be pruned or removed.',
  },
  description: {
    ar: 'يعاين فريق التشجير في البلدية الشجرة لتقدير حالتها وخطورتها، فتُقلَّم إذا كان ذلك كافياً، ولا تُزال إلا إذا كانت ميتة أو تشكل خطراً أو تضر بالمباني والمرافق. لا تُزال الأشجار السليمة لأسباب جمالية، وقد تُستبدل بشجرة أخرى في موقع مناسب.',
    en: 'The municipality’s landscaping team inspects the tree to assess its condition and any danger; it is pruned where that is enough, and only removed if it is dead, dangerous or damaging buildings or utilities. Healthy trees are not removed for appearance alone, and may be replaced by another tree in a suitable spot.',
  },
  category: 'environment',
  applicants: ['resident', 'investor'],
  department: 'public-works',
  guide: {
    documents: [
      {
        key: 'treePhotos',
        label: { ar: 'صور الشجرة', en: 'Photographs of the tree' },
        hint: {
          ar: 'صورة كاملة للشجرة وصورة قريبة للضرر أو المشكلة.',
          en: 'One of the whole tree and a close-up of the damage or problem.',
        },
        required: true,
        types: ['jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 6,
      },
      {
        key: 'ownershipDeed',
        label: { ar: 'وثيقة ملكية العقار المتضرر', en: 'Title deed of the affected property' },
        required: false,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 10,
        maxFiles: 2,
      },
    ],
    fee: { amount: 0, note: { ar: 'الخدمة مجانية.', en: 'This service is free of charge.' } },
    slaDays: 10,
  },
  pages: [
    { ar: 'بيانات مقدم الطلب', en: 'Applicant’s details' },
    { ar: 'بيانات الشجرة', en: 'The tree' },
    { ar: 'الصور', en: 'Photographs' },
  ],
  fields: [
    applicantNameField,
    cprField,
    mobileField,
    emailField({ required: false }),
    {
      key: 'requestType',
      type: 'radio',
      step: 1,
      label: { ar: 'المطلوب', en: 'What you are asking for' },
      options: [
        { value: 'prune', label: { ar: 'تقليم', en: 'Pruning' } },
        { value: 'remove', label: { ar: 'إزالة', en: 'Removal' } },
        {
          value: 'assess',
          label: { ar: 'معاينة وتقدير ما يلزم', en: 'An inspection to decide what is needed' },
        },
      ],
    },
    {
      key: 'address',
      type: 'address',
      step: 1,
      label: { ar: 'عنوان موقع الشجرة', en: 'Address where the tree stands' },
      hint: {
        ar: 'أقرب مبنى إلى الشجرة والطريق والمجمع.',
        en: 'The building nearest to the tree, and the road and block.',
      },
    },
    {
      key: 'treeLocation',
      type: 'location',
      step: 1,
      label: { ar: 'موقع الشجرة على الخريطة', en: 'Tree location on the map' },
    },
    {
      key: 'treePlace',
      type: 'select',
      step: 1,
      label: { ar: 'مكان الشجرة', en: 'The tree is' },
      options: [
        {
          value: 'pavement',
          label: { ar: 'على الرصيف أمام عقار', en: 'On the pavement in front of a property' },
        },
        {
          value: 'median',
          label: { ar: 'في الجزيرة الوسطى للطريق', en: 'In the central reservation of a road' },
        },
        { value: 'park', label: { ar: 'في حديقة أو ممشى عام', en: 'In a public park or walkway' } },
        { value: 'vacantPlot', label: { ar: 'في أرض فضاء', en: 'On a vacant plot' } },
      ],
    },
    {
      key: 'treeKind',
      type: 'select',
      step: 1,
      label: { ar: 'نوع الشجرة', en: 'Kind of tree' },
      options: [
        { value: 'palm', label: { ar: 'نخلة', en: 'Palm' } },
        { value: 'neem', label: { ar: 'شجرة نيم', en: 'Neem' } },
        { value: 'conocarpus', label: { ar: 'كونوكاربس', en: 'Conocarpus' } },
        { value: 'sidr', label: { ar: 'سدرة', en: 'Sidr (Christ’s thorn)' } },
        { value: 'unknown', label: { ar: 'لا أعرف', en: 'I don’t know' } },
      ],
    },
    {
      key: 'treeCount',
      type: 'number',
      step: 1,
      min: 1,
      max: 50,
      label: { ar: 'عدد الأشجار', en: 'Number of trees' },
    },
    {
      key: 'reason',
      type: 'select',
      step: 1,
      label: { ar: 'السبب', en: 'Reason' },
      options: [
        {
          value: 'roots',
          label: {
            ar: 'الجذور تضر بالمبنى أو الأنابيب أو الرصيف',
            en: 'Roots damaging a building, pipes or the pavement',
          },
        },
        {
          value: 'visibility',
          label: { ar: 'تحجب الرؤية على الطريق أو الإشارات', en: 'Blocking the view of the road or signs' },
        },
        {
          value: 'wires',
          label: { ar: 'تلامس أسلاك الكهرباء أو أعمدة الإنارة', en: 'Touching power lines or street lights' },
        },
        { value: 'dead', label: { ar: 'ميتة أو مصابة بآفة', en: 'Dead or diseased' } },
        { value: 'falling', label: { ar: 'مائلة أو معرضة للسقوط', en: 'Leaning or at risk of falling' } },
        {
          value: 'overgrown',
          label: { ar: 'كثيفة وتعيق المارة', en: 'Overgrown and obstructing pedestrians' },
        },
        { value: 'other', label: { ar: 'سبب آخر', en: 'Another reason' } },
      ],
    },
    {
      key: 'reasonOther',
      type: 'longtext',
      step: 1,
      maxLength: 800,
      showWhen: { field: 'reason', equals: 'other' },
      label: { ar: 'وضّح السبب', en: 'Explain the reason' },
    },
    {
      key: 'urgent',
      type: 'yesno',
      step: 1,
      label: {
        ar: 'هل تشكل الشجرة خطراً عاجلاً على الناس أو الممتلكات؟',
        en: 'Is the tree an immediate danger to people or property?',
      },
      hint: {
        ar: 'في حالات الخطر الداهم كسقوط شجرة على الطريق، اتصل بالبلدية أو بالدفاع المدني مباشرة.',
        en: 'If there is immediate danger, such as a tree fallen across the road, call the municipality or Civil Defence directly.',
      },
    },
    {
      key: 'ownPropertyAffected',
      type: 'yesno',
      step: 1,
      label: { ar: 'هل يقع الضرر على عقار تملكه؟', en: 'Is the damage to a property you own?' },
    },
    {
      key: 'treePhotosFile',
      type: 'file',
      step: 2,
      document: 'treePhotos',
      label: { ar: 'صور الشجرة', en: 'Tree photographs' },
    },
    {
      key: 'ownershipDeedFile',
      type: 'file',
      step: 2,
      required: false,
      document: 'ownershipDeed',
      showWhen: { field: 'ownPropertyAffected', equals: 'yes' },
      label: { ar: 'وثيقة ملكية العقار', en: 'Title deed' },
    },
  ],
  workflow: standardReview({ siteInspection: true }),
});

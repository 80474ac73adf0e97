import { defineService } from '../define-service.js';
import { applicantNameField, cprField, emailField, mobileField } from '../form/applicant-fields.js';
import { ownershipDeedDocument } from '../form/property-documents.js';
import { standardReview } from '../standard-review.js';

export default defineService({
  slug: 'building-number-plate',
  version: 1,
  name: { ar: 'طلب رقم مبنى', en: 'Building number plate' },
  summary: {
    ar: 'تخصيص رقم لمبنى جديد وتسليم لوحته، أو استبدال لوحة تالفة أو مفقودة.',
    en: 'Get a number assigned to a new building and its plate delivered, or replace a damaged or missing plate.',
  },
  description: {
    ar: 'يُعطى كل مبنى رقماً على الطريق الذي يطل عليه ضمن نظام العنونة الوطني، وهو الرقم الذي يُعتمد في البطاقة الذكية وحسابات الكهرباء والماء. يعاين موظف البلدية المبنى ويحدد رقمه، وتُسلَّم اللوحة بعد دفع رسومها.',
    en: 'Each building is given a number on the road it faces under the national addressing system; this is the number used on smart cards and electricity and water accounts. A municipal officer visits the building and assigns the number, and the plate is handed over once its fee is paid.',
  },
  category: 'planning',
  applicants: ['resident', 'investor'],
  department: 'planning',
  guide: {
    documents: [
      ownershipDeedDocument({ required: true }),
      {
        key: 'buildingPermit',
        label: {
          ar: 'رخصة البناء أو شهادة إتمام البناء',
          en: 'Building permit or building completion certificate',
        },
        required: false,
        types: ['pdf', 'jpeg', 'png'],
        maxSizeMb: 10,
        maxFiles: 2,
      },
      {
        key: 'entrancePhoto',
        label: { ar: 'صورة المدخل الرئيسي للمبنى', en: 'Photograph of the building’s main entrance' },
        required: true,
        types: ['jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 3,
      },
      {
        key: 'damagedPlatePhoto',
        label: { ar: 'صورة اللوحة التالفة', en: 'Photograph of the damaged plate' },
        required: false,
        types: ['jpeg', 'png'],
        maxSizeMb: 5,
        maxFiles: 2,
      },
    ],
    fee: {
      amount: 5,
      note: {
        ar: 'ثمن اللوحة، ويُدفع بعد تحديد الرقم.',
        en: 'The price of the plate, paid once the number is assigned.',
      },
    },
    slaDays: 10,
  },
  pages: [
    { ar: 'بيانات مقدم الطلب', en: 'Applicant’s details' },
    { ar: 'بيانات المبنى', en: 'The building' },
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
        { value: 'owner', label: { ar: 'مالك المبنى', en: 'Owner of the building' } },
        { value: 'tenant', label: { ar: 'مستأجر أو ساكن', en: 'Tenant or occupant' } },
        { value: 'company', label: { ar: 'شركة مالكة', en: 'Company that owns the building' } },
      ],
    },
    {
      key: 'crNumber',
      type: 'cr',
      step: 0,
      prefill: 'cr',
      showWhen: { field: 'capacity', equals: 'company' },
      label: { ar: 'رقم السجل التجاري', en: 'Commercial registration (CR) number' },
    },
    mobileField,
    emailField({ required: false }),
    {
      key: 'requestType',
      type: 'radio',
      step: 1,
      label: { ar: 'نوع الطلب', en: 'What you need' },
      options: [
        { value: 'new', label: { ar: 'رقم ولوحة لمبنى جديد', en: 'A number and plate for a new building' } },
        {
          value: 'replacement',
          label: { ar: 'بدل لوحة تالفة أو مفقودة', en: 'A replacement for a damaged or missing plate' },
        },
        {
          value: 'extraEntrance',
          label: { ar: 'لوحة لمدخل إضافي', en: 'A plate for an additional entrance' },
        },
      ],
    },
    {
      key: 'siteAddress',
      type: 'address',
      step: 1,
      label: { ar: 'عنوان المبنى', en: 'Address of the building' },
      hint: {
        ar: 'اترك رقم المبنى فارغاً إذا لم يُخصَّص له رقم بعد، واذكر الطريق والمجمع.',
        en: 'Leave the building number empty if none has been assigned yet; give the road and block.',
      },
    },
    {
      key: 'siteLocation',
      type: 'location',
      step: 1,
      label: { ar: 'موقع المبنى على الخريطة', en: 'Building location on the map' },
    },
    {
      key: 'plotNumber',
      type: 'text',
      step: 1,
      maxLength: 20,
      label: { ar: 'رقم العقار', en: 'Plot (property) number' },
    },
    {
      key: 'buildingType',
      type: 'select',
      step: 1,
      label: { ar: 'نوع المبنى', en: 'Type of building' },
      options: [
        { value: 'house', label: { ar: 'منزل أو فيلا', en: 'House or villa' } },
        { value: 'apartments', label: { ar: 'عمارة سكنية', en: 'Block of flats' } },
        { value: 'commercial', label: { ar: 'مبنى تجاري', en: 'Commercial building' } },
        {
          value: 'industrial',
          label: { ar: 'مبنى صناعي أو مستودع', en: 'Industrial building or warehouse' },
        },
        { value: 'public', label: { ar: 'مسجد أو مبنى عام', en: 'Mosque or public building' } },
      ],
    },
    {
      key: 'cornerPlot',
      type: 'yesno',
      step: 1,
      label: { ar: 'هل يطل المبنى على أكثر من طريق؟', en: 'Does the building face more than one road?' },
    },
    {
      key: 'plateCount',
      type: 'number',
      step: 1,
      min: 1,
      max: 4,
      label: { ar: 'عدد اللوحات المطلوبة', en: 'Number of plates needed' },
    },
    {
      key: 'ownershipDeedFile',
      type: 'file',
      step: 2,
      document: 'ownershipDeed',
      label: { ar: 'وثيقة الملكية', en: 'Title deed' },
    },
    {
      key: 'buildingPermitFile',
      type: 'file',
      step: 2,
      document: 'buildingPermit',
      showWhen: { field: 'requestType', equals: ['new', 'extraEntrance'] },
      label: { ar: 'رخصة البناء أو شهادة الإتمام', en: 'Building permit or completion certificate' },
    },
    {
      key: 'entrancePhotoFile',
      type: 'file',
      step: 2,
      document: 'entrancePhoto',
      label: { ar: 'صورة المدخل', en: 'Entrance photograph' },
    },
    {
      key: 'damagedPlatePhotoFile',
      type: 'file',
      step: 2,
      required: false,
      document: 'damagedPlatePhoto',
      showWhen: { field: 'requestType', equals: 'replacement' },
      label: { ar: 'صورة اللوحة التالفة', en: 'Photograph of the damaged plate' },
    },
  ],
  workflow: standardReview({ siteInspection: true, fee: true }),
});

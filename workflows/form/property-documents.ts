/**
 * Documents that services about a property ask alike. A definition lists them among its
 * documents like any other; one that needs other words (another label, a hint) writes its own.
 */
import type { ServiceDataInput } from '../types.js';

type DocumentInput = ServiceDataInput['guide']['documents'][number];

/** The title deed; required unless the service can go ahead without proof of ownership. */
export function ownershipDeedDocument({ required }: { required: boolean }): DocumentInput {
  return {
    key: 'ownershipDeed',
    label: { ar: 'وثيقة ملكية العقار', en: 'Title deed of the property' },
    required,
    types: ['pdf', 'jpeg', 'png'],
    maxSizeMb: 10,
    maxFiles: 2,
  };
}

/** For an agent applying on the owner's behalf. */
export const ownerPowerOfAttorneyDocument: DocumentInput = {
  key: 'powerOfAttorney',
  label: { ar: 'الوكالة القانونية من المالك', en: 'Power of attorney from the owner' },
  required: false,
  types: ['pdf'],
  maxSizeMb: 5,
  maxFiles: 1,
};

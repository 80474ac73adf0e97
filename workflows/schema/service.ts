/**
 * The data half of a service definition: identity, guide, form and migration map. The workflow
 * half is a factory function, checked separately in define-service.ts.
 */
import { z } from 'zod';
import { APPLICANT_KIND_KEYS, CATEGORY_KEYS, DEPARTMENT_KEYS } from '../catalogue.js';
import { fieldSchema } from './fields.js';
import { keySchema, localizedSchema } from './common.js';

export const DOCUMENT_TYPES = ['pdf', 'jpeg', 'png'] as const;

export const documentRequirementSchema = z.strictObject({
  key: keySchema,
  label: localizedSchema,
  hint: localizedSchema.optional(),
  required: z.boolean(),
  types: z.array(z.enum(DOCUMENT_TYPES)).min(1),
  maxSizeMb: z.number().positive().max(100),
  maxFiles: z.number().int().positive().max(20),
});

/** Bahraini dinars have 1000 fils: amounts carry at most three decimals. */
const dinars = z
  .number()
  .min(0)
  .refine(
    (amount) => Math.abs(Math.round(amount * 1000) - amount * 1000) < 1e-6,
    'at most 3 decimals (fils)',
  );

export const guideSchema = z.strictObject({
  documents: z.array(documentRequirementSchema),
  fee: z.strictObject({ amount: dinars, note: localizedSchema.optional() }),
  /** Service-level time in working days. */
  slaDays: z.number().int().positive(),
  /** Working days an applicant has to raise a query against a rejection. */
  queryWindowDays: z.number().int().positive().default(14),
  /** Applicant-visible steps; when absent they are derived from the workflow's states. */
  steps: z.array(localizedSchema).optional(),
});

export const serviceDataSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case'),
  version: z.number().int().positive(),
  name: localizedSchema,
  summary: localizedSchema,
  description: localizedSchema,
  category: z.enum(CATEGORY_KEYS),
  applicants: z.array(z.enum(APPLICANT_KIND_KEYS)).min(1),
  department: z.enum(DEPARTMENT_KEYS),
  guide: guideSchema,
  fields: z.array(fieldSchema),
  /** How applications of an earlier version move onto this one: old state → new state. */
  migrateFrom: z
    .strictObject({ version: z.number().int().positive(), states: z.record(z.string(), z.string()) })
    .optional(),
});

export type DocumentRequirement = z.output<typeof documentRequirementSchema>;
export type Guide = z.output<typeof guideSchema>;
export type ServiceData = z.output<typeof serviceDataSchema>;
export type ServiceDataInput = z.input<typeof serviceDataSchema>;

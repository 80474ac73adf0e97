/**
 * The data half of a service definition: identity, guide, form and migration map. The workflow
 * half is a factory function, checked separately in define-service.ts.
 */
import { z } from 'zod';
import { APPLICANT_KIND_KEYS, CATEGORY_KEYS, DEPARTMENT_KEYS } from '../catalogue.js';
import { fieldSchema } from './fields.js';
import { keySchema, localizedSchema } from './common.js';

export const DOCUMENT_TYPES = ['pdf', 'jpeg', 'png'] as const;

/**
 * Questions a service asks another agency's registry at submission, answered before the reviewer
 * decides (server/services/registry.ts, docs/registry-contract.md): 'residence' (does this CPR
 * live at this address: needs an address field) and 'commercial-registration' (is this CR active).
 */
export const REGISTRY_CHECKS = ['residence', 'commercial-registration'] as const;
export type RegistryCheck = (typeof REGISTRY_CHECKS)[number];

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
export const dinars = z
  .number()
  .min(0)
  .refine(
    (amount) => Math.abs(Math.round(amount * 1000) - amount * 1000) < 1e-6,
    'at most 3 decimals (fils)',
  );

/** A reason staff may pick for a decision: the workflow event it is for and its text in both languages. */
export const reasonTemplateSchema = z.strictObject({
  event: z.string().regex(/^[A-Z][A-Z_]*$/, 'must be an event name such as REJECT'),
  text: localizedSchema,
});

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
  /**
   * The form's page titles, one per page in page order (the distinct `step` values of the fields,
   * sorted): the heading of each form page and of its part of the check page. Without them a page is
   * headed "Page 1 of 3".
   */
  pages: z.array(localizedSchema).optional(),
  fields: z.array(fieldSchema),
  registryChecks: z.array(z.enum(REGISTRY_CHECKS)).optional(),
  /**
   * Reasons staff may pick when taking a decision that needs a message (REJECT, REQUEST_INFO…),
   * offered in the back office beside the portal's general ones. Administrators may replace them
   * without a release (/admin/services; docs/decisions/0007-service-settings.md).
   */
  reasonTemplates: z.array(reasonTemplateSchema).optional(),
  /**
   * How applications of an earlier version move onto this one (an administrator moves them from
   * /admin/services): old state → new state; a state of the same name needs no entry. States
   * listed in `stay` are not moved: applications there finish on the earlier version.
   */
  migrateFrom: z
    .strictObject({
      version: z.number().int().positive(),
      states: z.record(z.string(), z.string()),
      stay: z.array(z.string()).optional(),
    })
    .optional(),
});

export type DocumentRequirement = z.output<typeof documentRequirementSchema>;
export type ReasonTemplate = z.output<typeof reasonTemplateSchema>;
export type Guide = z.output<typeof guideSchema>;
export type ServiceData = z.output<typeof serviceDataSchema>;
export type ServiceDataInput = z.input<typeof serviceDataSchema>;

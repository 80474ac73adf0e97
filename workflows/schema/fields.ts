/**
 * Form fields of a service: a discriminated union on `type`. Each field renders with one partial
 * in views/ and validates with the matching rule on the server.
 */
import { z } from 'zod';
import { keySchema, localizedSchema } from './common.js';

export const PREFILL_SOURCES = ['name', 'cpr', 'cr', 'mobile', 'email'] as const;

export const showWhenSchema = z.strictObject({
  field: z.string(),
  equals: z.union([z.string(), z.array(z.string()).min(1)]),
});

/** 'today' is resolved by the server with its clock; `{ field }` refers to another date field. */
export const dateBoundSchema = z.union([z.literal('today'), z.strictObject({ field: z.string() })]);

export const optionSchema = z.strictObject({ value: z.string().min(1), label: localizedSchema });

const common = {
  key: keySchema,
  label: localizedSchema,
  hint: localizedSchema.optional(),
  /** Fields are required unless they say otherwise, as on GOV.UK-style forms. */
  required: z.boolean().default(true),
  /** Page of the form the field appears on, from 0. */
  step: z.number().int().min(0).default(0),
  showWhen: showWhenSchema.optional(),
  prefill: z.enum(PREFILL_SOURCES).optional(),
};

const range = { min: z.number().optional(), max: z.number().optional() };
const withOptions = { options: z.array(optionSchema).min(1) };

export const fieldSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...common, type: z.literal('text'), maxLength: z.number().int().positive().default(200) }),
  z.strictObject({
    ...common,
    type: z.literal('longtext'),
    maxLength: z.number().int().positive().default(2000),
  }),
  z.strictObject({ ...common, type: z.literal('number'), ...range }),
  z.strictObject({ ...common, type: z.literal('money'), ...range }),
  z.strictObject({
    ...common,
    type: z.literal('date'),
    notBefore: dateBoundSchema.optional(),
    notAfter: dateBoundSchema.optional(),
  }),
  z.strictObject({ ...common, type: z.literal('select'), ...withOptions }),
  z.strictObject({ ...common, type: z.literal('radio'), ...withOptions }),
  z.strictObject({ ...common, type: z.literal('checkbox'), ...withOptions }),
  z.strictObject({ ...common, type: z.literal('yesno') }),
  z.strictObject({ ...common, type: z.literal('cpr') }),
  z.strictObject({ ...common, type: z.literal('cr') }),
  z.strictObject({ ...common, type: z.literal('mobile') }),
  z.strictObject({ ...common, type: z.literal('email') }),
  /** A Bahraini IBAN, checked with its check digits; stored compact, shown in groups of four. */
  z.strictObject({ ...common, type: z.literal('iban') }),
  z.strictObject({ ...common, type: z.literal('address') }),
  z.strictObject({ ...common, type: z.literal('location') }),
  z.strictObject({ ...common, type: z.literal('file'), document: z.string() }),
]);

export type FieldDef = z.output<typeof fieldSchema>;
export type FieldType = FieldDef['type'];
export type FieldOption = z.output<typeof optionSchema>;
export type ShowWhen = z.output<typeof showWhenSchema>;
export type DateBound = z.output<typeof dateBoundSchema>;
export const FIELD_TYPES: FieldType[] = fieldSchema.options.map((option) => option.shape.type.value);

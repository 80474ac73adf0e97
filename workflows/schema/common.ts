import { z } from 'zod';

/**
 * Structure only: both languages present as strings. Whether they are filled in, Arabic and free
 * of TODO placeholders is the checker's job, so a half-written definition still loads and the
 * checker can name every problem at once.
 */
export const localizedSchema = z.strictObject({ ar: z.string(), en: z.string() });

export const keySchema = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9]*$/, 'must be camelCase letters and digits, starting with a lower-case letter');

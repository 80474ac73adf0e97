/**
 * The answers a request for more information opens (docs/decisions/0021). The reviewer ticks the
 * fields the applicant should change; the applicant may change those, and the fields whose showing
 * depends on them (choosing "other" as the purpose asks for its description), and nothing else.
 * Pure: the form runner, the documents page and the views ask it.
 */
import type { FieldDef, ServiceDefinition } from '../types.js';
import type { FieldProblem } from './field-rules.js';
import type { Answers, StepResult } from './form.js';

/** Every field may be changed: a draft, or a request that opened everything. */
export const ALL_OPEN = null;

export type OpenedFields = ReadonlySet<string> | typeof ALL_OPEN;

/**
 * The fields open to the applicant, from the snapshot context's `openFields` (null or absent: all).
 * Keys that are no field of this definition are ignored.
 */
export function openedFields(definition: ServiceDefinition, openFields: unknown): OpenedFields {
  if (!Array.isArray(openFields) || openFields.length === 0) return ALL_OPEN;
  const known = new Set(definition.fields.map((f) => f.key));
  const opened = new Set(
    openFields.filter((key): key is string => typeof key === 'string' && known.has(key)),
  );
  if (opened.size === 0) return ALL_OPEN;
  // A field shown or hidden by an opened answer opens with it, and so on down the chain.
  for (let grew = true; grew;) {
    grew = false;
    for (const field of definition.fields) {
      if (!opened.has(field.key) && field.showWhen && opened.has(field.showWhen.field)) {
        opened.add(field.key);
        grew = true;
      }
    }
  }
  return opened;
}

export function isOpen(opened: OpenedFields, field: FieldDef | string): boolean {
  return opened === ALL_OPEN || opened.has(typeof field === 'string' ? field : field.key);
}

/** The document requirements the applicant may add to or remove from: those of open file fields. */
export function openRequirements(definition: ServiceDefinition, opened: OpenedFields): Set<string> {
  return new Set(
    definition.fields
      .filter((f) => f.type === 'file' && isOpen(opened, f))
      .map((f) => (f.type === 'file' ? f.document : '')),
  );
}

/** Problems of open fields only: a closed answer was accepted at submission and cannot be changed now. */
export function openProblems(opened: OpenedFields, problems: FieldProblem[]): FieldProblem[] {
  return opened === ALL_OPEN ? problems : problems.filter((p) => opened.has(p.field));
}

/**
 * A page's result with every closed field's stored answer kept exactly as it was (whatever was
 * sent for it) and only the open fields' problems.
 */
export function keepClosed(
  definition: ServiceDefinition,
  opened: OpenedFields,
  result: StepResult,
  previous: Answers,
): StepResult {
  if (opened === ALL_OPEN) return result;
  const answers: Answers = { ...result.answers };
  for (const field of definition.fields) {
    if (opened.has(field.key)) continue;
    if (field.key in previous) answers[field.key] = previous[field.key];
    else delete answers[field.key];
  }
  return { answers, problems: openProblems(opened, result.problems) };
}

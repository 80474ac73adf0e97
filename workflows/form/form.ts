/**
 * A service's form as pages: which fields a page has, which of them show given the answers so
 * far (`showWhen`), and the validation of a page. Pure; the server's form runner renders and
 * stores what this returns.
 */
import type { FieldDef, ServiceDefinition } from '../types.js';
import { checkField, type AddressValue, type FieldProblem } from './field-rules.js';

export type { AddressValue, FieldProblem } from './field-rules.js';

export type Answers = Record<string, unknown>;

/** Page numbers used by a service's fields, in order (fields default to page 0). */
export function formSteps(definition: ServiceDefinition): number[] {
  return [...new Set(definition.fields.map((f) => f.step))].sort((a, b) => a - b);
}

/** A field shows when it has no condition or the answer it depends on matches. */
export function isShown(field: FieldDef, answers: Answers): boolean {
  if (!field.showWhen) return true;
  const answer = answers[field.showWhen.field];
  const wanted = Array.isArray(field.showWhen.equals) ? field.showWhen.equals : [field.showWhen.equals];
  if (Array.isArray(answer)) return answer.some((a) => typeof a === 'string' && wanted.includes(a));
  return (typeof answer === 'string' || typeof answer === 'number') && wanted.includes(String(answer));
}

export function fieldsOfStep(definition: ServiceDefinition, step: number): FieldDef[] {
  return definition.fields.filter((f) => f.step === step);
}

/** True when a page has a file field (its files are counted, and need an application to belong to). */
export function stepAsksForFiles(definition: ServiceDefinition, step: number): boolean {
  return fieldsOfStep(definition, step).some((f) => f.type === 'file');
}

export interface StepResult {
  /** Every answer after this page: the page's valid values merged in, hidden ones removed. */
  answers: Answers;
  problems: FieldProblem[];
}

/**
 * Validates one page. Conditions are decided on this page's own submitted values together with
 * earlier answers; a field that does not show is neither validated nor kept.
 * `documentCounts` holds how many files are stored per document requirement (for file fields).
 */
export function validateStep(
  definition: ServiceDefinition,
  step: number,
  submitted: Record<string, unknown>,
  previous: Answers,
  context: { today: string; documentCounts?: Record<string, number> },
): StepResult {
  const fields = fieldsOfStep(definition, step);
  const answers: Answers = { ...previous };
  const problems: FieldProblem[] = [];
  // First the unconditional fields, so conditions on this page can see their fresh values.
  const ordered = [...fields.filter((f) => !f.showWhen), ...fields.filter((f) => f.showWhen)];
  for (const field of ordered) {
    if (!isShown(field, answers)) {
      delete answers[field.key];
      continue;
    }
    if (field.type === 'file') {
      const count = context.documentCounts?.[field.document] ?? 0;
      const requirement = definition.guide.documents.find((d) => d.key === field.document);
      if (count === 0 && (requirement?.required ?? field.required))
        problems.push({ field: field.key, key: 'documentMissing' });
      continue;
    }
    const result = checkField(field, submitted[field.key], { today: context.today, values: answers });
    if (result.ok) {
      if (result.value === null) delete answers[field.key];
      else answers[field.key] = result.value;
    } else {
      problems.push({ field: field.key, ...result.problem });
      delete answers[field.key];
    }
  }
  // Fields of other pages whose condition no longer holds are dropped too.
  for (const field of definition.fields) {
    if (field.step !== step && !isShown(field, answers)) delete answers[field.key];
  }
  return { answers, problems: sortByForm(fields, problems) };
}

/** Validates every page against the stored answers, as submission does. */
export function validateAll(
  definition: ServiceDefinition,
  answers: Answers,
  context: { today: string; documentCounts?: Record<string, number> },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  let current = answers;
  for (const step of formSteps(definition)) {
    const result = validateStep(definition, step, asSubmitted(current), current, context);
    problems.push(...result.problems.map((p) => ({ ...p, params: { ...p.params, step } })));
    current = result.answers;
  }
  return problems;
}

/** The municipality an application is routed to: that of the first address answered. */
export function routedMunicipality(definition: ServiceDefinition, answers: Answers): string | null {
  for (const field of definition.fields) {
    const value = answers[field.key] as AddressValue | undefined;
    if (field.type === 'address' && value?.municipality) return value.municipality;
  }
  return null;
}

/** Stored answers as a page would submit them (numbers as text), to validate them again. */
function asSubmitted(answers: Answers): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(answers).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]),
  );
}

/** Problems in the order their fields stand on the form (the error summary reads top to bottom). */
export function inFormOrder(definition: ServiceDefinition, problems: FieldProblem[]): FieldProblem[] {
  return sortByForm(definition.fields, problems);
}

function sortByForm(fields: FieldDef[], problems: FieldProblem[]): FieldProblem[] {
  const order = new Map(fields.map((f, i) => [f.key, i]));
  return [...problems].sort((a, b) => (order.get(a.field) ?? 0) - (order.get(b.field) ?? 0));
}

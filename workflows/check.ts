/**
 * The definition checker (pure): what `npm run workflow:check` prints and what the registry
 * refuses to boot with. Each problem names the service, the state or field, and what is wrong:
 *   residence-certificate@1: state "under_review": transition ACCEPT has no roles
 */
import type { AnyStateNode } from 'xstate';
import { checkMachine } from './check-machine.js';
import { checkFieldLabel, checkLocalized, findTodos } from './check-text.js';
import { serviceId } from './define-service.js';
import {
  allTransitions,
  eventTypeOf,
  externalEventTypes,
  transitionMetaOf,
} from './machine-introspection.js';
import type { FieldDef, ServiceDefinition } from './types.js';
import { formSteps } from './form/form.js';

export interface CheckProblem {
  /** 'residence-certificate@1' */
  service: string;
  /** 'state "under_review"', 'field "purpose"', 'document "cprCopy"', 'guide', 'definition' */
  subject: string;
  problem: string;
  /** The three joined, one line for humans. */
  message: string;
}

export function checkDefinitions(definitions: readonly ServiceDefinition[]): CheckProblem[] {
  const problems = definitions.flatMap(checkDefinition);
  const seen = new Set<string>();
  for (const definition of definitions) {
    const id = serviceId(definition);
    if (seen.has(id)) problems.push(problem(id, 'definition', 'is defined more than once'));
    seen.add(id);
    const migration = definition.migrateFrom;
    if (!migration) continue;
    const previous = definitions.find((d) => d.slug === definition.slug && d.version === migration.version);
    if (!previous) {
      problems.push(
        problem(id, 'migrateFrom', `version ${migration.version} is not among the loaded definitions`),
      );
      continue;
    }
    const oldStates = previous.workflow.machine.root.states as Record<string, AnyStateNode>;
    const newStates = definition.workflow.machine.root.states as Record<string, AnyStateNode>;
    const stay = migration.stay ?? [];
    for (const source of [...Object.keys(migration.states), ...stay]) {
      if (!(source in oldStates))
        problems.push(problem(id, 'migrateFrom', `version ${migration.version} has no state "${source}"`));
    }
    for (const source of stay) {
      if (source in migration.states)
        problems.push(problem(id, 'migrateFrom', `state "${source}" is both mapped and listed in stay`));
    }
    for (const [key, node] of Object.entries(oldStates)) {
      if (node.type !== 'final' && !(key in migration.states) && !(key in newStates) && !stay.includes(key)) {
        problems.push(
          problem(id, 'migrateFrom', `state "${key}" of version ${migration.version} has no counterpart`),
        );
      }
    }
  }
  return problems;
}

export function checkDefinition(definition: ServiceDefinition): CheckProblem[] {
  const id = serviceId(definition);
  const problems: CheckProblem[] = [];
  const report = (subject: string, text: string): void => {
    problems.push(problem(id, subject, text));
  };

  for (const what of ['name', 'summary', 'description'] as const) {
    checkLocalized(definition[what], what, (text) => report('definition', text));
  }
  checkGuide(definition, report);
  checkFields(definition, report);
  checkPages(definition, report);
  checkMachine(definition.workflow.machine, report);
  checkMigration(definition, report);
  checkRegistryChecks(definition, report);
  checkReasonTemplates(definition, report);

  const { workflow: _workflow, ...data } = definition;
  for (const path of findTodos(data))
    report(subjectOfPath(definition, path), `${describePath(path)} starts with TODO`);
  return problems;
}

export function formatProblems(problems: readonly CheckProblem[]): string {
  return problems.map((p) => p.message).join('\n');
}

export type Report = (subject: string, problem: string) => void;

function checkGuide(definition: ServiceDefinition, report: Report): void {
  const { guide } = definition;
  if (!Number.isInteger(guide.slaDays) || guide.slaDays <= 0)
    report('guide', 'slaDays is not set (working days, > 0)');
  if (!Number.isInteger(guide.queryWindowDays) || guide.queryWindowDays <= 0)
    report('guide', 'queryWindowDays must be > 0');
  if (guide.fee.note) checkLocalized(guide.fee.note, 'fee.note', (text) => report('guide', text));
  guide.steps?.forEach((step, index) =>
    checkLocalized(step, `steps.${index}`, (text) => report('guide', text)),
  );
  if (externalEventTypes(definition.workflow.machine).has('FEE_PAID') && guide.fee.amount <= 0) {
    report('guide', 'the workflow collects a fee but fee.amount is 0');
  }
  const documentKeys = new Set<string>();
  for (const document of guide.documents) {
    const subject = `document "${document.key}"`;
    if (documentKeys.has(document.key)) report(subject, 'is declared more than once');
    documentKeys.add(document.key);
    checkLocalized(document.label, 'label', (text) => report(subject, text));
    if (document.hint) checkLocalized(document.hint, 'hint', (text) => report(subject, text));
    if (!definition.fields.some((field) => field.type === 'file' && field.document === document.key)) {
      report(subject, 'has no file field to upload it');
    }
  }
}

/** One title per form page, each in both languages. */
function checkPages(definition: ServiceDefinition, report: Report): void {
  if (!definition.pages) return;
  const pages = formSteps(definition).length;
  if (definition.pages.length !== pages) {
    report('pages', `lists ${definition.pages.length} titles for a form of ${pages} pages`);
  }
  definition.pages.forEach((title, index) =>
    checkLocalized(title, `page ${index + 1} title`, (text) => report('pages', text)),
  );
}

function checkFields(definition: ServiceDefinition, report: Report): void {
  const byKey = new Map<string, FieldDef>();
  for (const field of definition.fields) {
    if (byKey.has(field.key)) report(`field "${field.key}"`, 'is declared more than once');
    byKey.set(field.key, field);
  }
  for (const field of definition.fields) {
    const subject = `field "${field.key}"`;
    const say = (text: string): void => report(subject, text);
    checkLocalized(field.label, 'label', say);
    checkFieldLabel(field.label, say);
    if (field.hint) checkLocalized(field.hint, 'hint', say);
    if (
      field.type === 'file' &&
      !definition.guide.documents.some((document) => document.key === field.document)
    ) {
      say(`refers to document "${field.document}", which the guide does not list`);
    }
    if ('options' in field) {
      const values = new Set<string>();
      for (const option of field.options) {
        if (values.has(option.value)) say(`option "${option.value}" is declared more than once`);
        values.add(option.value);
        checkLocalized(option.label, `option "${option.value}" label`, say);
      }
    }
    if (
      (field.type === 'number' || field.type === 'money') &&
      field.min !== undefined &&
      field.max !== undefined &&
      field.min > field.max
    ) {
      say(`min ${field.min} is greater than max ${field.max}`);
    }
    if (field.type === 'date') {
      for (const bound of [field.notBefore, field.notAfter]) {
        if (bound && bound !== 'today' && byKey.get(bound.field)?.type !== 'date') {
          say(`date bound refers to "${bound.field}", which is not a date field`);
        }
      }
    }
    if (field.showWhen) checkShowWhen(field, byKey, say);
  }
  const steps = [...new Set(definition.fields.map((field) => field.step))].sort((a, b) => a - b);
  if (steps.some((step, index) => step !== index))
    report('fields', `form steps must run 0, 1, 2 … without gaps (got ${steps.join(', ')})`);
}

function checkShowWhen(field: FieldDef, byKey: Map<string, FieldDef>, say: (text: string) => void): void {
  const condition = field.showWhen;
  if (!condition) return;
  const target = byKey.get(condition.field);
  if (!target || condition.field === field.key) {
    say(`showWhen refers to "${condition.field}", which is not another field`);
    return;
  }
  if (target.step > field.step) say(`showWhen refers to "${condition.field}", which comes on a later step`);
  const allowed =
    'options' in target
      ? target.options.map((option) => option.value)
      : target.type === 'yesno'
        ? ['yes', 'no']
        : null;
  const wanted = Array.isArray(condition.equals) ? condition.equals : [condition.equals];
  for (const value of wanted) {
    if (allowed && !allowed.includes(value))
      say(`showWhen value "${value}" is not an option of "${condition.field}"`);
  }
}

/** A registry check needs something to ask about: an address (residence) or a CR number. */
function checkRegistryChecks(definition: ServiceDefinition, report: Report): void {
  const checks = definition.registryChecks ?? [];
  const has = (type: string) => definition.fields.some((field) => field.type === type);
  if (new Set(checks).size !== checks.length) report('registryChecks', 'lists a check more than once');
  if (
    checks.includes('residence') &&
    (!has('address') || !(has('cpr') || definition.applicants.includes('resident')))
  ) {
    report(
      'registryChecks',
      '"residence" needs an address field and a CPR (a cpr field or resident applicants)',
    );
  }
  if (
    checks.includes('commercial-registration') &&
    !(has('cr') || definition.applicants.includes('investor'))
  ) {
    report('registryChecks', '"commercial-registration" needs a cr field or investor applicants');
  }
}

/** A reason template belongs to an event of this workflow that asks for a message. */
export function checkReasonTemplates(
  definition: Pick<ServiceDefinition, 'workflow' | 'reasonTemplates'>,
  report: Report,
): void {
  const commented = new Set(
    allTransitions(definition.workflow.machine)
      .filter((t) => transitionMetaOf(t)?.requiresComment === true)
      .map(eventTypeOf),
  );
  definition.reasonTemplates?.forEach((template, index) => {
    const subject = `reasonTemplates.${index}`;
    if (!commented.has(template.event))
      report(subject, `event "${template.event}" is not a decision of this workflow that takes a message`);
    checkLocalized(template.text, 'text', (text) => report(subject, text));
  });
}

function checkMigration(definition: ServiceDefinition, report: Report): void {
  const migration = definition.migrateFrom;
  if (!migration) return;
  if (migration.version >= definition.version)
    report('migrateFrom', `version ${migration.version} is not older than ${definition.version}`);
  const states = definition.workflow.machine.root.states as Record<string, AnyStateNode>;
  for (const [source, target] of Object.entries(migration.states)) {
    if (!(target in states))
      report('migrateFrom', `maps "${source}" to "${target}", which is not a state of this version`);
  }
}

function subjectOfPath(definition: ServiceDefinition, path: (string | number)[]): string {
  const [head, second, third] = path;
  if (head === 'fields' && typeof second === 'number')
    return `field "${definition.fields[second]?.key ?? second}"`;
  if (head === 'guide' && second === 'documents' && typeof third === 'number') {
    return `document "${definition.guide.documents[third]?.key ?? third}"`;
  }
  if (head === 'guide' || head === 'migrateFrom' || head === 'pages') return String(head);
  return 'definition';
}

function describePath(path: (string | number)[]): string {
  const [head, second] = path;
  if (head === 'fields' && typeof second === 'number') return path.slice(2).join('.');
  if (head === 'guide' && second === 'documents') return path.slice(3).join('.');
  if (head === 'guide') return path.slice(1).join('.');
  if (head === 'pages' && typeof second === 'number')
    return `page ${second + 1} title.${path.slice(2).join('.')}`;
  return path.join('.');
}

function problem(service: string, subject: string, text: string): CheckProblem {
  return { service, subject, problem: text, message: `${service}: ${subject}: ${text}` };
}

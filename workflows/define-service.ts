/**
 * `defineService` is what every file in workflows/services/ calls: it validates the data with zod,
 * builds the workflow machine for this slug and version, and returns a frozen definition.
 */
import type { z } from 'zod';
import { serviceDataSchema } from './schema/service.js';
import type { ServiceDefinition, ServiceDefinitionInput, Workflow } from './types.js';

export { APPLICANT_KINDS, CATEGORIES, CLEARANCE_BODIES, DEPARTMENTS, labelOf } from './catalogue.js';
export type { ApplicantKind, Category, ClearanceBody, Department } from './catalogue.js';
export { FIELD_TYPES, PREFILL_SOURCES } from './schema/fields.js';
export { DOCUMENT_TYPES } from './schema/service.js';

/**
 * Brand of `defineService` results. A registered symbol rather than a module-local WeakSet,
 * because a definition file imported by the loader may get its own copy of this module (e.g.
 * when tests are loaded through require() and the loader uses import()).
 */
const DEFINED = Symbol.for('municipal-eservices/service-definition');

export function defineService(input: ServiceDefinitionInput): ServiceDefinition {
  const { workflow: factory, ...data } = input;
  const name = identify(input);
  const parsed = serviceDataSchema.safeParse(data);
  if (!parsed.success) {
    throw new Error(`Invalid service definition ${name}:\n${formatIssues(parsed.error)}`);
  }
  if (typeof factory !== 'function') {
    throw new Error(
      `Invalid service definition ${name}:\n  workflow: expected a workflow factory such as standardReview({...})`,
    );
  }
  const workflow = factory({ slug: parsed.data.slug, version: parsed.data.version });
  assertWorkflow(workflow, name);
  // The machine is XState's object: freezing its internals is not ours to do.
  const definition: ServiceDefinition = {
    ...deepFreeze(parsed.data),
    workflow: Object.freeze({ ...workflow, options: deepFreeze({ ...workflow.options }) }),
  };
  Object.defineProperty(definition, DEFINED, { value: true, enumerable: false });
  return Object.freeze(definition);
}

/** True for values returned by `defineService` (the loader refuses anything else). */
export function isServiceDefinition(value: unknown): value is ServiceDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINED] === true;
}

export function serviceId(definition: Pick<ServiceDefinition, 'slug' | 'version'>): string {
  return `${definition.slug}@${definition.version}`;
}

function identify(input: unknown): string {
  const record = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const slug = typeof record.slug === 'string' ? record.slug : '(no slug)';
  const version = typeof record.version === 'number' ? String(record.version) : '?';
  return `${slug}@${version}`;
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`).join('\n');
}

function assertWorkflow(workflow: Partial<Workflow> | undefined, name: string): void {
  const machine = workflow?.machine;
  if (!machine || typeof machine.transition !== 'function' || !machine.root) {
    throw new Error(
      `Invalid service definition ${name}:\n  workflow: the factory did not return { kind, options, machine }`,
    );
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

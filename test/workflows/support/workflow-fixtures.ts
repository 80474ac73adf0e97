/**
 * Builders shared by the workflow tests: a small valid service, the people who act on it, and a
 * driver that plans events one after another, storing each snapshot as JSON in between (as the
 * server does with its database row).
 */
import { defineService } from '../../../workflows/define-service.js';
import { planEvent, type PlanAccepted, type PlanRequest } from '../../../workflows/engine.js';
import { standardReview, type StandardReviewOptions } from '../../../workflows/standard-review.js';
import type {
  EventActor,
  PersistedSnapshot,
  ServiceDefinition,
  ServiceDefinitionInput,
} from '../../../workflows/types.js';

export const applicant: EventActor = { role: 'applicant', userId: 1 };
export const otherApplicant: EventActor = { role: 'applicant', userId: 2 };
export const reviewer: EventActor = { role: 'reviewer', userId: 11 };
export const supervisor: EventActor = { role: 'supervisor', userId: 12 };
export const otherSupervisor: EventActor = { role: 'supervisor', userId: 13 };
export const counter: EventActor = { role: 'counter', userId: 14 };
export const admin: EventActor = { role: 'admin', userId: 15 };
export const system: EventActor = { role: 'system', userId: null };

/** A complete, valid definition input; tests override parts of it. */
export function sampleInput(overrides: Partial<ServiceDefinitionInput> = {}): ServiceDefinitionInput {
  return {
    slug: 'sample-permit',
    version: 1,
    name: { ar: 'تصريح تجريبي', en: 'Sample permit' },
    summary: { ar: 'خدمة للاختبار', en: 'A service for tests' },
    description: { ar: 'وصف الخدمة للاختبار', en: 'Description of the test service' },
    category: 'permits',
    applicants: ['resident'],
    department: 'engineering',
    guide: {
      documents: [
        {
          key: 'sitePlan',
          label: { ar: 'مخطط الموقع', en: 'Site plan' },
          required: true,
          types: ['pdf'],
          maxSizeMb: 10,
          maxFiles: 1,
        },
      ],
      fee: { amount: 5 },
      slaDays: 5,
    },
    fields: [
      { key: 'cpr', type: 'cpr', prefill: 'cpr', label: { ar: 'الرقم الشخصي', en: 'CPR number' } },
      {
        key: 'reason',
        type: 'select',
        label: { ar: 'السبب', en: 'Reason' },
        options: [
          { value: 'new', label: { ar: 'جديد', en: 'New' } },
          { value: 'other', label: { ar: 'آخر', en: 'Other' } },
        ],
      },
      {
        key: 'details',
        type: 'longtext',
        showWhen: { field: 'reason', equals: 'other' },
        label: { ar: 'التفاصيل', en: 'Details' },
      },
      {
        key: 'sitePlanFile',
        type: 'file',
        step: 1,
        document: 'sitePlan',
        label: { ar: 'مخطط الموقع', en: 'Site plan' },
      },
    ],
    workflow: standardReview(),
    ...overrides,
  };
}

export function sampleService(
  options: StandardReviewOptions = {},
  overrides: Partial<ServiceDefinitionInput> = {},
): ServiceDefinition {
  return defineService(sampleInput({ workflow: standardReview(options), ...overrides }));
}

export type Step = [type: string, actor: EventActor, payload?: Record<string, unknown>];

/** Plans events in order, failing loudly on any refusal; each snapshot goes through JSON. */
export function drive(
  definition: ServiceDefinition,
  steps: Step[],
  extra: Pick<PlanRequest, 'now' | 'calendar'> & { from?: PersistedSnapshot | null } = {},
): { persisted: PersistedSnapshot; plans: PlanAccepted[] } {
  let persisted: PersistedSnapshot | null = extra.from ?? null;
  const plans: PlanAccepted[] = [];
  for (const [type, actor, payload] of steps) {
    const plan = planEvent({
      definition,
      persisted,
      event: { type, ...payload },
      actor,
      now: extra.now,
      calendar: extra.calendar,
    });
    if (!plan.ok) throw new Error(`${type} by ${actor.role} was refused: ${plan.code} (${plan.message})`);
    plans.push(plan);
    persisted = JSON.parse(JSON.stringify(plan.persisted)) as PersistedSnapshot;
  }
  if (!persisted) throw new Error('drive: no steps');
  return { persisted, plans };
}

export const submitted: Step[] = [['SUBMIT', applicant]];
export const inReview: Step[] = [...submitted, ['START_REVIEW', reviewer]];
export const rejected: Step[] = [
  ...inReview,
  ['REJECT', reviewer, { comment: 'The site plan is not signed.' }],
];
export const queried: Step[] = [
  ...rejected,
  ['RAISE_QUERY', applicant, { comment: 'The plan was signed; see page 2.' }],
];

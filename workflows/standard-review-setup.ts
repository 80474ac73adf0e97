/**
 * The XState `setup` shared by every machine the standard review factory builds: typed context,
 * events and meta, the named effect actions (left unimplemented: the server's outbox runs them),
 * the context bookkeeping and the guards.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { CLEARANCE_BODY_KEYS } from './catalogue.js';
import type {
  Localized,
  PublicStatus,
  Role,
  SlaState,
  StateMeta,
  TimerSpec,
  TransitionMeta,
  WorkflowContext,
  WorkflowEvent,
  WorkflowInput,
} from './types.js';

export type Recipient = 'applicant' | 'department' | 'supervisors' | 'clearance_bodies';

export const APPLICANT: Role[] = ['applicant'];
/** Walk-in applicants are served at the counter, which submits on their behalf. */
export const APPLICANT_OR_COUNTER: Role[] = ['applicant', 'counter'];
/** Supervisors may do whatever reviewers do. */
export const STAFF: Role[] = ['reviewer', 'supervisor'];
export const SUPERVISOR: Role[] = ['supervisor'];
export const SYSTEM: Role[] = ['system'];
export const CASHIER: Role[] = ['counter', 'reviewer', 'supervisor'];

export const SLA_TIMER: TimerSpec = { key: 'sla', event: 'SLA_ESCALATE', days: 'sla' };
export const QUERY_WINDOW_TIMER: TimerSpec = {
  key: 'queryWindow',
  event: 'QUERY_WINDOW_CLOSE',
  days: 'queryWindow',
};

export const INITIAL_CONTEXT: Omit<WorkflowContext, 'applicantId'> = {
  reviewerId: null,
  rejectedBy: null,
  escalated: false,
  inspection: null,
  clearances: {},
  payment: null,
  payout: null,
  clock: { deadlines: {}, slaRemainingMs: null },
};

const userIdOf = (event: WorkflowEvent): number | null => event.actor?.userId ?? null;
const textOf = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : null;

/** A typed value for `setup({ types })`; every input key is optional. */
const NO_INPUT: WorkflowInput = {};

export const base = setup({
  types: {
    context: {} as WorkflowContext,
    events: {} as WorkflowEvent,
    input: NO_INPUT,
    meta: {} as StateMeta,
    transitionMeta: {} as TransitionMeta,
  },
  actions: {
    // Effects: no implementation here. The engine returns them and the server's outbox runs them.
    notify: (_, _params: { template: string; to: Recipient; bodies?: string[] }) => undefined,
    webhook: (_, _params: { event: 'application.submitted' | 'application.decided'; decision?: string }) =>
      undefined,
    escalate: (_, _params: { reason: 'sla' }) => undefined,
    issueCertificate: () => undefined,
    assignAccountNumber: () => undefined,
    requestPayout: () => undefined,
    // Context bookkeeping.
    markEscalated: assign({ escalated: true }),
    recordReviewer: assign({ reviewerId: ({ event }) => userIdOf(event) }),
    recordRejection: assign({ rejectedBy: ({ event }) => userIdOf(event) }),
    recordInspectionScheduled: assign({
      inspection: ({ event }) => ({
        date: String(event.date),
        inspector: String(event.inspector),
        result: 'scheduled' as const,
        comment: null,
      }),
    }),
    recordInspectionResult: assign({
      inspection: ({ context, event }, params: { result: 'passed' | 'failed' }) => ({
        date: context.inspection?.date ?? '',
        inspector: context.inspection?.inspector ?? '',
        result: params.result,
        comment: textOf(event.comment),
      }),
    }),
    openClearances: assign({
      clearances: (_, params: { bodies: string[] }) =>
        Object.fromEntries(
          params.bodies.map((body) => [body, { status: 'pending' as const, comment: null, by: null }]),
        ),
    }),
    recordClearance: assign({
      clearances: ({ context, event }, params: { body: string; status: 'approved' | 'declined' }) => ({
        ...context.clearances,
        [params.body]: { status: params.status, comment: textOf(event.comment), by: userIdOf(event) },
      }),
    }),
    /** The answers a request for more information opens; none chosen opens them all (null). */
    recordInfoRequest: assign({
      openFields: ({ event }) =>
        Array.isArray(event.fields) && event.fields.length > 0 ? event.fields.map(String) : null,
    }),
    recordPayment: assign({ payment: ({ event }) => ({ receipt: textOf(event.receipt) }) }),
    recordPayout: assign({ payout: ({ event }) => ({ reference: textOf(event.reference) }) }),
  },
  guards: {
    /** The poller closes the window; this also refuses a query sent after the due instant but before the poller ran. */
    queryWindowOpen: ({ context, event }) => {
      const closesAt = context.clock.deadlines.queryWindow;
      if (typeof closesAt !== 'string' || typeof event.at !== 'string') return true;
      return Date.parse(event.at) < Date.parse(closesAt);
    },
    /** Approval waits for a passed inspection and every clearance, when the service requires them. */
    checksComplete: ({ context }, params: { inspection: boolean; bodies: string[] }) =>
      (!params.inspection || context.inspection?.result === 'passed') &&
      params.bodies.every((body) => context.clearances[body]?.status === 'approved'),
    inspectionOutstanding: ({ context }) => context.inspection?.result !== 'passed',
    clearancesOutstanding: ({ context }, params: { bodies: string[] }) =>
      params.bodies.some((body) => context.clearances[body]?.status !== 'approved'),
    forBody: ({ event }, params: { body: string }) => event.department === params.body,
  },
});

export type StateConfig = Parameters<typeof base.createStateConfig>[0];

export function meta(
  status: PublicStatus,
  label: Localized,
  sla: SlaState,
  extra: { timers?: TimerSpec[]; guide?: Localized } = {},
): StateMeta {
  return { status, label, sla, ...extra };
}

export function allowed(
  roles: Role[],
  label: Localized,
  extra: Omit<TransitionMeta, 'roles' | 'label'> = {},
): TransitionMeta {
  return { roles, label, ...extra };
}

export const notify = (template: string, to: Recipient) => ({
  type: 'notify' as const,
  params: { template, to },
});

export const standardReviewOptionsSchema = z.strictObject({
  /** under_review → inspection_scheduled → passed / failed, back to under_review. */
  siteInspection: z.boolean().optional(),
  /** Other authorities, each giving or declining its clearance in a parallel state. */
  clearances: z.array(z.enum(CLEARANCE_BODY_KEYS)).optional(),
  /** After approval the applicant pays the fee before the application completes. */
  fee: z.boolean().optional(),
  /** After approval the municipality pays an amount out (refunds, compensation). */
  payout: z.boolean().optional(),
  /** Issue a certificate when the application is finally accepted. */
  certificate: z.boolean().optional(),
  /** Assign a municipal account number when the application is finally accepted. */
  accountNumber: z.boolean().optional(),
});
export type StandardReviewOptions = z.input<typeof standardReviewOptionsSchema>;

/** Declaration order is the order of the applicant's guide steps: keep the happy path first. */
const STATE_ORDER = [
  'draft',
  'submitted',
  'under_review',
  'info_requested',
  'inspection_scheduled',
  'clearances',
  'awaiting_payment',
  'payout_pending',
  'accepted',
  'completed',
  'rejected',
  'query_raised',
  'rejection_upheld',
  'rejection_final',
  'withdrawn',
  'discarded',
];

export function orderStates(states: Record<string, StateConfig>): Record<string, StateConfig> {
  return Object.fromEntries(
    STATE_ORDER.filter((key) => key in states).map((key) => [key, states[key] as StateConfig]),
  );
}

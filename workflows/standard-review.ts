/**
 * The shared workflow factory: submit → review → accept / reject / request information, with a
 * query against a rejection, and optional site inspection, clearances, fee, payout, certificate
 * and account number.
 *
 * Rules every machine built here follows (and the checker enforces):
 * - every state node has `meta` (public status, bilingual label, SLA clock, deadlines);
 * - every transition has `meta` (roles allowed, bilingual label, whether a comment is required);
 * - side effects are named actions with params, so `transition()` returns them unexecuted;
 * - no `after` timers: deadlines are declared in state meta and stored as rows by the server.
 */
import type { z } from 'zod';
import { clearanceStates } from './standard-review-clearances.js';
import { rejectionStates } from './standard-review-rejection.js';
import { EVENT_LABELS, GUIDE_STEPS, INPUT_LABELS, STATE_LABELS } from './standard-review-labels.js';
import {
  APPLICANT,
  APPLICANT_OR_COUNTER,
  CASHIER,
  INITIAL_CONTEXT,
  SLA_TIMER,
  STAFF,
  SUPERVISOR,
  SYSTEM,
  allowed,
  base,
  meta,
  notify,
  orderStates,
  standardReviewOptionsSchema,
  type StandardReviewOptions,
  type StateConfig,
} from './standard-review-setup.js';
import type { Workflow, WorkflowBuildContext, WorkflowFactory } from './types.js';

export { standardReviewOptionsSchema, type StandardReviewOptions } from './standard-review-setup.js';

export function standardReview(rawOptions: StandardReviewOptions = {}): WorkflowFactory {
  const options = standardReviewOptionsSchema.parse(rawOptions);
  return (service) => buildStandardReview(service, options);
}

function buildStandardReview(
  service: WorkflowBuildContext,
  options: z.output<typeof standardReviewOptionsSchema>,
): Workflow {
  const id = `${service.slug}-v${service.version}`;
  const bodies = [...new Set(options.clearances ?? [])];
  const inspection = options.siteInspection === true;
  const success = options.payout ? 'completed' : 'accepted';
  const afterFee = options.payout ? 'payout_pending' : success;
  const afterAccept = options.fee ? 'awaiting_payment' : afterFee;

  const withdraw = {
    WITHDRAW: {
      target: 'withdrawn',
      meta: allowed(APPLICANT, EVENT_LABELS.WITHDRAW),
      actions: [notify('withdrawn', 'department')],
    },
  };
  const escalate = {
    SLA_ESCALATE: {
      meta: allowed(SYSTEM, EVENT_LABELS.SLA_ESCALATE),
      actions: [
        'markEscalated' as const,
        { type: 'escalate' as const, params: { reason: 'sla' as const } },
        notify('sla_escalated', 'supervisors'),
      ],
    },
  };

  /** Extra actions in under_review that the options add (inspection, clearances). */
  const reviewExtras: NonNullable<StateConfig['on']> = {};
  const states: Record<string, StateConfig> = {
    draft: {
      meta: meta('draft', STATE_LABELS.draft, 'stopped'),
      on: {
        SUBMIT: {
          target: 'submitted',
          meta: allowed(APPLICANT_OR_COUNTER, EVENT_LABELS.SUBMIT),
          actions: [
            notify('submitted', 'applicant'),
            notify('new_application', 'department'),
            { type: 'webhook', params: { event: 'application.submitted' } },
          ],
        },
        DISCARD: { target: 'discarded', meta: allowed(APPLICANT_OR_COUNTER, EVENT_LABELS.DISCARD) },
      },
    },
    submitted: {
      meta: meta('submitted', STATE_LABELS.submitted, 'running', {
        timers: [SLA_TIMER],
        guide: GUIDE_STEPS.submitted,
      }),
      on: {
        START_REVIEW: {
          target: 'under_review',
          meta: allowed(STAFF, EVENT_LABELS.START_REVIEW, { notBy: ['applicantId'] }),
          actions: ['recordReviewer', notify('review_started', 'applicant')],
        },
        ...withdraw,
        ...escalate,
      },
    },
    under_review: {
      meta: meta('in_review', STATE_LABELS.under_review, 'running', {
        timers: [SLA_TIMER],
        guide: GUIDE_STEPS.under_review,
      }),
      on: {
        ACCEPT: {
          target: afterAccept,
          meta: allowed(STAFF, EVENT_LABELS.ACCEPT, { notBy: ['applicantId'] }),
          ...(inspection || bodies.length > 0
            ? { guard: { type: 'checksComplete', params: { inspection, bodies } } }
            : {}),
          actions: [{ type: 'webhook', params: { event: 'application.decided', decision: 'accepted' } }],
        },
        REJECT: {
          target: 'rejected',
          meta: allowed(STAFF, EVENT_LABELS.REJECT, { requiresComment: true, notBy: ['applicantId'] }),
          actions: [
            'recordRejection',
            notify('rejected', 'applicant'),
            { type: 'webhook', params: { event: 'application.decided', decision: 'rejected' } },
          ],
        },
        REQUEST_INFO: {
          target: 'info_requested',
          meta: allowed(STAFF, EVENT_LABELS.REQUEST_INFO, {
            requiresComment: true,
            inputs: [{ key: 'fields', type: 'fields', label: INPUT_LABELS.openFields, required: false }],
          }),
          actions: ['recordInfoRequest', notify('info_requested', 'applicant')],
        },
        ...withdraw,
        ...escalate,
      },
    },
    info_requested: {
      meta: meta('waiting_on_applicant', STATE_LABELS.info_requested, 'paused'),
      on: {
        RESUBMIT: {
          target: 'under_review',
          meta: allowed(APPLICANT_OR_COUNTER, EVENT_LABELS.RESUBMIT),
          actions: [notify('resubmitted', 'department')],
        },
        ...withdraw,
      },
    },
  };

  if (inspection) {
    reviewExtras.SCHEDULE_INSPECTION = {
      target: 'inspection_scheduled',
      guard: 'inspectionOutstanding',
      meta: allowed(STAFF, EVENT_LABELS.SCHEDULE_INSPECTION, {
        inputs: [
          { key: 'date', type: 'date', label: INPUT_LABELS.inspectionDate, required: true },
          { key: 'inspector', type: 'text', label: INPUT_LABELS.inspector, required: true },
        ],
      }),
      actions: ['recordInspectionScheduled', notify('inspection_scheduled', 'applicant')],
    };
    states.inspection_scheduled = {
      meta: meta('in_review', STATE_LABELS.inspection_scheduled, 'running', {
        timers: [SLA_TIMER],
        guide: GUIDE_STEPS.inspection_scheduled,
      }),
      on: {
        INSPECTION_PASSED: {
          target: 'under_review',
          meta: allowed(STAFF, EVENT_LABELS.INSPECTION_PASSED),
          actions: [{ type: 'recordInspectionResult', params: { result: 'passed' } }],
        },
        INSPECTION_FAILED: {
          target: 'under_review',
          meta: allowed(STAFF, EVENT_LABELS.INSPECTION_FAILED, { requiresComment: true }),
          actions: [{ type: 'recordInspectionResult', params: { result: 'failed' } }],
        },
        ...withdraw,
        ...escalate,
      },
    };
  }

  if (bodies.length > 0) {
    reviewExtras.REQUEST_CLEARANCES = {
      target: 'clearances',
      guard: { type: 'clearancesOutstanding', params: { bodies } },
      meta: allowed(STAFF, EVENT_LABELS.REQUEST_CLEARANCES),
      actions: [
        { type: 'notify', params: { template: 'clearance_requested', to: 'clearance_bodies', bodies } },
      ],
    };
    states.clearances = clearanceStates(id, bodies, { ...withdraw, ...escalate });
  }

  if (options.fee) {
    states.awaiting_payment = {
      meta: meta('waiting_on_applicant', STATE_LABELS.awaiting_payment, 'stopped', {
        guide: GUIDE_STEPS.awaiting_payment,
      }),
      entry: [notify('fee_due', 'applicant')],
      on: {
        FEE_PAID: {
          target: afterFee,
          meta: allowed(CASHIER, EVENT_LABELS.FEE_PAID, {
            inputs: [{ key: 'receipt', type: 'text', label: INPUT_LABELS.receipt, required: false }],
          }),
          actions: ['recordPayment'],
        },
      },
    };
  }

  if (options.payout) {
    states.payout_pending = {
      meta: meta('accepted', STATE_LABELS.payout_pending, 'stopped', { guide: GUIDE_STEPS.payout_pending }),
      entry: [{ type: 'requestPayout' }],
      on: {
        PAYOUT_DONE: {
          target: 'completed',
          meta: allowed(SUPERVISOR, EVENT_LABELS.PAYOUT_DONE, {
            inputs: [
              { key: 'reference', type: 'text', label: INPUT_LABELS.payoutReference, required: false },
            ],
          }),
          actions: ['recordPayout'],
        },
      },
    };
  }

  const successGuide = options.certificate
    ? GUIDE_STEPS.certificate
    : options.accountNumber
      ? GUIDE_STEPS.accountNumber
      : options.payout
        ? GUIDE_STEPS.payoutDone
        : GUIDE_STEPS.decision;
  states[success] = {
    type: 'final',
    meta: meta('accepted', STATE_LABELS[success], 'stopped', { guide: successGuide }),
    entry: [
      notify(success, 'applicant'),
      ...(options.certificate ? [{ type: 'issueCertificate' as const }] : []),
      ...(options.accountNumber ? [{ type: 'assignAccountNumber' as const }] : []),
    ],
  };

  Object.assign(states, rejectionStates());

  const underReview = states.under_review;
  if (underReview) underReview.on = { ...underReview.on, ...reviewExtras };

  const machine = base.createMachine({
    id,
    initial: 'draft',
    context: ({ input }) => ({
      ...structuredClone(INITIAL_CONTEXT),
      applicantId: input?.applicantId ?? null,
    }),
    states: orderStates(states),
  });
  return { kind: 'standard-review', options: { ...options }, machine };
}

/**
 * The standard review's ends that no option changes: a rejection with its query window (a query
 * answered by a supervisor who did not reject, who upholds the rejection or reopens the review),
 * and withdrawal or discarding.
 */
import { EVENT_LABELS, STATE_LABELS } from './standard-review-labels.js';
import {
  APPLICANT,
  QUERY_WINDOW_TIMER,
  SUPERVISOR,
  SYSTEM,
  allowed,
  meta,
  notify,
  type StateConfig,
} from './standard-review-setup.js';

export function rejectionStates(): Record<string, StateConfig> {
  return {
    rejected: {
      meta: meta('rejected', STATE_LABELS.rejected, 'stopped', { timers: [QUERY_WINDOW_TIMER] }),
      on: {
        RAISE_QUERY: {
          target: 'query_raised',
          guard: 'queryWindowOpen',
          meta: allowed(APPLICANT, EVENT_LABELS.RAISE_QUERY, { requiresComment: true }),
          actions: [notify('query_raised', 'supervisors')],
        },
        QUERY_WINDOW_CLOSE: {
          target: 'rejection_final',
          meta: allowed(SYSTEM, EVENT_LABELS.QUERY_WINDOW_CLOSE),
        },
      },
    },
    query_raised: {
      meta: meta('queried', STATE_LABELS.query_raised, 'stopped'),
      on: {
        UPHOLD: {
          target: 'rejection_upheld',
          meta: allowed(SUPERVISOR, EVENT_LABELS.UPHOLD, { requiresComment: true, notBy: ['rejectedBy'] }),
          actions: [notify('rejection_upheld', 'applicant')],
        },
        REOPEN: {
          target: 'under_review',
          meta: allowed(SUPERVISOR, EVENT_LABELS.REOPEN, { notBy: ['rejectedBy'] }),
          actions: [notify('reopened', 'applicant')],
        },
      },
    },
    rejection_upheld: { type: 'final', meta: meta('rejected', STATE_LABELS.rejection_upheld, 'stopped') },
    rejection_final: { type: 'final', meta: meta('rejected', STATE_LABELS.rejection_final, 'stopped') },
    withdrawn: { type: 'final', meta: meta('withdrawn', STATE_LABELS.withdrawn, 'stopped') },
    discarded: { type: 'final', meta: meta('withdrawn', STATE_LABELS.discarded, 'stopped') },
  } satisfies Record<string, StateConfig>;
}

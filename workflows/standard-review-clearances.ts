import { CLEARANCE_BODIES, type ClearanceBody } from './catalogue.js';
import { EVENT_LABELS, GUIDE_STEPS, STATE_LABELS, clearanceEventLabel } from './standard-review-labels.js';
import {
  SLA_TIMER,
  STAFF,
  SYSTEM,
  allowed,
  meta,
  notify,
  type StateConfig,
} from './standard-review-setup.js';

/** One region per authority; any decline returns the file to the reviewer with the decline recorded. */
export function clearanceStates(
  machineId: string,
  bodies: ClearanceBody[],
  shared: NonNullable<StateConfig['on']>,
): StateConfig {
  const regions: Record<string, StateConfig> = {};
  for (const body of bodies) {
    const bodyLabel = CLEARANCE_BODIES.find((b) => b.key === body)?.label ?? { ar: body, en: body };
    const params = { department: body };
    regions[body] = {
      initial: 'pending',
      meta: meta('in_review', bodyLabel, 'running'),
      states: {
        pending: {
          meta: meta('in_review', STATE_LABELS.clearance_pending, 'running'),
          on: {
            APPROVE_CLEARANCE: {
              target: 'given',
              guard: { type: 'forBody', params: { body } },
              meta: allowed(STAFF, clearanceEventLabel('APPROVE_CLEARANCE', bodyLabel), { params }),
              actions: [{ type: 'recordClearance', params: { body, status: 'approved' } }],
            },
            DECLINE_CLEARANCE: {
              target: `#${machineId}.under_review`,
              guard: { type: 'forBody', params: { body } },
              meta: allowed(STAFF, clearanceEventLabel('DECLINE_CLEARANCE', bodyLabel), {
                params,
                requiresComment: true,
              }),
              actions: [
                { type: 'recordClearance', params: { body, status: 'declined' } },
                notify('clearance_declined', 'department'),
              ],
            },
          },
        },
        given: { type: 'final', meta: meta('in_review', STATE_LABELS.clearance_given, 'running') },
      },
    };
  }
  return {
    type: 'parallel',
    meta: meta('in_review', STATE_LABELS.clearances, 'running', {
      timers: [SLA_TIMER],
      guide: GUIDE_STEPS.clearances,
    }),
    entry: [{ type: 'openClearances', params: { bodies } }],
    on: shared,
    onDone: { target: 'under_review', meta: allowed(SYSTEM, EVENT_LABELS.CLEARANCES_COMPLETE) },
    states: regions,
  };
}

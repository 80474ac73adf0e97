/**
 * Read-only views of a workflow for pages and reports: where an application stands, the list of
 * states for filters, the applicant's steps for the service guide, and moving a stored snapshot
 * onto a newer version of its service.
 */
import type { AnyStateNode, StateValue } from 'xstate';
import { CLEARANCE_BODIES } from './catalogue.js';
import { clearanceDoneLabel, EVENT_DONE_LABELS } from './standard-review-labels.js';
import {
  allTransitions,
  eventTypeOf,
  initialMachineSnapshot,
  persist,
  restoreSnapshot,
  stateMetaOf,
  topStateKey,
  topStateNode,
  transitionMetaOf,
} from './machine-introspection.js';
import type {
  Localized,
  PersistedSnapshot,
  PublicStatus,
  ServiceDefinition,
  SlaState,
  StateMeta,
} from './types.js';

export interface StateDescription {
  state: string;
  status: PublicStatus;
  label: Localized;
  sla: SlaState;
  final: boolean;
}

export interface GuideStep {
  key: string;
  label: Localized;
}

/** Where an application stands (null: not created yet, i.e. the initial draft). */
export function describeState(
  definition: ServiceDefinition,
  persisted: PersistedSnapshot | null,
): StateDescription & { escalated: boolean; deadlines: Record<string, string> } {
  const machine = definition.workflow.machine;
  const snapshot = persisted ? restoreSnapshot(machine, persisted) : initialMachineSnapshot(machine);
  const node = topStateNode(machine, snapshot.value);
  const context = snapshot.context as { escalated?: boolean; clock?: { deadlines?: Record<string, string> } };
  return {
    ...describeNode(node),
    escalated: context.escalated === true,
    deadlines: { ...(context.clock?.deadlines ?? {}) },
  };
}

/** The state that is each status's plain case in the standard review ("In review" is "Under review"). */
const PLAIN_STATE: Partial<Record<string, string>> = {
  submitted: 'submitted',
  in_review: 'under_review',
  waiting_on_applicant: 'info_requested',
  accepted: 'accepted',
  rejected: 'rejected',
  queried: 'query_raised',
  withdrawn: 'withdrawn',
};

/** Whether a state's label says more than its status ("Site inspection scheduled"), for a page showing both. */
export function stateAddsToStatus(where: Pick<StateDescription, 'state' | 'status'>): boolean {
  return PLAIN_STATE[where.status] !== where.state;
}

/**
 * Whether a query waits on the decision this person took: the four-eyes rule gives it to someone
 * else, and their page says so instead of "nothing to do".
 */
export function queryOnOwnDecision(
  where: Pick<StateDescription, 'status'>,
  persisted: PersistedSnapshot,
  userId: number,
): boolean {
  return where.status === 'queried' && persisted.context.rejectedBy === userId;
}

/** Public statuses in which the municipality still has a decision to take. */
const AWAITING_DECISION = new Set(['submitted', 'in_review']);

/**
 * When a decision is expected: the service-level due time while the municipality has the
 * application to decide, otherwise null (decided, withdrawn, or waiting on the applicant).
 */
export function expectedDecisionAt<T>(where: Pick<StateDescription, 'status'>, slaDueAt: T | null): T | null {
  return slaDueAt && AWAITING_DECISION.has(where.status) ? slaDueAt : null;
}

/** Every top-level state in declaration order, for filters and reports. */
export function describeStates(definition: ServiceDefinition): StateDescription[] {
  return (Object.values(definition.workflow.machine.root.states) as AnyStateNode[]).map(describeNode);
}

/**
 * The applicant-visible steps of the service, in order: the guide's own `steps` when given,
 * otherwise the `guide` text of the workflow's states in declaration order.
 */
export function describeSteps(definition: ServiceDefinition): GuideStep[] {
  if (definition.guide.steps && definition.guide.steps.length > 0) {
    return definition.guide.steps.map((label, index) => ({ key: `step-${index + 1}`, label }));
  }
  return (Object.values(definition.workflow.machine.root.states) as AnyStateNode[]).flatMap((node) => {
    const guide = stateMetaOf(node)?.guide;
    return guide ? [{ key: node.key, label: guide }] : [];
  });
}

/**
 * Moves a snapshot stored under `fromVersion` onto `definition` (a later version), following its
 * `migrateFrom.states` map; states not in the map keep their name. Throws when that is impossible
 * or when the state is one the new version lets finish on the old one (`migrateFrom.stay`).
 */
export function migrateSnapshot(
  definition: ServiceDefinition,
  persisted: PersistedSnapshot,
  fromVersion: number,
): PersistedSnapshot {
  if (fromVersion === definition.version) return persisted;
  const migration = definition.migrateFrom;
  const name = `${definition.slug}@${definition.version}`;
  if (!migration || migration.version !== fromVersion) {
    throw new Error(`${name}: no migration from version ${fromVersion}`);
  }
  const machine = definition.workflow.machine;
  const oldState = topStateKey(persisted.value);
  if (migration.stay?.includes(oldState))
    throw new Error(`${name}: state "${oldState}" stays on version ${fromVersion}`);
  const newState = migration.states[oldState] ?? oldState;
  const node = (machine.root.states as Record<string, AnyStateNode | undefined>)[newState];
  if (!node) throw new Error(`${name}: state "${oldState}" of version ${fromVersion} has no counterpart`);
  const value = (
    newState === oldState && typeof persisted.value === 'object' ? persisted.value : newState
  ) as StateValue;
  const initial = initialMachineSnapshot(machine).context as Record<string, unknown>;
  const resolved = machine.resolveState({ value, context: { ...initial, ...persisted.context } });
  return persist(machine, resolved);
}

function describeNode(node: AnyStateNode): StateDescription {
  const meta = stateMetaOf(node) as StateMeta;
  return {
    state: node.key,
    status: meta.status,
    label: meta.label,
    sla: meta.sla,
    final: node.type === 'final',
  };
}

/** The label of each event the workflow takes (the first transition's label wins), for timelines. */
export function eventLabels(definition: ServiceDefinition): Map<string, Localized> {
  const labels = new Map<string, Localized>();
  for (const transition of allTransitions(definition.workflow.machine)) {
    const label = transitionMetaOf(transition)?.label;
    const type = eventTypeOf(transition);
    if (label && !labels.has(type)) labels.set(type, label);
  }
  return labels;
}

/**
 * How a timeline names a recorded event: as done ("Application submitted"), a clearance with the
 * authority its payload names; an event of a workflow's own by its transition's label.
 */
export function timelineLabeller(
  definition: ServiceDefinition,
): (event: string, payload: unknown) => Localized {
  const labels = eventLabels(definition);
  return (event, payload) => {
    if (event === 'APPROVE_CLEARANCE' || event === 'DECLINE_CLEARANCE') {
      const department = (recordOf(payload) as { department?: unknown } | null)?.department;
      const body = CLEARANCE_BODIES.find((b) => b.key === department);
      if (body) return clearanceDoneLabel(event, body.label);
    }
    const done: Partial<Record<string, Localized>> = EVENT_DONE_LABELS;
    return done[event] ?? labels.get(event) ?? { ar: event, en: event };
  };
}

/**
 * The form fields an event's 'fields' input named (a request for more information's opened
 * answers), by their labels, from its audit row's payload; none when it opened everything.
 */
export function fieldsNamedBy(definition: ServiceDefinition, payload: unknown): Localized[] {
  const fields = recordOf(payload)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.flatMap((key) => {
    const field = definition.fields.find((f) => f.key === key);
    return field ? [field.label] : [];
  });
}

/** An audit row's payload: stored as JSON text (an object where the driver parses it). */
function recordOf(payload: unknown): Record<string, unknown> | null {
  if (typeof payload !== 'string')
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  try {
    const value: unknown = JSON.parse(payload);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

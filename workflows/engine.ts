/**
 * The pure planner behind every workflow event. The server loads the application row, calls
 * `planEvent`, and in one transaction stores the next snapshot, the audit entry, the effects (as
 * outbox rows) and the deadlines. Nothing here reads a clock or touches I/O: `now` comes in.
 *
 * Order of checks: restore → is this event known → is it possible in this state at all → may
 * this role take it (403) → is the payload valid → `snapshot.can` (guards, e.g. the query
 * window: 409) → comment present → not the same person (four eyes) → `transition()`.
 */
import {
  getNextTransitions,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyTransitionDefinition,
} from 'xstate';
import { bahrainCalendar } from './calendar.js';
import { planTimers, slaChangeBetween } from './deadlines.js';
import { readPayload } from './event-payload.js';
import {
  activeTimers,
  allTransitions,
  eventTypeOf,
  externalEventTypes,
  initialMachineSnapshot,
  isInternalEvent,
  persist,
  restoreSnapshot,
  stateMetaOf,
  topStateKey,
  topStateNode,
  transitionMetaOf,
} from './machine-introspection.js';
import {
  EFFECT_TYPES,
  ROLES,
  type Effect,
  type EffectType,
  type PersistedSnapshot,
  type PublicStatus,
  type Role,
  type ServiceDefinition,
  type StateMeta,
  type TimerSpec,
  type WorkflowClock,
  type WorkflowEvent,
  type WorkflowInput,
} from './types.js';

export {
  describeState,
  describeStates,
  describeSteps,
  eventLabels,
  fieldsNamedBy,
  migrateSnapshot,
  queryOnOwnDecision,
  stateAddsToStatus,
  timelineLabeller,
} from './describe.js';
export type { GuideStep, StateDescription } from './describe.js';
export type { ArmedTimer, SlaChange, TimerPlan } from './deadlines.js';

import type { AvailableEvent, Plan, PlanRefused, PlanRequest, RefusalCode } from './plan-types.js';

export {
  REFUSAL_HTTP_STATUS,
  type AvailableEvent,
  type Plan,
  type PlanAccepted,
  type PlanRefused,
  type PlanRequest,
  type RefusalCode,
} from './plan-types.js';

export function planEvent(request: PlanRequest): Plan {
  const { definition, actor, now } = request;
  const machine = definition.workflow.machine;
  const snapshot = loadSnapshot(definition, request.persisted, request.input);
  const type = request.event.type;

  if (typeof type !== 'string' || isInternalEvent(type) || !externalEventTypes(machine).has(type)) {
    return refuse('unknown_event', `${String(type)} is not an event of ${machine.id}`);
  }
  const from = topStateKey(snapshot.value);
  const candidates = transitionsFor(snapshot, type);
  if (candidates.length === 0) return refuse('not_possible', `${type} is not possible in state "${from}"`);
  if (
    !(ROLES as readonly string[]).includes(actor.role) ||
    !candidates.some((t) => rolesOf(t).includes(actor.role))
  ) {
    return refuse('forbidden', `role ${actor.role} may not send ${type} in state "${from}"`);
  }
  const payload = readPayload(
    request.event,
    candidates,
    knownParams(machine, type),
    new Set(definition.fields.map((f) => f.key)),
  );
  if (!payload.ok) return refuse('invalid_payload', payload.message);

  const event: WorkflowEvent = {
    ...payload.event,
    actor: { role: actor.role, userId: actor.userId },
    ...(now ? { at: now.toISOString() } : {}),
  };
  if (!snapshot.can(event)) return refuse('not_possible', `${type} is not possible now in state "${from}"`);
  const selected = (machine.getTransitionData(snapshot, event) as AnyTransitionDefinition[]).filter(
    (t) => eventTypeOf(t) === type,
  );
  if (!selected.every((t) => rolesOf(t).includes(actor.role))) {
    return refuse('forbidden', `role ${actor.role} may not send ${type} in state "${from}"`);
  }
  if (selected.some((t) => transitionMetaOf(t)?.requiresComment) && event.comment === undefined) {
    return refuse('comment_required', `${type} needs a comment`);
  }
  const userId = actor.userId;
  if (userId !== null && selected.some((t) => isSamePerson(t, snapshot, userId))) {
    return refuse(
      'same_person',
      `${type} must be taken by someone other than the person who took the earlier decision`,
    );
  }

  const [next, actions] = transition(machine, snapshot, event) as [
    AnyMachineSnapshot,
    { type: string; params?: unknown }[],
  ];
  const fromMeta = topMeta(machine, snapshot);
  const toMeta = topMeta(machine, next);
  const final = next.status === 'done';
  const slaChange = slaChangeBetween(fromMeta.sla, toMeta.sla);
  const context = next.context as { clock: WorkflowClock };
  const { timers, clock } = planTimers({
    guide: definition.guide,
    fromTimers: activeTimers(snapshot),
    toTimers: final ? new Map<string, TimerSpec>() : activeTimers(next),
    final,
    slaChange,
    clock: context.clock,
    now,
    calendar: request.calendar ?? bahrainCalendar(),
  });
  const persisted = persist(machine, next);
  if (clock) persisted.context = { ...persisted.context, clock };

  return {
    ok: true,
    event,
    label: selected.map((t) => transitionMetaOf(t)?.label).find(Boolean) ?? { ar: type, en: type },
    comment: event.comment ?? null,
    from,
    to: topStateKey(next.value),
    fromStatus: fromMeta.status,
    toStatus: toMeta.status,
    persisted,
    effects: toEffects(actions),
    timers,
    sla: toMeta.sla,
    slaChange,
    final,
  };
}

/** The snapshot a new application starts from (the draft), as JSON to store. */
export function initialSnapshot(definition: ServiceDefinition, input?: WorkflowInput): PersistedSnapshot {
  const machine = definition.workflow.machine;
  return persist(machine, initialMachineSnapshot(machine, input));
}

/**
 * What this person may do now: the back office shows exactly these actions. Guards are
 * evaluated (an approval waiting for an inspection is not offered), and so is the four-eyes rule.
 */
export function availableEvents(
  definition: ServiceDefinition,
  persisted: PersistedSnapshot | null,
  role: Role,
  userId: number | null,
  /** `type`: only the actions of this event (what a POST of one action needs to know). */
  options: { now?: Date; type?: string } = {},
): AvailableEvent[] {
  const machine = definition.workflow.machine;
  const snapshot = loadSnapshot(definition, persisted);
  if (snapshot.status !== 'active') return [];
  const available: AvailableEvent[] = [];
  const seen = new Set<string>();
  const fromStatus = topMeta(machine, snapshot).status;
  for (const candidate of getNextTransitions(snapshot)) {
    if (options.type !== undefined && eventTypeOf(candidate) !== options.type) continue;
    const meta = transitionMetaOf(candidate);
    if (isInternalEvent(eventTypeOf(candidate)) || !meta?.roles.includes(role)) continue;
    const params = meta.params ?? {};
    const id = `${eventTypeOf(candidate)} ${JSON.stringify(params)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const probe: WorkflowEvent = {
      type: eventTypeOf(candidate),
      ...params,
      actor: { role, userId },
      ...(options.now ? { at: options.now.toISOString() } : {}),
    };
    if (!snapshot.can(probe)) continue;
    const selected = (machine.getTransitionData(snapshot, probe) as AnyTransitionDefinition[]).filter(
      (t) => eventTypeOf(t) === eventTypeOf(candidate),
    );
    if (!selected.every((t) => rolesOf(t).includes(role))) continue;
    if (userId !== null && selected.some((t) => isSamePerson(t, snapshot, userId))) continue;
    const chosen = transitionMetaOf(selected[0] ?? candidate) ?? meta;
    // Where it leads, worked out by the pure transition (nothing runs).
    const [next, actions] = transition(machine, snapshot, probe) as [AnyMachineSnapshot, { type: string }[]];
    const toStatus = topMeta(machine, next).status;
    available.push({
      type: eventTypeOf(candidate),
      label: chosen.label,
      requiresComment: selected.some((t) => transitionMetaOf(t)?.requiresComment === true),
      params: { ...params },
      inputs: [...(chosen.inputs ?? [])],
      decides: toStatus !== fromStatus && DECISION_STATUSES.has(toStatus),
      issuesCertificate: actions.some((a) => a.type === 'issueCertificate'),
    });
  }
  return available;
}

/** The statuses that tell the applicant a decision. */
const DECISION_STATUSES: ReadonlySet<PublicStatus> = new Set(['accepted', 'rejected']);

/** The public status of an application (what reports group by). */
export function statusOf(definition: ServiceDefinition, persisted: PersistedSnapshot | null): PublicStatus {
  const machine = definition.workflow.machine;
  return topMeta(machine, loadSnapshot(definition, persisted)).status;
}

function loadSnapshot(
  definition: ServiceDefinition,
  persisted: PersistedSnapshot | null,
  input?: WorkflowInput,
): AnyMachineSnapshot {
  const machine = definition.workflow.machine;
  return persisted ? restoreSnapshot(machine, persisted) : initialMachineSnapshot(machine, input);
}

function transitionsFor(snapshot: AnyMachineSnapshot, type: string): AnyTransitionDefinition[] {
  if (snapshot.status !== 'active') return [];
  return getNextTransitions(snapshot).filter((t) => eventTypeOf(t) === type);
}

function knownParams(machine: AnyStateMachine, type: string): Record<string, string>[] {
  return allTransitions(machine)
    .filter((t) => eventTypeOf(t) === type)
    .map((t) => transitionMetaOf(t)?.params)
    .filter((params): params is Record<string, string> => params !== undefined);
}

function rolesOf(t: AnyTransitionDefinition): Role[] {
  return transitionMetaOf(t)?.roles ?? [];
}

function isSamePerson(t: AnyTransitionDefinition, snapshot: AnyMachineSnapshot, userId: number): boolean {
  const context = snapshot.context as Record<string, unknown>;
  return (transitionMetaOf(t)?.notBy ?? []).some((key) => context[key] === userId);
}

function topMeta(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): StateMeta {
  const node = topStateNode(machine, snapshot.value);
  const meta = stateMetaOf(node);
  if (!meta) throw new Error(`workflow ${machine.id}: state "${node.key}" has no meta`);
  return meta;
}

function toEffects(actions: { type: string; params?: unknown }[]): Effect[] {
  return actions
    .filter((action): action is { type: EffectType; params?: unknown } =>
      (EFFECT_TYPES as readonly string[]).includes(action.type),
    )
    .map((action) => ({
      type: action.type,
      params:
        action.params && typeof action.params === 'object'
          ? (JSON.parse(JSON.stringify(action.params)) as Record<string, unknown>)
          : {},
    }));
}

function refuse(code: RefusalCode, message: string): PlanRefused {
  return { ok: false, code, message };
}

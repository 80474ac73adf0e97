/**
 * Paths through a workflow machine for model-based tests: `xstate/graph` enumerates them with
 * events carrying realistic payloads, sent by a person whose role the transition allows.
 */
import { getNextTransitions, transition, type AnyMachineSnapshot } from 'xstate';
import { getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import { isInternalEvent, transitionMetaOf } from '../../../workflows/machine-introspection.js';
import type {
  EventActor,
  EventInput,
  Role,
  ServiceDefinition,
  WorkflowEvent,
} from '../../../workflows/types.js';

/** One person per role, with distinct ids so the four-eyes rule holds along every path. */
export const ACTORS: Record<Role, EventActor> = {
  applicant: { role: 'applicant', userId: 101 },
  reviewer: { role: 'reviewer', userId: 201 },
  supervisor: { role: 'supervisor', userId: 301 },
  counter: { role: 'counter', userId: 401 },
  admin: { role: 'admin', userId: 501 },
  system: { role: 'system', userId: null },
};

const COMMENTS: Record<string, string> = {
  REJECT: 'The engineer’s certificate is not stamped by a licensed office.',
  REQUEST_INFO: 'Please attach both sides of the smart card.',
  RAISE_QUERY: 'The certificate was stamped; please see page 2 of the upload.',
  UPHOLD: 'The stamp belongs to an office whose licence expired in 2023.',
  INSPECTION_FAILED: 'Emergency exit on the ground floor is blocked.',
  DECLINE_CLEARANCE: 'The meter room does not meet the authority’s standard.',
};

const INPUT_VALUES: Record<EventInput['type'], string> = {
  date: '2025-05-12',
  text: 'Eng. Maryam Al-Khalifa',
  number: '3',
  // No field chosen: the request opens every answer (the paths do not depend on which).
  fields: '',
};

export type WorkflowPath = StatePath<AnyMachineSnapshot, WorkflowEvent>;

/** The events a realistic person could send now: allowed role, comment and inputs filled in, guards passing. */
export function realisticEvents(
  snapshot: AnyMachineSnapshot,
  options: { skip?: string[] } = {},
): WorkflowEvent[] {
  const events: WorkflowEvent[] = [];
  const seen = new Set<string>();
  for (const transition of getNextTransitions(snapshot)) {
    const meta = transitionMetaOf(transition);
    const role = meta?.roles[0];
    if (
      !meta ||
      !role ||
      isInternalEvent(transition.eventType) ||
      options.skip?.includes(transition.eventType)
    )
      continue;
    const event: WorkflowEvent = { type: transition.eventType, ...meta.params, actor: ACTORS[role] };
    if (meta.requiresComment)
      event.comment = COMMENTS[transition.eventType] ?? 'Reason recorded for the file.';
    for (const input of meta.inputs ?? []) event[input.key] = INPUT_VALUES[input.type];
    const id = JSON.stringify(event);
    if (!seen.has(id) && snapshot.can(event)) {
      seen.add(id);
      events.push(event);
    }
  }
  return events;
}

/**
 * States that matter to the workflow, without ids and comments, so the graph stays small: the
 * state value, the escalation flag, the inspection result and each clearance's status.
 */
export function serializeState(snapshot: AnyMachineSnapshot): string {
  const context = snapshot.context as {
    escalated?: boolean;
    inspection?: { result: string } | null;
    clearances?: Record<string, { status: string }>;
  };
  const clearances = Object.entries(context.clearances ?? {}).map(
    ([body, record]) => `${body}:${record.status}`,
  );
  return JSON.stringify([
    snapshot.value,
    context.escalated ?? false,
    context.inspection?.result ?? null,
    clearances,
  ]);
}

export function shortestPaths(definition: ServiceDefinition): WorkflowPath[] {
  return getShortestPaths(definition.workflow.machine, {
    events: (snapshot) => realisticEvents(snapshot as AnyMachineSnapshot),
    serializeState: (snapshot) => serializeState(snapshot as AnyMachineSnapshot),
  }) as WorkflowPath[];
}

/**
 * Every loop-free path to a final state. Bounded: escalations are left to the shortest paths
 * (they only set a flag), and paths longer than `maxSteps` are dropped.
 */
export function simplePathsToFinal(definition: ServiceDefinition, maxSteps: number): WorkflowPath[] {
  return (
    getSimplePaths(definition.workflow.machine, {
      events: (snapshot) => realisticEvents(snapshot as AnyMachineSnapshot, { skip: ['SLA_ESCALATE'] }),
      serializeState: (snapshot) => serializeState(snapshot as AnyMachineSnapshot),
      toState: (snapshot) => snapshot.status === 'done',
    }) as WorkflowPath[]
  ).filter((path) => path.steps.length - 1 <= maxSteps);
}

export function describePath(path: WorkflowPath): string {
  return path.steps
    .slice(1)
    .map((step) => step.event.type)
    .join(' → ');
}

/**
 * Transition coverage: the shortest path to every state, followed by each event possible there.
 * Loop-free paths never take the transitions that lead back (RESUBMIT, REOPEN); these do.
 */
export function edgePaths(
  definition: ServiceDefinition,
  shortest: WorkflowPath[] = shortestPaths(definition),
): WorkflowPath[] {
  const machine = definition.workflow.machine;
  return shortest.flatMap((graphPath) =>
    realisticEvents(graphPath.state).map((event) => {
      const [next] = transition(machine, graphPath.state, event) as [AnyMachineSnapshot, unknown];
      return {
        state: next,
        steps: [...graphPath.steps, { event, state: next }],
        weight: graphPath.weight + 1,
      };
    }),
  );
}

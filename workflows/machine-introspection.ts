/**
 * Reading a workflow machine as data: its state nodes, transitions and their meta, and the
 * restoring of persisted snapshots. Shared by the engine and the checker.
 */
import {
  createActor,
  initialTransition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type Snapshot,
} from 'xstate';
import type { PersistedSnapshot, StateMeta, TimerSpec, TransitionMeta, WorkflowInput } from './types.js';

export function stateMetaOf(node: AnyStateNode): StateMeta | undefined {
  return node.meta as StateMeta | undefined;
}

export function transitionMetaOf(transition: AnyTransitionDefinition): TransitionMeta | undefined {
  return transition.meta as TransitionMeta | undefined;
}

/** Every state node below the root, depth first in declaration order. */
export function allStateNodes(machine: AnyStateMachine): AnyStateNode[] {
  const nodes: AnyStateNode[] = [];
  const visit = (node: AnyStateNode): void => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      nodes.push(child);
      visit(child);
    }
  };
  visit(machine.root);
  return nodes;
}

/** The transitions declared on a node itself (events, `onDone`, `always`), not its ancestors'. */
export function ownTransitions(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
}

/** 'under_review', 'clearances.traffic.pending'. */
export function pathOf(node: AnyStateNode): string {
  return node.path.join('.');
}

/** Events raised by XState itself (done events, eventless transitions), never sent by a person. */
export function isInternalEvent(type: string): boolean {
  return type === '' || type.startsWith('xstate.');
}

export function describeEvent(type: string): string {
  if (type === '') return 'always';
  if (type.startsWith('xstate.done.state.')) return 'onDone';
  return type;
}

/** The event a transition reacts to ('' for eventless transitions). */
export function eventTypeOf(transition: AnyTransitionDefinition): string {
  return transition.eventType as string;
}

/** Every transition of the machine, declared on any state node (machines never change: cached). */
export function allTransitions(machine: AnyStateMachine): AnyTransitionDefinition[] {
  let transitions = transitionCache.get(machine);
  if (!transitions) {
    transitions = allStateNodes(machine).flatMap(ownTransitions);
    transitionCache.set(machine, transitions);
  }
  return transitions;
}
const transitionCache = new WeakMap<AnyStateMachine, AnyTransitionDefinition[]>();

/** Event types a person or the system may send to this machine. */
export function externalEventTypes(machine: AnyStateMachine): Set<string> {
  return new Set(
    allTransitions(machine)
      .map(eventTypeOf)
      .filter((type) => !isInternalEvent(type)),
  );
}

/** The top-level state of a snapshot value: 'under_review' or, for `{ clearances: … }`, 'clearances'. */
export function topStateKey(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const [key] = Object.keys(value);
    if (key !== undefined) return key;
  }
  throw new Error(`workflow: cannot read a state from ${JSON.stringify(value)}`);
}

export function topStateNode(machine: AnyStateMachine, value: unknown): AnyStateNode {
  const key = topStateKey(value);
  const node = (machine.root.states as Record<string, AnyStateNode | undefined>)[key];
  if (!node) throw new Error(`workflow ${machine.id}: no state "${key}"`);
  return node;
}

/** Deadlines armed by the active state nodes, by key. */
export function activeTimers(snapshot: AnyMachineSnapshot): Map<string, TimerSpec> {
  const timers = new Map<string, TimerSpec>();
  for (const meta of Object.values(snapshot.getMeta()) as (StateMeta | undefined)[]) {
    for (const timer of meta?.timers ?? []) timers.set(timer.key, timer);
  }
  return timers;
}

export function initialMachineSnapshot(machine: AnyStateMachine, input?: WorkflowInput): AnyMachineSnapshot {
  return initialTransition(machine, input ?? {})[0] as AnyMachineSnapshot;
}

/** Snapshots already restored, per stored object: a request that asks twice restores once. */
const restored = new WeakMap<PersistedSnapshot, { machine: AnyStateMachine; snapshot: AnyMachineSnapshot }>();

/**
 * A machine snapshot from the stored JSON, the documented v5 way: an actor created with the
 * snapshot and never started, so nothing runs. Machine snapshots are immutable (a transition makes
 * a new one), so the same stored object restored again on the same machine gives the same snapshot.
 */
export function restoreSnapshot(machine: AnyStateMachine, persisted: PersistedSnapshot): AnyMachineSnapshot {
  const known = typeof persisted === 'object' && persisted !== null ? restored.get(persisted) : undefined;
  if (known?.machine === machine) return known.snapshot;
  if (
    typeof persisted !== 'object' ||
    persisted === null ||
    !('value' in persisted) ||
    !('context' in persisted)
  ) {
    throw new Error(`workflow ${machine.id}: the stored snapshot has no value or context`);
  }
  topStateNode(machine, persisted.value);
  const snapshot = createActor(machine, {
    snapshot: persisted as unknown as Snapshot<unknown>,
  }).getSnapshot() as AnyMachineSnapshot;
  restored.set(persisted, { machine, snapshot });
  return snapshot;
}

export function persist(machine: AnyStateMachine, snapshot: AnyMachineSnapshot): PersistedSnapshot {
  // A JSON round trip proves the snapshot is storable and detaches it from XState's objects.
  return JSON.parse(JSON.stringify(machine.getPersistedSnapshot(snapshot))) as PersistedSnapshot;
}

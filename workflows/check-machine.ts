/**
 * Checks of a workflow machine as a graph: meta on every state and transition, no `after`
 * timers, every state reachable, and a final state reachable from everywhere. Guards are
 * ignored (a static over-approximation); the model-based tests exercise the guarded paths.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import {
  allStateNodes,
  describeEvent,
  eventTypeOf,
  ownTransitions,
  pathOf,
  stateMetaOf,
  transitionMetaOf,
} from './machine-introspection.js';
import { checkLocalized } from './check-text.js';
import { PUBLIC_STATUSES, ROLES, SLA_STATES } from './types.js';

/** Reports a problem about a subject, e.g. `state "under_review"`. */
export type Report = (subject: string, problem: string) => void;

export function checkMachine(machine: AnyStateMachine, report: Report): void {
  const nodes = allStateNodes(machine);
  for (const node of nodes) checkStateNode(node, report);
  checkReachability(machine, nodes, report);
}

function checkStateNode(node: AnyStateNode, report: Report): void {
  const subject = `state "${pathOf(node)}"`;
  const meta = stateMetaOf(node);
  if (!meta) {
    report(subject, 'has no meta (status, label, sla)');
  } else {
    if (!(PUBLIC_STATUSES as readonly string[]).includes(meta.status))
      report(subject, `has no valid status (got ${String(meta.status)})`);
    if (!(SLA_STATES as readonly string[]).includes(meta.sla))
      report(subject, `has no valid sla (got ${String(meta.sla)})`);
    checkLocalized(meta.label, 'label', (problem) => report(subject, problem));
    if (meta.guide !== undefined) checkLocalized(meta.guide, 'guide', (problem) => report(subject, problem));
    const handled = eventsHandledIn(node);
    for (const timer of meta.timers ?? []) {
      const validDays =
        timer.days === 'sla' ||
        timer.days === 'queryWindow' ||
        (typeof timer.days === 'number' && timer.days > 0);
      if (!validDays) report(subject, `timer "${timer.key}" has invalid days ${String(timer.days)}`);
      if (!handled.has(timer.event))
        report(subject, `timer "${timer.key}" sends ${timer.event}, which this state does not handle`);
    }
    const isTopLevel = node.parent?.parent === undefined;
    if (isTopLevel && meta.sla === 'running' && !(meta.timers ?? []).some((timer) => timer.key === 'sla')) {
      report(subject, 'the SLA runs here but no "sla" timer escalates it');
    }
  }
  if (node.after.length > 0)
    report(subject, 'uses an `after` timer; declare a deadline in meta.timers instead');

  for (const transition of ownTransitions(node)) {
    const where = `transition ${describeEvent(eventTypeOf(transition))}`;
    const tmeta = transitionMetaOf(transition);
    if (!tmeta || !Array.isArray(tmeta.roles) || tmeta.roles.length === 0) {
      report(subject, `${where} has no roles`);
    } else {
      const unknown = tmeta.roles.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) report(subject, `${where} has unknown roles: ${unknown.join(', ')}`);
    }
    if (!tmeta?.label) report(subject, `${where} has no label`);
    else checkLocalized(tmeta.label, 'label', (problem) => report(subject, `${where}: ${problem}`));
    for (const input of tmeta?.inputs ?? []) {
      checkLocalized(input.label, `input "${input.key}" label`, (problem) =>
        report(subject, `${where}: ${problem}`),
      );
    }
  }
}

/** Events a state reacts to: its own, its ancestors' and (for compound states) its descendants'. */
function eventsHandledIn(node: AnyStateNode): Set<string> {
  const events = new Set<string>();
  const addOwn = (n: AnyStateNode): void => ownTransitions(n).forEach((t) => events.add(eventTypeOf(t)));
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) addOwn(current);
  const addDescendants = (n: AnyStateNode): void => {
    for (const child of Object.values(n.states) as AnyStateNode[]) {
      addOwn(child);
      addDescendants(child);
    }
  };
  addDescendants(node);
  return events;
}

function checkReachability(machine: AnyStateMachine, nodes: AnyStateNode[], report: Report): void {
  const reached = closure(entry(machine.root));
  for (const node of nodes) {
    if (!reached.has(node)) report(`state "${pathOf(node)}"`, 'is unreachable from the initial state');
  }
  const topFinals = (Object.values(machine.root.states) as AnyStateNode[]).filter(
    (node) => node.type === 'final',
  );
  if (topFinals.length === 0) {
    report('workflow', 'has no final state');
    return;
  }
  for (const node of nodes) {
    if (node.type === 'final' && node.parent === machine.root) continue;
    const from = closure([node, ...ancestors(node), ...entry(node)]);
    if (!topFinals.some((final) => from.has(final)))
      report(`state "${pathOf(node)}"`, 'no final state can be reached from it');
  }
}

/** The nodes active after entering `node`: itself and its initial descendants (all regions of a parallel state). */
function entry(node: AnyStateNode): AnyStateNode[] {
  if (node.type === 'parallel')
    return [node, ...(Object.values(node.states) as AnyStateNode[]).flatMap(entry)];
  if (node.type === 'compound') {
    const initial = (node.initial?.target ?? []) as AnyStateNode[];
    return [node, ...initial.flatMap(entry)];
  }
  return [node];
}

function ancestors(node: AnyStateNode): AnyStateNode[] {
  const list: AnyStateNode[] = [];
  for (let current = node.parent; current?.parent; current = current.parent) list.push(current);
  return list;
}

function closure(start: AnyStateNode[]): Set<AnyStateNode> {
  const seen = new Set<AnyStateNode>(start);
  const queue = [...start];
  for (let node = queue.shift(); node; node = queue.shift()) {
    for (const transition of ownTransitions(node)) {
      for (const target of (transition.target ?? []) as AnyStateNode[]) {
        for (const next of [...entry(target), ...ancestors(target)]) {
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
    }
  }
  return seen;
}

/**
 * A workflow as a graph to draw (workflows/diagram.ts lays it out and draws it): the full graph for
 * IT staff and administrators (every state; every transition with its event and the roles allowed)
 * and the applicant's graph (only the steps an applicant goes through), with texts in one language.
 * Pure: no I/O.
 */
import type { AnyStateNode } from 'xstate';
import { describeSteps } from './describe.js';
import {
  allStateNodes,
  describeEvent,
  eventTypeOf,
  ownTransitions,
  pathOf,
  stateMetaOf,
  transitionMetaOf,
} from './machine-introspection.js';
import type { Localized, Role, ServiceDefinition } from './types.js';

export type DiagramLang = 'ar' | 'en';

export const ROLE_LABELS: Record<Role, Localized> = {
  applicant: { ar: 'مقدم الطلب', en: 'applicant' },
  reviewer: { ar: 'المراجع', en: 'reviewer' },
  supervisor: { ar: 'المشرف', en: 'supervisor' },
  counter: { ar: 'موظف الكاونتر', en: 'counter staff' },
  admin: { ar: 'مسؤول النظام', en: 'administrator' },
  system: { ar: 'النظام', en: 'system' },
};

export const WORDS = {
  start: { ar: 'البداية', en: 'Start' },
  final: { ar: 'نهائية', en: 'final' },
  done: { ar: 'النهاية', en: 'End' },
  full: { ar: 'مخطط سير العمل', en: 'Workflow diagram' },
  applicant: { ar: 'خطوات الطلب', en: 'Steps of an application' },
} satisfies Record<string, Localized>;

/** One line of text in a box. `code` lines are identifiers, always left to right. */
export interface DiagramLine {
  text: string;
  kind: 'title' | 'code' | 'text';
  /** Words after a `code` line's identifier, in the page's language and ordinary type. */
  note?: string;
  /** The workflow event this line describes, if any (`data-event`). */
  event?: string;
  /** The state path this line names, if any (`data-state`). */
  state?: string;
}

export interface DiagramNode {
  id: string;
  /** State paths drawn in this box: its own and, for a parallel state, its sub-states'. */
  states: string[];
  lines: DiagramLine[];
  final: boolean;
  start?: boolean;
}

export interface DiagramEdge {
  id: string;
  source: string;
  target: string;
  event: string;
  lines: DiagramLine[];
}

export interface DiagramGraph {
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

const join = (lang: DiagramLang, items: string[]) => items.join(lang === 'ar' ? '، ' : ', ');

function rolesText(roles: readonly Role[] | undefined, lang: DiagramLang): string {
  return join(
    lang,
    (roles ?? []).map((role) => ROLE_LABELS[role][lang]),
  );
}

/** The full graph: every state and transition of the machine, for IT staff and administrators. */
export function workflowGraph(definition: ServiceDefinition, lang: DiagramLang): DiagramGraph {
  const machine = definition.workflow.machine;
  const top = Object.values(machine.root.states) as AnyStateNode[];
  const topOf = (node: AnyStateNode): AnyStateNode => {
    let current = node;
    while (current.parent && current.parent !== machine.root) current = current.parent;
    return current;
  };
  const nodes = new Map<string, DiagramNode>();
  for (const node of top) {
    const meta = stateMetaOf(node);
    const final = node.type === 'final';
    nodes.set(node.key, {
      id: node.key,
      states: [pathOf(node)],
      final,
      lines: [
        { text: meta?.label[lang] ?? node.key, kind: 'title' },
        {
          text: node.key,
          kind: 'code',
          state: pathOf(node),
          ...(final ? { note: `(${WORDS.final[lang]})` } : {}),
        },
      ],
    });
  }
  // Sub-states of a parallel state: one line per region, naming its states in order.
  for (const node of top) {
    const box = nodes.get(node.key)!;
    for (const region of Object.values(node.states) as AnyStateNode[]) {
      const children = Object.values(region.states) as AnyStateNode[];
      box.states.push(pathOf(region), ...children.map(pathOf));
      box.lines.push({
        text: stateMetaOf(region)?.label[lang] ?? region.key,
        kind: 'text',
        state: pathOf(region),
      });
      box.lines.push({
        text: children.map((child) => child.key).join(' → '),
        kind: 'code',
        state: children.map(pathOf).join(' '),
      });
    }
  }

  const edges: DiagramEdge[] = [];
  const start: DiagramNode = {
    id: '__start',
    states: [],
    final: false,
    start: true,
    lines: [{ text: WORDS.start[lang], kind: 'text' }],
  };
  const initial = machine.root.initial?.target?.[0] as AnyStateNode | undefined;
  const firstKey = initial ? topOf(initial).key : top[0]?.key;
  if (firstKey) edges.push({ id: 'e-start', source: start.id, target: firstKey, event: '', lines: [] });

  for (const node of allStateNodes(machine)) {
    const from = topOf(node).key;
    for (const transition of ownTransitions(node)) {
      const meta = transitionMetaOf(transition);
      const event = describeEvent(eventTypeOf(transition));
      const label = meta?.label[lang] ?? event;
      const code = { text: event, kind: 'code' as const, note: `· ${rolesText(meta?.roles, lang)}`, event };
      const targets = (transition.target ?? []).map((t) => topOf(t).key);
      const outside = targets.filter((key) => key !== from);
      if (outside.length === 0) {
        const box = nodes.get(from)!;
        box.lines.push({ text: `↻ ${label}`, kind: 'text', event });
        box.lines.push(code);
        continue;
      }
      for (const target of new Set(outside)) {
        edges.push({
          id: `e${edges.length}`,
          source: from,
          target,
          event,
          lines: [{ text: label, kind: 'text', event }, code],
        });
      }
    }
  }
  return { nodes: [start, ...nodes.values()], edges };
}

/** The applicant's graph: the guide's steps in order, from submitting to the decision. */
export function applicantGraph(definition: ServiceDefinition, lang: DiagramLang): DiagramGraph {
  const steps = describeSteps(definition);
  const nodes: DiagramNode[] = [
    {
      id: '__start',
      states: [],
      final: false,
      start: true,
      lines: [{ text: WORDS.start[lang], kind: 'text' }],
    },
  ];
  const edges: DiagramEdge[] = [];
  steps.forEach((step, index) => {
    const id = `s${index + 1}`;
    nodes.push({
      id,
      states: [],
      final: index === steps.length - 1,
      lines: [
        { text: `${(index + 1).toLocaleString(lang === 'ar' ? 'ar-BH-u-nu-latn' : 'en')}`, kind: 'title' },
        { text: step.label[lang], kind: 'text', state: step.key },
      ],
    });
    edges.push({ id: `e${index}`, source: nodes[index]!.id, target: id, event: '', lines: [] });
  });
  return { nodes, edges };
}

/**
 * Diagrams of a workflow as SVG, laid out by elkjs (pure JavaScript, no I/O): the full diagram
 * for IT staff and administrators (every state, every transition labelled with its event and the
 * roles allowed, final states with a double border) and the applicant's diagram for the public
 * guide (only the steps an applicant goes through).
 *
 * The markup has no `style` attribute and no script (the portal's CSP forbids both; presentation
 * attributes such as `fill` are allowed), every text is escaped, and for Arabic the drawing is
 * mirrored so it reads from the right. Result: markup for `<%- %>` or a standalone .svg file.
 *
 * Drawn nodes are the top-level states; a parallel state (clearances) is one box listing its
 * regions and their states. A transition that stays in its box (no target, or between a parallel
 * state's own sub-states) is written inside the box with ↻ rather than drawn as an arrow.
 */
import elkBundled from 'elkjs/lib/elk.bundled.js';
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
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

const WORDS = {
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

// ---------------------------------------------------------------------------------------------
// Layout and drawing

const SIZE = { title: 13, text: 12, code: 10.5 } as const;
const LINE_GAP = 5;
const MONO = "ui-monospace, 'DejaVu Sans Mono', monospace";
const PAD_X = 12;
const PAD_Y = 8;
const ARABIC = /[\u0600-\u06FF]/;
const COLOURS = {
  text: '#212529',
  muted: '#495057',
  stroke: '#495057',
  edge: '#6c757d',
  box: '#ffffff',
  final: '#e9ecef',
  label: '#ffffff',
  start: '#212529',
} as const;

/** Width of a line without measuring it: a little generous, so text never spills out of a box. */
function lineWidth(line: DiagramLine): number {
  const size = SIZE[line.kind];
  const factor = line.kind === 'code' ? 0.62 : ARABIC.test(line.text) ? 0.56 : 0.58;
  const note = line.note ? (line.note.length + 1) * size * (ARABIC.test(line.note) ? 0.56 : 0.58) : 0;
  return line.text.length * size * factor * (line.kind === 'title' ? 1.08 : 1) + note;
}

function blockSize(lines: DiagramLine[]): { width: number; height: number } {
  const width = Math.max(0, ...lines.map(lineWidth));
  const height = lines.reduce((sum, line) => sum + SIZE[line.kind] + LINE_GAP, 0) - LINE_GAP;
  return { width, height: Math.max(height, 0) };
}

const escapeXml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const r1 = (n: number) => Math.round(n * 10) / 10;

export interface DiagramOptions {
  lang: DiagramLang;
  /** 'full' (default): every state and transition. 'applicant': the guide's steps only. */
  view?: 'full' | 'applicant';
  /** Prefix of the ids inside the SVG (unique on the page); defaults to the service's slug. */
  id?: string;
  /** The accessible name (its <title>); defaults to the service name and the kind of diagram. */
  title?: string;
  /** Add the XML namespace and declaration, for a standalone .svg file. */
  standalone?: boolean;
}

/** elkjs is CommonJS: its default export is the constructor (typed for NodeNext here). */
const ElkConstructor = elkBundled as unknown as new (args?: ELKConstructorArguments) => ELK;
let elkInstance: ELK | undefined;

/**
 * Drawn diagrams by what they show: the layout takes elkjs tens of milliseconds, and a guide page
 * shows the same diagram to everyone until the service or its settings change (a different graph,
 * so a different key). Bounded: the oldest entry goes first.
 */
const drawn = new Map<string, Promise<string>>();
const DRAWN_LIMIT = 500;

/** Lays out and draws the diagram (memoised by its graph, id, title and form). */
export function renderDiagram(definition: ServiceDefinition, options: DiagramOptions): Promise<string> {
  const { lang } = options;
  const view = options.view ?? 'full';
  const graph = view === 'applicant' ? applicantGraph(definition, lang) : workflowGraph(definition, lang);
  const id = (options.id ?? `${definition.slug}-${view}`).replace(/[^a-zA-Z0-9_-]/g, '-');
  const title = options.title ?? `${WORDS[view][lang]}: ${definition.name[lang]}`;
  const key = JSON.stringify([graph, id, title, lang, options.standalone === true]);
  const known = drawn.get(key);
  if (known) return known;
  const svg = layOut(graph, id, title, options);
  drawn.set(key, svg);
  svg.catch(() => drawn.delete(key));
  if (drawn.size > DRAWN_LIMIT) drawn.delete(drawn.keys().next().value!);
  return svg;
}

async function layOut(
  graph: DiagramGraph,
  id: string,
  title: string,
  options: DiagramOptions,
): Promise<string> {
  const { lang } = options;
  const view = options.view ?? 'full';

  const elkGraph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeEdge': '12',
      'elk.spacing.edgeNode': '16',
      'elk.layered.spacing.nodeNodeBetweenLayers': '36',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.layered.spacing.edgeEdgeBetweenLayers': '10',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children: graph.nodes.map((node) => {
      if (node.start) return { id: node.id, width: 16, height: 16 };
      const size = blockSize(node.lines);
      return {
        id: node.id,
        width: Math.max(120, size.width + 2 * PAD_X),
        height: size.height + 2 * PAD_Y + 4,
      };
    }),
    edges: graph.edges.map((edge): ElkExtendedEdge => ({
      id: edge.id,
      sources: [edge.source],
      targets: [edge.target],
      labels:
        edge.lines.length > 0
          ? [{ id: `${edge.id}-l`, text: edge.event, ...padded(blockSize(edge.lines)) }]
          : [],
    })),
  };
  elkInstance ??= new ElkConstructor();
  const laid = await elkInstance.layout(elkGraph);
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);
  const rtl = lang === 'ar';
  /** Mirrors a box's x for Arabic, so the drawing reads from the right. */
  const bx = (x: number, w: number) => (rtl ? width - x - w : x);
  const px = (x: number) => (rtl ? width - x : x);

  const out: string[] = [];
  out.push(
    `<svg${options.standalone ? ' xmlns="http://www.w3.org/2000/svg"' : ''} class="workflow-diagram" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-title" font-family="'Noto Sans Arabic', system-ui, sans-serif" data-view="${view}">`,
    `<title id="${id}-title">${escapeXml(title)}</title>`,
    `<defs><marker id="${id}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${COLOURS.edge}"/></marker></defs>`,
  );

  const byId = new Map(graph.edges.map((edge) => [edge.id, edge]));
  for (const edge of laid.edges ?? []) {
    const source = byId.get(edge.id);
    for (const section of edge.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
      const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${r1(px(p.x))},${r1(p.y)}`).join(' ');
      out.push(
        `<path class="edge" d="${d}" fill="none" stroke="${COLOURS.edge}" stroke-width="1.3" marker-end="url(#${id}-arrow)"${source?.event ? ` data-event="${escapeXml(source.event)}"` : ''}/>`,
      );
    }
  }
  for (const edge of laid.edges ?? []) {
    const source = byId.get(edge.id);
    const label: ElkLabel | undefined = edge.labels?.[0];
    if (!source || !label || source.lines.length === 0) continue;
    const w = label.width ?? 0;
    const x = bx(label.x ?? 0, w);
    out.push(
      `<g class="edge-label" data-event="${escapeXml(source.event)}"><rect x="${r1(x)}" y="${r1(label.y ?? 0)}" width="${r1(w)}" height="${r1(label.height ?? 0)}" rx="3" fill="${COLOURS.label}" fill-opacity="0.92"/>`,
      textBlock(source.lines, x + w / 2, (label.y ?? 0) + 3, rtl),
      '</g>',
    );
  }

  const nodesById = new Map(graph.nodes.map((node) => [node.id, node]));
  for (const child of laid.children ?? []) {
    const node = nodesById.get(child.id);
    if (!node) continue;
    const w = child.width ?? 0;
    const h = child.height ?? 0;
    const x = bx(child.x ?? 0, w);
    const y = child.y ?? 0;
    if (node.start) {
      out.push(
        `<circle class="start" cx="${r1(x + w / 2)}" cy="${r1(y + h / 2)}" r="7" fill="${COLOURS.start}"><title>${escapeXml(node.lines[0]?.text ?? '')}</title></circle>`,
      );
      continue;
    }
    const states = node.states.length ? ` data-state="${escapeXml(node.states.join(' '))}"` : '';
    out.push(
      `<g class="state${node.final ? ' final' : ''}"${states}>`,
      `<rect x="${r1(x)}" y="${r1(y)}" width="${r1(w)}" height="${r1(h)}" rx="6" fill="${node.final ? COLOURS.final : COLOURS.box}" stroke="${COLOURS.stroke}" stroke-width="1.3"/>`,
      node.final
        ? `<rect x="${r1(x + 3)}" y="${r1(y + 3)}" width="${r1(w - 6)}" height="${r1(h - 6)}" rx="4" fill="none" stroke="${COLOURS.stroke}" stroke-width="1"/>`
        : '',
      textBlock(node.lines, x + w / 2, y + PAD_Y + 2, rtl),
      '</g>',
    );
  }
  out.push('</svg>');
  return out.join('');
}

function padded(size: { width: number; height: number }) {
  return { width: size.width + 10, height: size.height + 6 };
}

/** Lines centred on `cx` from `top`; Arabic text runs right to left, identifiers left to right. */
function textBlock(lines: DiagramLine[], cx: number, top: number, rtl: boolean): string {
  let y = top;
  const parts: string[] = [];
  for (const line of lines) {
    const size = SIZE[line.kind];
    y += size;
    const direction = line.kind === 'code' && !line.note ? 'ltr' : rtl ? 'rtl' : 'ltr';
    const attrs = [
      `x="${r1(cx)}"`,
      `y="${r1(y - 2)}"`,
      'text-anchor="middle"',
      `direction="${direction}"`,
      `font-size="${size}"`,
      `fill="${line.kind === 'code' ? COLOURS.muted : COLOURS.text}"`,
      line.kind === 'title' ? 'font-weight="700"' : '',
      line.event ? `data-event="${escapeXml(line.event)}"` : '',
      line.state ? `data-state="${escapeXml(line.state)}"` : '',
    ].filter(Boolean);
    const content =
      line.kind === 'code'
        ? `<tspan direction="ltr" unicode-bidi="embed" font-family="${MONO}">${escapeXml(line.text)}</tspan>${line.note ? ` ${escapeXml(line.note)}` : ''}`
        : escapeXml(line.text);
    parts.push(`<text ${attrs.join(' ')}>${content}</text>`);
    y += LINE_GAP;
  }
  return parts.join('');
}

/**
 * Diagrams of a workflow as SVG, laid out by elkjs (pure JavaScript, no I/O): the full diagram
 * for IT staff and administrators (every state, every transition labelled with its event and the
 * roles allowed, final states with a double border) and the applicant's diagram for the public
 * guide (only the steps an applicant goes through); the graphs themselves come from diagram-graph.ts.
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
import {
  applicantGraph,
  WORDS,
  workflowGraph,
  type DiagramGraph,
  type DiagramLang,
  type DiagramLine,
} from './diagram-graph.js';
import type { ServiceDefinition } from './types.js';

export type { DiagramLang } from './diagram-graph.js';

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

import { initialSnapshot, planEvent } from '../../../workflows/engine.js';
import { type Calendar } from '../../../workflows/calendar.js';
import type { PersistedSnapshot, Role, ServiceDefinition, SlaState } from '../../../workflows/types.js';
import { HOUR_MS } from './shape.js';
import { payloadOf } from '../../services/apply-event.js';

/** Workflow paths driven once through the real engine and reused as templates with slots. (Part of server/cli/generate-applications.ts.) */

// ---------------------------------------------------------------------------------------------
// JSON templates with slots
// ---------------------------------------------------------------------------------------------

export const SLOT_MARK = '@@slot:';
export const slot = (name: string) => `${SLOT_MARK}${name}@@`;
export const SLOT_PATTERN = /"@@slot:([^@"]+)@@"/;

/** JSON with named holes, filled per row by string concatenation (no per-row stringify of the whole). */
export class JsonTemplate {
  private readonly parts: string[];
  private readonly names: string[];
  constructor(value: unknown) {
    const pieces = JSON.stringify(value).split(SLOT_PATTERN);
    this.parts = pieces.filter((_, i) => i % 2 === 0);
    this.names = pieces.filter((_, i) => i % 2 === 1);
  }
  fill(values: Record<string, unknown>): string {
    let out = this.parts[0]!;
    for (let i = 0; i < this.names.length; i++) {
      const v = values[this.names[i]!];
      if (v === undefined) throw new Error(`template slot "${this.names[i]}" has no value`);
      out += JSON.stringify(v) + this.parts[i + 1]!;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Workflow paths driven through the real engine
// ---------------------------------------------------------------------------------------------

/** Stand-in user ids while driving the engine; replaced by slots in the stored snapshot. */
export const SENTINEL = {
  applicant: 900_000_001,
  reviewer: 900_000_002,
  supervisor: 900_000_003,
  counter: 900_000_004,
};

export const ACTOR_OF: Record<string, { role: Role; who: keyof typeof SENTINEL | null }> = {
  SUBMIT: { role: 'applicant', who: 'applicant' },
  RESUBMIT: { role: 'applicant', who: 'applicant' },
  WITHDRAW: { role: 'applicant', who: 'applicant' },
  RAISE_QUERY: { role: 'applicant', who: 'applicant' },
  START_REVIEW: { role: 'reviewer', who: 'reviewer' },
  REQUEST_INFO: { role: 'reviewer', who: 'reviewer' },
  SCHEDULE_INSPECTION: { role: 'reviewer', who: 'reviewer' },
  INSPECTION_PASSED: { role: 'reviewer', who: 'reviewer' },
  REQUEST_CLEARANCES: { role: 'reviewer', who: 'reviewer' },
  APPROVE_CLEARANCE: { role: 'reviewer', who: 'reviewer' },
  ACCEPT: { role: 'reviewer', who: 'reviewer' },
  REJECT: { role: 'reviewer', who: 'reviewer' },
  FEE_PAID: { role: 'counter', who: 'counter' },
  PAYOUT_DONE: { role: 'supervisor', who: 'supervisor' },
  UPHOLD: { role: 'supervisor', who: 'supervisor' },
  SLA_ESCALATE: { role: 'system', who: null },
  QUERY_WINDOW_CLOSE: { role: 'system', who: null },
};

/** What people write with an event, in the applicant's language: staff write to them in it, and they write in it. */
export const COMMENTS: Record<string, { ar: string; en: string }> = {
  REQUEST_INFO: { ar: 'يرجى رفع نسخة أوضح من المستند.', en: 'Please upload a clearer copy of the document.' },
  REJECT: { ar: 'العنوان خارج نطاق البلدية.', en: 'The address is outside the municipality.' },
  RAISE_QUERY: {
    ar: 'أسكن في هذا العنوان، أرجو إعادة النظر.',
    en: 'I live at this address; please look again.',
  },
  UPHOLD: {
    ar: 'لا تُثبت المستندات السكن في هذا العنوان.',
    en: 'The documents do not show residence at this address.',
  },
};

export interface PathEvent {
  type: string;
  department?: string;
}

export interface Step {
  type: string;
  fromState: string;
  toState: string;
  fromStatus: string;
  toStatus: string;
  /** The audit row's message and other inputs (JSON), as apply-event.ts writes them. */
  comment: string | null;
  payload: string | null;
  sla: SlaState;
  final: boolean;
  /** The snapshot holds an SLA due time after this step. */
  slaDue: boolean;
}

/** One workflow path's outcome: its steps, and the final snapshot with slots. */
export interface PathTemplate {
  state: string;
  status: string;
  final: boolean;
  sla: SlaState;
  escalated: boolean;
  steps: Step[];
  deadlines: string[];
  snapshot: JsonTemplate;
}

export const DECIDED = new Set(['accepted', 'rejected']);
export const WAITING = 'waiting_on_applicant';
/** A working day in the template run, so every guard sees plausible times. */
export const TEMPLATE_START = Date.parse('2026-01-04T06:00:00Z');

/**
 * A driven snapshot with holes where each application has its own values: the stand-in user ids,
 * the deadlines' due times, the SLA time left while paused, the inspection date.
 */
export function slotify(value: unknown, path: string[]): unknown {
  const parent = path.at(-2);
  const key = path.at(-1);
  if (parent === 'deadlines' && path.at(-3) === 'clock') return slot(`due:${key}`);
  if (key === 'slaRemainingMs' && value !== null) return slot('remaining');
  if (parent === 'inspection' && key === 'date') return slot('inspectionDate');
  if (typeof value === 'number') {
    const who = (Object.keys(SENTINEL) as (keyof typeof SENTINEL)[]).find((k) => SENTINEL[k] === value);
    return who ? slot(who) : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => slotify(v, [...path, String(i)]));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, slotify(v, [...path, k])]));
  return value;
}

export interface Driven {
  persisted: PersistedSnapshot;
  steps: Step[];
  state: string;
  status: string;
  final: boolean;
  sla: SlaState;
}

/**
 * Every workflow path an application takes, driven through the engine once: each prefix is
 * cached, so a path costs one `planEvent` per step no other path has taken before. Throws if the
 * workflow refuses a step.
 */
export class WorkflowPaths {
  private readonly driven = new Map<string, Driven>();
  private readonly templates = new Map<string, PathTemplate>();
  constructor(private readonly calendar: Calendar) {}

  get size(): number {
    return this.templates.size;
  }

  /** The template for what happened; SLA_ESCALATE only sets a flag, so it is driven right after SUBMIT. */
  template(definition: ServiceDefinition, happened: PathEvent[], lang: 'ar' | 'en'): PathTemplate {
    const path = happened.filter((e) => e.type !== 'SLA_ESCALATE');
    const escalated = path.length < happened.length;
    const key = `${definition.slug}|${lang}|${escalated}|${path.map(label).join(',')}`;
    let template = this.templates.get(key);
    if (!template) {
      const driven = this.drive(
        definition,
        escalated ? [path[0]!, { type: 'SLA_ESCALATE' }, ...path.slice(1)] : path,
        lang,
      );
      const context = driven.persisted.context as {
        escalated?: boolean;
        clock?: { deadlines: Record<string, string> };
      };
      template = {
        state: driven.state,
        status: driven.status,
        final: driven.final,
        sla: driven.sla,
        escalated: context.escalated === true,
        steps: driven.steps.filter((s) => s.type !== 'SLA_ESCALATE'),
        deadlines: Object.keys(context.clock?.deadlines ?? {}),
        snapshot: new JsonTemplate(slotify(driven.persisted, [])),
      };
      this.templates.set(key, template);
    }
    return template;
  }

  private drive(definition: ServiceDefinition, path: PathEvent[], lang: 'ar' | 'en'): Driven {
    const keyOf = (n: number) => `${definition.slug}|${lang}|${path.slice(0, n).map(label).join(',')}`;
    let n = path.length;
    while (n > 0 && !this.driven.has(keyOf(n))) n--;
    let current: Driven = this.driven.get(keyOf(n)) ?? {
      persisted: initialSnapshot(definition, { applicantId: SENTINEL.applicant }),
      steps: [],
      state: 'draft',
      status: 'draft',
      final: false,
      sla: 'stopped',
    };
    for (; n < path.length; n++) {
      const e = path[n]!;
      const actor = ACTOR_OF[e.type];
      if (!actor) throw new Error(`no actor known for ${e.type}`);
      const event: Record<string, unknown> & { type: string } = { type: e.type };
      if (COMMENTS[e.type]) event.comment = COMMENTS[e.type]![lang];
      if (e.department) event.department = e.department;
      if (e.type === 'SCHEDULE_INSPECTION')
        Object.assign(event, { date: '2026-01-06', inspector: 'Site team' });
      const plan = planEvent({
        definition,
        persisted: current.persisted,
        event,
        actor: { role: actor.role, userId: actor.who ? SENTINEL[actor.who] : null },
        now: new Date(TEMPLATE_START + n * HOUR_MS),
        calendar: this.calendar,
      });
      if (!plan.ok)
        throw new Error(
          `${definition.slug}: ${path.map(label).join(' → ')} refused at ${e.type}: ${plan.message}`,
        );
      const clock = (plan.persisted.context as { clock?: { deadlines: Record<string, string> } }).clock;
      current = {
        persisted: plan.persisted,
        steps: [
          ...current.steps,
          {
            type: e.type,
            fromState: plan.from,
            toState: plan.to,
            fromStatus: plan.fromStatus,
            toStatus: plan.toStatus,
            comment: plan.comment ?? null,
            payload: jsonOrNull(payloadOf(event)),
            sla: plan.sla,
            final: plan.final,
            slaDue: Boolean(clock?.deadlines.sla),
          },
        ],
        state: plan.to,
        status: plan.toStatus,
        final: plan.final,
        sla: plan.sla,
      };
      this.driven.set(keyOf(n + 1), current);
    }
    return current;
  }
}

export const label = (e: PathEvent) => (e.department ? `${e.type}:${e.department}` : e.type);

const jsonOrNull = (value: Record<string, unknown> | null) => (value ? JSON.stringify(value) : null);

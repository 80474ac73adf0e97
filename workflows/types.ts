/**
 * The vocabulary shared by service definitions, the standard workflow factory, the engine and the
 * checker. Everything here is data: no I/O, no clock.
 */
import type { AnyStateMachine } from 'xstate';
import type { ServiceData, ServiceDataInput } from './schema/service.js';

export type { FieldDef, FieldType, FieldOption, ShowWhen, DateBound } from './schema/fields.js';
export type { DocumentRequirement, Guide, ServiceData, ServiceDataInput } from './schema/service.js';

/** A text shown to people, always in both languages of the portal. */
export interface Localized {
  ar: string;
  en: string;
}

export const ROLES = ['applicant', 'reviewer', 'supervisor', 'counter', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** What the public, the reports and the dashboards see; many machine states share one status. */
export const PUBLIC_STATUSES = [
  'draft',
  'submitted',
  'in_review',
  'waiting_on_applicant',
  'accepted',
  'rejected',
  'queried',
  'withdrawn',
] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

/** Whether the service-level clock runs in a state. It pauses while the applicant has the ball. */
export const SLA_STATES = ['running', 'paused', 'stopped'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/**
 * A deadline a state arms when it is entered. The server stores it as a row and a poller sends
 * `event` (as the 'system' role) when it falls due. `days` are working days: 'sla' and
 * 'queryWindow' resolve to the service guide's `slaDays` and `queryWindowDays`.
 */
export interface TimerSpec {
  key: string;
  event: string;
  days: 'sla' | 'queryWindow' | number;
}

export interface StateMeta {
  status: PublicStatus;
  label: Localized;
  sla: SlaState;
  timers?: TimerSpec[];
  /** Applicant-facing description of this stage, listed in the service guide in state order. */
  guide?: Localized;
}

/** A value a member of staff types when taking a transition (e.g. the inspection date). */
export interface EventInput {
  key: string;
  /** 'fields': keys of the service's form fields, chosen by staff (the answers opened for the applicant). */
  type: 'text' | 'date' | 'number' | 'fields';
  label: Localized;
  required: boolean;
}

export interface TransitionMeta {
  roles: Role[];
  label: Localized;
  requiresComment?: boolean;
  /** Context keys holding user ids of people who must not take this transition (four eyes). */
  notBy?: ('rejectedBy' | 'applicantId')[];
  /** Values the event must carry to select this transition, e.g. `{ department: 'traffic' }`. */
  params?: Record<string, string>;
  inputs?: EventInput[];
}

/** Who sends an event. `userId` is null for the system (pollers) and anonymous drafts. */
export interface EventActor {
  role: Role;
  userId: number | null;
}

/**
 * Events the machines receive. The engine builds them: it keeps only the declared payload keys
 * and stamps `actor` and `at` itself, so a client can never forge them.
 */
export interface WorkflowEvent {
  type: string;
  comment?: string;
  actor?: EventActor;
  /** ISO instant the event was planned at, when the caller passed a clock reading. */
  at?: string;
  [key: string]: unknown;
}

export interface ClearanceRecord {
  status: 'pending' | 'approved' | 'declined';
  comment: string | null;
  by: number | null;
}

export interface InspectionRecord {
  date: string;
  inspector: string;
  result: 'scheduled' | 'passed' | 'failed';
  comment: string | null;
}

/**
 * Bookkeeping owned by the engine (never by a machine): due instants of the armed deadlines and
 * the SLA time left when the clock was paused.
 */
export interface WorkflowClock {
  deadlines: Record<string, string>;
  slaRemainingMs: number | null;
}

export interface WorkflowContext {
  applicantId: number | null;
  reviewerId: number | null;
  rejectedBy: number | null;
  escalated: boolean;
  inspection: InspectionRecord | null;
  clearances: Record<string, ClearanceRecord>;
  payment: { receipt: string | null } | null;
  payout: { reference: string | null } | null;
  /**
   * The form fields a request for more information opened for the applicant (docs/decisions/0021);
   * null or absent: every answer and document may be changed.
   */
  openFields?: string[] | null;
  clock: WorkflowClock;
}

export interface WorkflowInput {
  applicantId?: number | null;
}

/** Side effects, named actions that `transition()` returns unexecuted; the server writes them to the outbox. */
export const EFFECT_TYPES = [
  'notify',
  'webhook',
  'escalate',
  'issueCertificate',
  'assignAccountNumber',
  'requestPayout',
] as const;
export type EffectType = (typeof EFFECT_TYPES)[number];

export interface Effect {
  type: EffectType;
  params: Record<string, unknown>;
}

/** A built workflow: the machine plus a description of how it was made (for the checker and docs). */
export interface Workflow {
  kind: string;
  options: Readonly<Record<string, unknown>>;
  machine: AnyStateMachine;
}

export interface WorkflowBuildContext {
  slug: string;
  version: number;
}

export type WorkflowFactory = (service: WorkflowBuildContext) => Workflow;

/** What a service file passes to `defineService`. */
export type ServiceDefinitionInput = ServiceDataInput & {
  workflow: WorkflowFactory;
};

/** A validated, frozen service definition. */
export type ServiceDefinition = Readonly<ServiceData> & {
  readonly workflow: Workflow;
};

/** The JSON the server stores per application: `machine.getPersistedSnapshot(snapshot)`. */
export interface PersistedSnapshot {
  status: string;
  value: string | Record<string, unknown>;
  context: Record<string, unknown>;
  [key: string]: unknown;
}

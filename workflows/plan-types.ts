/**
 * What the workflow engine (engine.ts) answers: a plan for one event, accepted or refused, and the
 * actions a person may take now. Types only, and the HTTP status suggested for each refusal.
 */
import type { Calendar } from './calendar.js';
import type { SlaChange, TimerPlan } from './deadlines.js';
import type {
  Effect,
  EventActor,
  EventInput,
  Localized,
  PersistedSnapshot,
  PublicStatus,
  ServiceDefinition,
  SlaState,
  WorkflowEvent,
  WorkflowInput,
} from './types.js';

export type RefusalCode =
  'unknown_event' | 'forbidden' | 'not_possible' | 'comment_required' | 'same_person' | 'invalid_payload';

/** Suggested HTTP status per refusal, for the server's use case. */
export const REFUSAL_HTTP_STATUS: Record<RefusalCode, number> = {
  unknown_event: 400,
  forbidden: 403,
  not_possible: 409,
  comment_required: 400,
  same_person: 403,
  invalid_payload: 400,
};

export interface PlanRefused {
  ok: false;
  code: RefusalCode;
  /** For logs and developers; the UI translates `code`. */
  message: string;
}

export interface PlanAccepted {
  ok: true;
  /** The event as the machine received it (clean payload, stamped actor and time): audit it. */
  event: WorkflowEvent;
  label: Localized;
  comment: string | null;
  from: string;
  to: string;
  fromStatus: PublicStatus;
  toStatus: PublicStatus;
  /** The next snapshot to store, plain JSON. */
  persisted: PersistedSnapshot;
  effects: Effect[];
  timers: TimerPlan;
  sla: SlaState;
  slaChange: SlaChange;
  final: boolean;
}

export type Plan = PlanRefused | PlanAccepted;

export interface PlanRequest {
  /** The definition of the application's own workflow version. */
  definition: ServiceDefinition;
  /** The stored snapshot, or null for an application that does not exist yet. */
  persisted: PersistedSnapshot | null;
  event: { type: string; [key: string]: unknown };
  actor: EventActor;
  /** Machine input when `persisted` is null (e.g. the applicant's user id). */
  input?: WorkflowInput;
  /** The server's clock reading. Without it no due times are computed and time guards pass. */
  now?: Date;
  /** Working-day calendar for due times; defaults to Bahrain's weekend with no holidays. */
  calendar?: Calendar;
}

export interface AvailableEvent {
  type: string;
  label: Localized;
  requiresComment: boolean;
  /** Values to send with the event, e.g. `{ department: 'traffic' }`. */
  params: Record<string, string>;
  /** Values the person types, e.g. the inspection date. */
  inputs: EventInput[];
  /**
   * Whether taking it tells the applicant a decision (the application becomes accepted or
   * rejected): the back office asks to confirm such an action before it is taken.
   */
  decides: boolean;
  /** Whether taking it issues the service's certificate. */
  issuesCertificate: boolean;
}

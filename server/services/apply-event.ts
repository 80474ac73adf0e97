import type { Knex } from 'knex';
import { planEvent, REFUSAL_HTTP_STATUS, type RefusalCode } from '../../workflows/engine.js';
import { workingMsBetween, type Calendar } from '../../workflows/calendar.js';
import { shiftCounters } from './stats-counters.js';
import type { Registry } from '../../workflows/registry.js';
import type { Effect, Role, WorkflowClock } from '../../workflows/types.js';
import {
  applicationsRepository,
  persistedSnapshotOf,
  QUEUE_NO_DUE,
  type ApplicationRow,
} from '../../db/repositories/applications.js';
import { outboxRepository, type OutboxRepository } from '../../db/repositories/outbox.js';
import type { Clock } from '../clock.js';
import { clientOf } from '../../db/connection.js';

export interface ApplyEventRequest {
  applicationId: number;
  event: { type: string; [key: string]: unknown };
  actor: { role: Role; userId: number | null };
  /** The row version the person saw; a different one means someone acted first (409). */
  expectedVersion?: number;
  /**
   * The row as the caller just read it in this request, saving a read; the update still happens
   * only if its version is unchanged, so a stale row gets 409, never an overwrite.
   */
  current?: ApplicationRow;
  /** Set by the deadline sweeper: the deadline row this event fires (fired once, in the same transaction). */
  deadlineId?: number;
  /** Extra columns written with the event, e.g. the reference number at submission. */
  extra?: Partial<
    Pick<ApplicationRow, 'reference' | 'form_data' | 'municipality' | 'assigned_to' | 'outcome'>
  >;
  /** More writes of the caller's, in the event's transaction (e.g. documents dropped at submission). */
  alsoInTransaction?: (trx: Knex.Transaction) => Promise<void>;
}

/** What one event changed, for extensions that write their rows in the event's own transaction. */
export interface ApplicationEventChange {
  before: ApplicationRow;
  after: ApplicationRow;
  effects: Effect[];
  fromStatus: string;
  toStatus: string;
  now: Date;
}

export type ApplicationEventHook = (trx: Knex.Transaction, change: ApplicationEventChange) => Promise<void>;

export type ApplyEventFailure = RefusalCode | 'not_found' | 'conflict';

export type ApplyEventResult =
  | { ok: true; application: ApplicationRow; from: string; to: string; toStatus: string }
  | { ok: false; status: number; code: ApplyEventFailure; message: string };

const DECIDED = new Set(['accepted', 'rejected']);

/** Statuses that put an application in the back-office queue (someone has to act, or watch it). */
export const QUEUE_STATUSES = new Set(['submitted', 'in_review', 'waiting_on_applicant', 'queried']);

class Conflict extends Error {}

/**
 * Effects with no outbox row of their own: 'escalate' is already on the row (the `escalated` flag
 * the supervisors' queue shows) and 'webhook' becomes one row per partner subscription, written by
 * the webhooks hook (server/services/webhooks.ts).
 */
const NOT_DELIVERED = new Set(['escalate', 'webhook']);

/** Outbox rows written for the workflow's effects; recipients are resolved at delivery. */
function outboxEntries(application: ApplicationRow, effects: Effect[]) {
  return effects
    .filter((effect) => !NOT_DELIVERED.has(effect.type))
    .map((effect) => ({
      applicationId: application.id,
      kind: effect.type,
      payload: { ...effect.params, applicationId: application.id },
    }));
}

/**
 * One workflow event, one transaction (docs/decisions/0002): restore the snapshot on the
 * application's own workflow version, let the pure planner check role, state and payload, then
 * store the row (only if its version is unchanged), the audit entry, the outbox rows and the
 * deadlines together, or nothing at all.
 */
export function applyEventService(deps: {
  db: Knex;
  registry: Registry;
  clock: Clock;
  calendar: Calendar;
  outbox?: OutboxRepository;
  /** Run inside the transaction after the outbox rows (partner webhooks, registry checks). */
  inTransaction?: ApplicationEventHook[];
}) {
  const { db, registry, clock, calendar } = deps;
  const applications = applicationsRepository(db);
  const outbox = deps.outbox ?? outboxRepository(db);

  return async function applyEvent(request: ApplyEventRequest): Promise<ApplyEventResult> {
    const row =
      request.current?.id === request.applicationId
        ? request.current
        : await applications.findById(request.applicationId);
    if (!row) return { ok: false, status: 404, code: 'not_found', message: 'no such application' };
    if (request.expectedVersion !== undefined && request.expectedVersion !== row.version) {
      return {
        ok: false,
        status: 409,
        code: 'conflict',
        message: 'the application changed since it was read',
      };
    }
    const definition = registry.get(row.service_slug, row.service_version);
    if (!definition) throw new Error(`workflow ${row.service_slug}@${row.service_version} is not registered`);
    const now = clock.now();
    const plan = planEvent({
      definition,
      persisted: persistedSnapshotOf(row),
      event: request.event,
      actor: request.actor,
      now,
      calendar,
    });
    if (!plan.ok)
      return { ok: false, status: REFUSAL_HTTP_STATUS[plan.code], code: plan.code, message: plan.message };

    const context = plan.persisted.context as { clock?: WorkflowClock; escalated?: boolean };
    const slaDue = context.clock?.deadlines.sla;
    const changes: Partial<ApplicationRow> = {
      ...request.extra,
      state: plan.to,
      status: plan.toStatus,
      snapshot: JSON.stringify(plan.persisted),
      escalated: context.escalated === true,
      updated_at: now,
      // The due time stays on a decided application, so reports can tell whether it was met.
      ...(slaDue ? { sla_due_at: new Date(slaDue) } : plan.sla === 'paused' ? { sla_due_at: null } : {}),
      ...(plan.fromStatus === 'draft' && plan.toStatus !== 'draft' ? { submitted_at: now } : {}),
      ...(DECIDED.has(plan.toStatus) && plan.toStatus !== plan.fromStatus ? { decided_at: now } : {}),
      ...waitingChanges(row, plan.fromStatus, plan.toStatus, now, calendar),
      in_queue: QUEUE_STATUSES.has(plan.toStatus) && !plan.final,
      queue_due_at: slaDue && plan.sla === 'running' ? new Date(slaDue).getTime() : QUEUE_NO_DUE,
    };
    let application: ApplicationRow;
    try {
      application = await db.transaction(async (trx) => {
        if (
          request.deadlineId !== undefined &&
          !(await applications.takeDeadline(trx, request.deadlineId, now))
        ) {
          throw new Conflict('deadline already fired');
        }
        // The row as this event left it, read in the same statement (never a later event's row).
        const updated = await applications.updateIfVersion(trx, row.id, row.version, changes);
        if (!updated) throw new Conflict('someone else changed the application first');
        // The rest depends only on the row as updated, not on each other.
        await writeAll(trx, [
          () => shiftCounters(trx, row, updated, calendar),
          () =>
            applications.appendEvent(trx, {
              applicationId: row.id,
              actorId: request.actor.userId,
              actorRole: request.actor.role,
              event: plan.event.type,
              fromState: plan.from,
              toState: plan.to,
              fromStatus: plan.fromStatus,
              toStatus: plan.toStatus,
              comment: plan.comment,
              payload: payloadOf(plan.event),
              at: now,
            }),
          // The outbox rows keep the order the engine writes them in (the effects', then the hooks'),
          // so they are delivered in that order.
          async () => {
            await outbox.add(trx, outboxEntries(row, plan.effects), now);
            for (const hook of deps.inTransaction ?? []) {
              await hook(trx, {
                before: row,
                after: updated,
                effects: plan.effects,
                fromStatus: plan.fromStatus,
                toStatus: plan.toStatus,
                now,
              });
            }
          },
          async () => request.alsoInTransaction?.(trx),
          () =>
            applications.replaceDeadlines(
              trx,
              row.id,
              {
                cancelAll: plan.timers.cancelAll,
                cancel: plan.timers.cancel,
                arm: plan.timers.arm.map((t) => ({
                  key: t.key,
                  event: t.event,
                  dueAt: new Date(t.dueAt ?? now),
                })),
              },
              now,
            ),
        ]);
        return updated;
      });
    } catch (err) {
      if (err instanceof Conflict) return { ok: false, status: 409, code: 'conflict', message: err.message };
      throw err;
    }
    return { ok: true, application, from: plan.from, to: plan.to, toStatus: plan.toStatus };
  };
}

/**
 * Runs writes of one transaction that do not depend on each other. On SQLite they are sent together:
 * the driver queues them on the transaction's connection at once, so the transaction (which holds
 * SQLite's one writing connection) waits for one round trip instead of one per write (decision 0023).
 * It waits for all of them before failing with the first failure, so the transaction is rolled back
 * only once none of them is still queued. node-postgres runs one query at a time per connection and
 * deprecates queueing more, so there they go one after another.
 */
async function writeAll(trx: Knex.Transaction, writes: (() => Promise<unknown>)[]): Promise<void> {
  if (clientOf(trx) === 'pg') {
    for (const write of writes) await write();
    return;
  }
  // `async`: a write that throws before returning its promise is a failure like the others, not an
  // exception that would leave the ones already sent queued behind the rollback.
  const results = await Promise.allSettled(writes.map(async (write) => write()));
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

const WAITING = 'waiting_on_applicant';

/** Starts the waiting clock when the application goes to its applicant, adds it up when it comes back. */
function waitingChanges(
  row: ApplicationRow,
  fromStatus: string,
  toStatus: string,
  now: Date,
  calendar: Calendar,
): Partial<ApplicationRow> {
  if (toStatus === WAITING && fromStatus !== WAITING) return { waiting_since: now };
  if (fromStatus === WAITING && toStatus !== WAITING && row.waiting_since) {
    const waited = workingMsBetween(new Date(row.waiting_since), now, calendar);
    return { waiting_since: null, waited_ms: Number(row.waited_ms ?? 0) + waited };
  }
  return {};
}

/**
 * What the event carried besides its type, actor, time and comment (e.g. the inspection date), as its
 * audit row keeps it (the demo and load generator writes the same).
 */
export function payloadOf(event: Record<string, unknown>): Record<string, unknown> | null {
  const { type: _t, actor: _a, at: _at, comment: _c, ...rest } = event;
  return Object.keys(rest).length > 0 ? rest : null;
}

export type ApplyEvent = ReturnType<typeof applyEventService>;

/**
 * The three ways of applying a workflow event that the benchmark compares, on one SQLite database:
 * the portal's engine (`applyEvent`), the bare knex floor, and bpmn-engine. Shared by
 * bench/engine.bench.ts (the figures) and bench/engine.profile.ts (where the engine's time goes).
 */
import path from 'node:path';
import { Engine } from 'bpmn-engine';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../../db/connection.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import { loadRegistry } from '../../server/boot.js';
import { systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { createServices, type Services } from '../../server/services/index.js';
import { REVIEW_BPMN, TASK_OF_EVENT, decisionListener } from './bpmn-review.js';
import { summarize, type Sample } from './stats.js';

export const EVENTS = ['SUBMIT', 'START_REVIEW', 'ACCEPT'] as const;
export type EventType = (typeof EVENTS)[number];
const SERVICE = 'residence-certificate';
const SLA_MS = 3 * 24 * 60 * 60 * 1000;

/** What a resident types into the residence-certificate form (stored on every variant's rows alike). */
const FORM_DATA = {
  applicantName: 'Huda Salman Al-Mahmood',
  cpr: '850101234',
  mobile: '+97336000000',
  email: 'huda@example.bh',
  address: 'House 1234, Road 4321, Block 343, Manama',
  residenceType: 'tenant',
  residentSince: '2019-09-01',
  purpose: 'school',
  addressedTo: 'Ministry of Education',
};

export interface Variant {
  name: string;
  /** Untimed: creates `count` fresh instances waiting for SUBMIT and returns their ids. */
  prepare(count: number): Promise<number[]>;
  /** Timed: one event on one instance, committed before it returns. */
  apply(id: number, event: EventType): Promise<void>;
  /** Untimed: throws unless every instance reached the accepted end. */
  verify(ids: number[]): Promise<void>;
  /** Untimed: average length of the workflow state these instances have stored now. */
  stateBytes(ids: number[]): Promise<number>;
}

export type VariantKey = 'engine' | 'floor' | 'bpmn';

export interface Fixture {
  db: Knex;
  services: Services;
  applicantId: number;
  reviewerId: number;
}

const actorFor = (fx: Fixture, event: EventType) =>
  event === 'SUBMIT'
    ? { role: 'applicant' as const, userId: fx.applicantId }
    : { role: 'reviewer' as const, userId: fx.reviewerId };

async function createDrafts(fx: Fixture, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const draft = await fx.services.applications.createDraft({
      serviceSlug: SERVICE,
      applicantId: fx.applicantId,
      municipality: 'capital',
      formData: FORM_DATA,
    });
    ids.push(draft.id);
  }
  return ids;
}

async function expectAccepted(db: Knex, ids: number[]): Promise<void> {
  const rows = await db('applications').whereIn('id', ids).where({ status: 'accepted' }).count({ n: '*' });
  const accepted = Number(rows[0]?.n);
  if (accepted !== ids.length)
    throw new Error(`only ${accepted} of ${ids.length} applications were accepted`);
}

// ---------------------------------------------------------------------------------------------
// The engine: the real use case, exactly as routes and the deadline sweeper call it.

function engineVariant(fx: Fixture): Variant {
  return {
    name: 'engine (applyEvent)',
    prepare: (count) => createDrafts(fx, count),
    async apply(id, event) {
      const result = await fx.services.applyEvent({
        applicationId: id,
        event: { type: event },
        actor: actorFor(fx, event),
      });
      if (!result.ok) throw new Error(`engine refused ${event} on ${id}: ${result.code} ${result.message}`);
    },
    verify: (ids) => expectAccepted(fx.db, ids),
    stateBytes: (ids) => avgLength(fx.db, 'applications', 'snapshot', ids),
  };
}

// ---------------------------------------------------------------------------------------------
// (a) The floor: no engine, the same tables, a snapshot string of the engine's own length.

/** What the engine stored after each event, captured once so the floor writes rows of the same size. */
interface EngineStep {
  state: string;
  status: string;
  snapshot: string;
  outboxKind: string;
  outboxPayload: Record<string, unknown>;
}

async function captureEngineSteps(fx: Fixture): Promise<Record<EventType, EngineStep>> {
  const [id] = await createDrafts(fx, 1);
  if (id === undefined) throw new Error('no draft');
  const steps: Partial<Record<EventType, EngineStep>> = {};
  for (const event of EVENTS) {
    await engineVariant(fx).apply(id, event);
    const row = await fx.db<ApplicationRow>('applications').where({ id }).first();
    if (!row) throw new Error('captured application vanished');
    const outbox = await fx
      .db<{ id: number; application_id: number; kind: string; payload: string }>('outbox')
      .where({ application_id: id })
      .orderBy('id', 'desc')
      .first();
    steps[event] = {
      state: row.state,
      status: row.status,
      snapshot: row.snapshot,
      outboxKind: outbox?.kind ?? 'notify',
      outboxPayload: outbox ? (JSON.parse(outbox.payload) as Record<string, unknown>) : {},
    };
  }
  return steps as Record<EventType, EngineStep>;
}

function floorVariant(fx: Fixture, steps: Record<EventType, EngineStep>): Variant {
  const { db } = fx;
  return {
    name: 'floor (knex only)',
    prepare: (count) => createDrafts(fx, count),
    async apply(id, event) {
      const step = steps[event];
      const actor = actorFor(fx, event);
      await db.transaction(async (trx) => {
        const row = await trx<ApplicationRow>('applications').where({ id }).first();
        if (!row) throw new Error(`no application ${id}`);
        const now = new Date();
        const updated = await trx('applications')
          .where({ id, version: row.version })
          .update({
            state: step.state,
            status: step.status,
            snapshot: step.snapshot,
            escalated: false,
            updated_at: now,
            sla_due_at: new Date(now.getTime() + SLA_MS),
            ...(event === 'SUBMIT' ? { submitted_at: now } : {}),
            ...(event === 'ACCEPT' ? { decided_at: now } : {}),
            version: row.version + 1,
          });
        if (updated !== 1) throw new Error(`version conflict on ${id}`);
        await trx('application_events').insert({
          application_id: id,
          actor_id: actor.userId,
          actor_role: actor.role,
          event,
          from_state: row.state,
          to_state: step.state,
          from_status: row.status,
          to_status: step.status,
          comment: null,
          payload: null,
          created_at: now,
        });
        await trx('outbox').insert({
          application_id: id,
          kind: step.outboxKind,
          payload: JSON.stringify({ ...step.outboxPayload, applicationId: id }),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now.getTime(),
          created_at: now,
        });
        await trx('deadlines').where({ application_id: id }).whereIn('key', ['sla']).delete();
        await trx('deadlines').insert({
          application_id: id,
          key: 'sla',
          event: 'SLA_ESCALATE',
          due_at: now.getTime() + SLA_MS,
          created_at: now,
        });
      });
    },
    verify: (ids) => expectAccepted(db, ids),
    stateBytes: (ids) => avgLength(db, 'applications', 'snapshot', ids),
  };
}

// ---------------------------------------------------------------------------------------------
// (b) bpmn-engine: its state in one JSON column of the same database, an audit row per event.

interface BpmnRow {
  id: number;
  name: string;
  state: string;
  version: number;
}

async function createBpmnTables(db: Knex): Promise<void> {
  await db.schema.createTable('bench_bpmn_instances', (t) => {
    t.increments('id').primary();
    t.string('name', 64).notNullable();
    t.text('state').notNullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  // The same columns as application_events.
  await db.schema.createTable('bench_bpmn_events', (t) => {
    t.increments('id').primary();
    t.integer('instance_id').notNullable().references('id').inTable('bench_bpmn_instances');
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.string('actor_role', 16).notNullable();
    t.string('event', 64).notNullable();
    t.string('from_state', 64).notNullable();
    t.string('to_state', 64).notNullable();
    t.string('from_status', 32).notNullable();
    t.string('to_status', 32).notNullable();
    t.text('comment').nullable();
    t.text('payload').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['instance_id', 'id']);
  });
}

function bpmnVariant(fx: Fixture): Variant {
  const { db } = fx;
  const listener = decisionListener();
  let sequence = 0;
  return {
    name: 'bpmn-engine',
    async prepare(count) {
      const ids: number[] = [];
      for (let i = 0; i < count; i++) {
        const name = `application-${++sequence}`;
        const engine = new Engine({ name, source: REVIEW_BPMN });
        await engine.execute({ listener, variables: { applicantId: fx.applicantId } });
        const state = await engine.getState();
        const [row] = await db('bench_bpmn_instances')
          .insert({ name, state: JSON.stringify(state), version: 1, updated_at: new Date() })
          .returning<{ id: number }[]>('id');
        if (!row) throw new Error('insert returned no id');
        ids.push(row.id);
      }
      return ids;
    },
    async apply(id, event) {
      const row = await db<BpmnRow>('bench_bpmn_instances').where({ id }).first();
      if (!row) throw new Error(`no bpmn instance ${id}`);
      const task = TASK_OF_EVENT[event];
      if (task === undefined) throw new Error(`no task for ${event}`);
      const actor = actorFor(fx, event);

      const engine = new Engine({ name: row.name }).recover(JSON.parse(row.state));
      const execution = await engine.resume({ listener });
      // The check: the event is only possible while its user task is the one waiting.
      if (!execution.getPostponed().some((activity) => activity.id === task)) {
        throw new Error(`bpmn-engine: ${event} is not possible on ${id}`);
      }
      execution.signal({ id: task, actor, ...(event === 'ACCEPT' ? { decision: 'accept' } : {}) });
      const waiting = execution.getPostponed()[0]?.id ?? 'end';
      const state = await engine.getState();
      const now = new Date();

      await db.transaction(async (trx) => {
        const updated = await trx('bench_bpmn_instances')
          .where({ id, version: row.version })
          .update({ state: JSON.stringify(state), version: row.version + 1, updated_at: now });
        if (updated !== 1) throw new Error(`version conflict on ${id}`);
        await trx('bench_bpmn_events').insert({
          instance_id: id,
          actor_id: actor.userId,
          actor_role: actor.role,
          event,
          from_state: task,
          to_state: waiting,
          from_status: task,
          to_status: waiting,
          comment: null,
          payload: null,
          created_at: now,
        });
      });
    },
    async verify(ids) {
      const rows = await db<BpmnRow>('bench_bpmn_instances').whereIn('id', ids).select('state');
      const accepted = rows.filter((r) => {
        const s = JSON.parse(r.state) as {
          state: string;
          definitions: { environment: { output: { accepted?: boolean } } }[];
        };
        return s.state === 'idle' && s.definitions[0]?.environment.output.accepted === true;
      }).length;
      if (accepted !== ids.length)
        throw new Error(`only ${accepted} of ${ids.length} bpmn instances accepted`);
    },
    stateBytes: (ids) => avgLength(db, 'bench_bpmn_instances', 'state', ids),
  };
}

async function avgLength(db: Knex, tableName: string, column: string, ids: number[]): Promise<number> {
  const rows = await db(tableName).whereIn('id', ids).select<Record<string, string>[]>(column);
  return rows.reduce((sum, r) => sum + (r[column]?.length ?? 0), 0) / Math.max(1, rows.length);
}

export async function setup(dir: string, sync: string): Promise<Fixture> {
  const db = createDb(`sqlite://${path.join(dir, 'bench.sqlite')}`);
  await migrateLatest(db);
  if (sync !== 'full') {
    if (sync !== 'normal' && sync !== 'off')
      throw new Error(`sync must be full, normal or off, not "${sync}"`);
    // The pool holds one connection for the whole run (min 1, max 1), so this sticks; checked at the end.
    await db.raw(`PRAGMA synchronous = ${sync.toUpperCase()}`);
  }
  await createBpmnTables(db);
  const config = loadConfig({ NODE_ENV: 'test' }, dir);
  const registry = await loadRegistry();
  const services = createServices({
    db,
    config,
    clock: systemClock,
    logger: createLogger('silent'),
    registry,
  });
  const now = new Date();
  const [applicant] = await db('users')
    .insert({
      kind: 'resident',
      cpr: '850101234',
      name: 'Huda Salman Al-Mahmood',
      email: 'huda@example.bh',
      mobile: '+97336000000',
      preferred_lang: 'ar',
      created_at: now,
      updated_at: now,
    })
    .returning<{ id: number }[]>('id');
  const [reviewer] = await db('users')
    .insert({
      kind: 'staff',
      name: 'Reviewer One',
      email: 'reviewer1@capital.bh',
      preferred_lang: 'ar',
      role: 'reviewer',
      municipality: 'capital',
      department: 'customer-services',
      created_at: now,
      updated_at: now,
    })
    .returning<{ id: number }[]>('id');
  if (!applicant || !reviewer) throw new Error('users not inserted');
  return { db, services, applicantId: applicant.id, reviewerId: reviewer.id };
}

export async function synchronousMode(db: Knex): Promise<string> {
  const rows = await db.raw<{ synchronous: number }[]>('PRAGMA synchronous');
  return ['OFF', 'NORMAL', 'FULL', 'EXTRA'][rows[0]?.synchronous ?? -1] ?? '?';
}

/** The variants asked for, in the order asked. */
export async function createVariants(fx: Fixture, keys: VariantKey[]): Promise<Map<VariantKey, Variant>> {
  const make: Record<VariantKey, () => Promise<Variant>> = {
    engine: () => Promise.resolve(engineVariant(fx)),
    floor: async () => floorVariant(fx, await captureEngineSteps(fx)),
    bpmn: () => Promise.resolve(bpmnVariant(fx)),
  };
  const variants = new Map<VariantKey, Variant>();
  for (const key of keys) variants.set(key, await make[key]());
  return variants;
}

// ---------------------------------------------------------------------------------------------
// Driver

/** Latencies and busy time of one variant in one round, filled slice by slice. */
export class Recorder {
  readonly latencies: Float64Array;
  private count = 0;
  private wallMs = 0;

  constructor(capacity: number) {
    this.latencies = new Float64Array(capacity);
  }

  /** Runs every event of the given instances, one awaited event at a time, phase by phase. */
  async drive(variant: Variant, ids: number[]): Promise<void> {
    const start = performance.now();
    for (const event of EVENTS) {
      for (const id of ids) {
        const t0 = performance.now();
        await variant.apply(id, event);
        this.latencies[this.count++] = performance.now() - t0;
      }
    }
    this.wallMs += performance.now() - start;
  }

  sample(): Sample {
    return summarize(this.latencies.subarray(0, this.count), this.wallMs);
  }
}

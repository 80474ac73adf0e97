import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Registry } from '../../workflows/registry.js';
import { REGISTRY_CHECKS, type RegistryCheck } from '../../workflows/schema/service.js';
import { applicationsRepository, type ApplicationRow } from '../../db/repositories/applications.js';
import type { UserRow } from '../../db/repositories/users.js';
import { outboxRepository } from '../../db/repositories/outbox.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OutboxHandler } from './outbox-worker.js';
import type { ApplicationEventChange } from './apply-event.js';
import { dateOf } from './api-tokens.js';

export { REGISTRY_CHECKS, type RegistryCheck };

export type RegistryAnswer = 'yes' | 'no' | 'no_answer';

export type NoAnswerReason =
  'timeout' | 'unreachable' | 'malformed' | 'not_configured' | 'missing_input' | `http_${number}`;

export interface RegistryResult {
  answer: RegistryAnswer;
  reason: NoAnswerReason | null;
  detail: string | null;
}

/** The question sent for each check; see docs/registry-contract.md. */
export type RegistryQuestion =
  | {
      check: 'residence';
      cpr: string;
      address: { flat: string; building: string; road: string; block: string };
    }
  | { check: 'commercial-registration'; cr: string };

/**
 * The adapter: one POST to `<REGISTRY_URL>/checks/<check>` with a timeout. Whatever goes wrong
 * (no configuration, no connection, a timeout, an error status, a reply outside the contract)
 * is "no answer" with its reason; it never throws, so it can never hold up a decision.
 */
export function registryAdapter(options: { url: string | undefined; timeoutMs: number }) {
  return async function ask(question: RegistryQuestion): Promise<RegistryResult> {
    if (!options.url) return { answer: 'no_answer', reason: 'not_configured', detail: null };
    const { check, ...rest } = question;
    let response: Response;
    try {
      response = await fetch(`${options.url}/checks/${check}`, {
        method: 'POST',
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ requestId: randomUUID(), ...rest }),
      });
    } catch (err) {
      const name = (err as Error).name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable';
      return { answer: 'no_answer', reason, detail: null };
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      return { answer: 'no_answer', reason: `http_${response.status}`, detail: null };
    }
    let body: unknown;
    try {
      // The timeout covers the body too: the signal aborts a reply that never ends.
      body = await response.json();
    } catch (err) {
      const name = (err as Error).name;
      return {
        answer: 'no_answer',
        reason: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'malformed',
        detail: null,
      };
    }
    const reply = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (reply.answer !== 'yes' && reply.answer !== 'no') {
      return { answer: 'no_answer', reason: 'malformed', detail: null };
    }
    const detail =
      typeof reply.detail === 'string' && reply.detail.trim() ? reply.detail.trim().slice(0, 500) : null;
    return { answer: reply.answer, reason: null, detail };
  };
}

export type RegistryAdapter = ReturnType<typeof registryAdapter>;

export interface StoredRegistryAnswer {
  id: number;
  check: RegistryCheck;
  answer: RegistryAnswer;
  reason: string | null;
  detail: string | null;
  askedAt: Date;
}

/**
 * Registry checks (docs/decisions/0006): a service lists its checks in its definition
 * (`registryChecks`); at submission one outbox row per check is written in the submission's
 * transaction, and the worker asks the registry and stores the answer (or "no answer") on the
 * application for the reviewer. Decisions never wait for it.
 */
export function registryChecksService(deps: {
  db: Knex;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  ask: RegistryAdapter;
}) {
  const { db, clock, logger, registry, ask } = deps;
  const applications = applicationsRepository(db);
  const outbox = outboxRepository(db);

  /** The applyEvent hook: at first submission, one outbox row per declared check. */
  async function onApplicationEvent(trx: Knex.Transaction, change: ApplicationEventChange): Promise<void> {
    if (change.fromStatus !== 'draft' || change.toStatus === 'draft') return;
    const app = change.after;
    const checks = registry.get(app.service_slug, app.service_version)?.registryChecks ?? [];
    await outbox.add(
      trx,
      checks.map((check) => ({
        applicationId: app.id,
        kind: 'registryCheck',
        payload: { applicationId: app.id, check },
      })),
      change.now,
    );
  }

  /** The question for a check, from the form's answers and, failing those, the applicant's account. */
  async function questionFor(app: ApplicationRow, check: RegistryCheck): Promise<RegistryQuestion | null> {
    const definition = registry.get(app.service_slug, app.service_version);
    if (!definition) return null;
    const answers = JSON.parse(app.form_data) as Record<string, unknown>;
    const applicant = await db<UserRow>('users').where({ id: app.applicant_id }).first();
    const answerOf = (type: string): unknown => {
      const field = definition.fields.find((f) => f.type === type && answers[f.key] !== undefined);
      return field ? answers[field.key] : undefined;
    };
    if (check === 'residence') {
      const cpr = answerOf('cpr') ?? applicant?.cpr;
      const address = answerOf('address') as Record<string, unknown> | undefined;
      if (typeof cpr !== 'string' || !address || typeof address !== 'object') return null;
      const part = (k: string) => (typeof address[k] === 'string' ? address[k] : '');
      return {
        check,
        cpr,
        address: { flat: part('flat'), building: part('building'), road: part('road'), block: part('block') },
      };
    }
    const cr = answerOf('cr') ?? applicant?.cr;
    return typeof cr === 'string' ? { check, cr } : null;
  }

  const handler: OutboxHandler = async (payload, row) => {
    const app = await applications.findById(Number(payload.applicationId));
    if (!app) throw new Error(`application ${String(payload.applicationId)} not found`);
    const check = String(payload.check) as RegistryCheck;
    if (!(REGISTRY_CHECKS as readonly string[]).includes(check))
      throw new Error(`unknown registry check ${check}`);
    const question = await questionFor(app, check);
    const askedAt = clock.now();
    const result: RegistryResult = question
      ? await ask(question)
      : { answer: 'no_answer', reason: 'missing_input', detail: null };
    if (result.answer === 'no_answer') {
      logger.warn({ applicationId: app.id, check, reason: result.reason }, 'registry gave no answer');
    }
    // One answer per outbox row: a redelivery after a crash does not add a second.
    await db('registry_answers')
      .insert({
        application_id: app.id,
        check_key: check,
        answer: result.answer,
        reason: result.reason,
        detail: result.detail,
        outbox_id: row.id,
        asked_at: askedAt,
      })
      .onConflict('outbox_id')
      .ignore();
  };

  /** The latest answer per check, for the reviewer. */
  async function answersFor(applicationId: number): Promise<StoredRegistryAnswer[]> {
    const rows = await db<Record<string, unknown>>('registry_answers')
      .where({ application_id: applicationId })
      .orderBy('id', 'desc');
    const latest = new Map<string, StoredRegistryAnswer>();
    for (const r of rows) {
      const check = String(r.check_key) as RegistryCheck;
      if (latest.has(check)) continue;
      latest.set(check, {
        id: Number(r.id),
        check,
        answer: String(r.answer) as RegistryAnswer,
        reason: (r.reason as string | null) ?? null,
        detail: (r.detail as string | null) ?? null,
        askedAt: dateOf(r.asked_at as string),
      });
    }
    return [...latest.values()].sort((a, b) => a.check.localeCompare(b.check));
  }

  return {
    onApplicationEvent,
    answersFor,
    handlers: { registryCheck: handler } as Record<string, OutboxHandler>,
  };
}

export type RegistryChecksService = ReturnType<typeof registryChecksService>;

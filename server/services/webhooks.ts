import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import type { Registry } from '../../workflows/registry.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { OutboxRow } from '../../db/repositories/outbox.js';
import type { Clock } from '../clock.js';
import type { OutboxHandler } from './outbox-worker.js';
import { coversApplication, dateOf, type ApiToken, type ApiTokensService } from './api-tokens.js';
import type { ApplicationEventChange } from './apply-event.js';
import { isInternalHost } from './webhook-addresses.js';
import { webhookDeliveryLog } from './webhook-deliveries.js';
import {
  EVENT_HEADER,
  EVENT_ID_HEADER,
  eventsAllowed,
  isWebhookEvent,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  toSubscription,
  type Subscription,
  type SubscriptionRow,
  type WebhookEvent,
} from './webhook-protocol.js';

export {
  EVENT_HEADER,
  EVENT_ID_HEADER,
  eventsAllowed,
  isWebhookEvent,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  WEBHOOK_EVENTS,
  type Subscription,
  type SubscriptionRow,
  type WebhookEvent,
} from './webhook-protocol.js';

/** What a webhook is about, to send it only to partners allowed to read it. */
export interface WebhookSubject {
  applicationId?: number | null;
  /** Service slug and municipality; application events reach tokens whose scope covers them. */
  service?: string;
  municipality?: string | null;
}

/**
 * Partner webhooks (docs/decisions/0006). An event becomes one outbox row per matching
 * subscription, written in the caller's transaction, so it exists only if the event committed
 * and is delivered after commit by the outbox worker: signed, with a timeout, retried with the
 * outbox's backoff. Nothing here runs inside a reviewer's request but the row inserts.
 */
export function webhooksService(deps: {
  db: Knex;
  clock: Clock;
  registry: Registry;
  tokens: ApiTokensService;
  timeoutMs: number;
  production: boolean;
}) {
  const { db, clock, registry, tokens, timeoutMs } = deps;

  async function subscribe(
    token: ApiToken,
    input: { url: string; events: WebhookEvent[] },
    createdBy: number | null,
  ): Promise<{ subscription: Subscription; secret: string }> {
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const [row] = await db('webhook_subscriptions')
      .insert({
        token_id: token.id,
        url: input.url,
        events: JSON.stringify(input.events),
        secret,
        created_by: createdBy,
        created_at: clock.now(),
      })
      .returning<SubscriptionRow[]>('*');
    if (!row) throw new Error('subscription insert returned no row');
    return { subscription: toSubscription(row), secret };
  }

  async function listForToken(tokenId: number): Promise<Subscription[]> {
    const rows = await db<SubscriptionRow>('webhook_subscriptions')
      .where({ token_id: tokenId })
      .whereNull('disabled_at')
      .orderBy('id');
    return rows.map(toSubscription);
  }

  async function find(id: number): Promise<Subscription | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const row = await db<SubscriptionRow>('webhook_subscriptions').where({ id }).first();
    return row ? toSubscription(row) : undefined;
  }

  /** Stops a subscription of this token; false when it has none such. */
  async function unsubscribe(tokenId: number, id: number): Promise<boolean> {
    if (!Number.isSafeInteger(id)) return false;
    const n = await db('webhook_subscriptions')
      .where({ id, token_id: tokenId })
      .whereNull('disabled_at')
      .update({ disabled_at: clock.now() });
    return n === 1;
  }

  /**
   * Writes one outbox row (and delivery record) per active subscription that wants `event` and
   * whose token may read what it is about. Call it inside the transaction that makes the event
   * happen; the body is fixed now, so every retry and redelivery sends the same bytes.
   */
  async function enqueue(
    trx: Knex.Transaction | Knex,
    event: WebhookEvent,
    data: Record<string, unknown>,
    subject: WebhookSubject = {},
  ): Promise<number> {
    const now = clock.now();
    const rows = await trx<SubscriptionRow>('webhook_subscriptions').whereNull('disabled_at');
    let written = 0;
    for (const row of rows) {
      const subscription = toSubscription(row);
      if (!subscription.events.includes(event)) continue;
      const token = await tokens.findById(subscription.tokenId, trx);
      if (!token || !tokens.isActive(token) || !eventsAllowed(token).includes(event)) continue;
      if (event.startsWith('application.')) {
        if (!subject.service || !coversApplication(token, subject.service, subject.municipality ?? null))
          continue;
      } else if (token.municipality && subject.municipality && token.municipality !== subject.municipality) {
        continue;
      }
      const eventId = randomUUID();
      const body = JSON.stringify({ id: eventId, event, occurredAt: now.toISOString(), data });
      const [outbox] = await trx('outbox')
        .insert({
          application_id: subject.applicationId ?? null,
          kind: 'webhook',
          payload: JSON.stringify({ subscriptionId: subscription.id, body }),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now.getTime(),
          created_at: now,
        })
        .returning<{ id: number }[]>('id');
      if (!outbox) throw new Error('outbox insert returned no id');
      await trx('webhook_deliveries').insert({
        subscription_id: subscription.id,
        outbox_id: outbox.id,
        event,
        event_id: eventId,
        created_at: now,
      });
      written++;
    }
    return written;
  }

  /** The applyEvent hook: the workflow's `webhook` effects become partner deliveries. */
  async function onApplicationEvent(trx: Knex.Transaction, change: ApplicationEventChange): Promise<void> {
    for (const effect of change.effects) {
      if (effect.type !== 'webhook' || !isWebhookEvent(effect.params.event)) continue;
      const app = change.after;
      await enqueue(trx, effect.params.event, applicationData(app, effect.params.decision), {
        applicationId: app.id,
        service: app.service_slug,
        municipality: app.municipality,
      });
    }
  }

  function applicationData(app: ApplicationRow, decision: unknown): Record<string, unknown> {
    const definition = registry.get(app.service_slug, app.service_version);
    const iso = (v: Date | string | number | null) => (v === null ? null : dateOf(v).toISOString());
    return {
      reference: app.reference,
      service: {
        slug: app.service_slug,
        name: definition?.name ?? { ar: app.service_slug, en: app.service_slug },
      },
      municipality: app.municipality,
      status: app.status,
      ...(typeof decision === 'string' ? { decision } : {}),
      submittedAt: iso(app.submitted_at),
      decidedAt: iso(app.decided_at),
    };
  }

  async function recordAttempt(
    deliveryId: number,
    at: Date,
    result: { statusCode: number | null; error: string | null; durationMs: number },
  ): Promise<void> {
    await db('webhook_attempts').insert({
      delivery_id: deliveryId,
      attempted_at: at,
      status_code: result.statusCode,
      error: result.error?.slice(0, 500) ?? null,
      duration_ms: Math.round(result.durationMs),
    });
  }

  /** The outbox handler: one signed POST; anything but a 2xx in time is a failure to retry. */
  const deliver: OutboxHandler = async (payload, row: OutboxRow) => {
    const delivery = await db('webhook_deliveries')
      .where({ outbox_id: row.id })
      .first<{ id: number; event: string; event_id: string } | undefined>();
    if (!delivery) throw new Error(`no webhook delivery for outbox row ${row.id}`);
    const at = clock.now();
    const subscription = await db<SubscriptionRow>('webhook_subscriptions')
      .where({ id: Number(payload.subscriptionId) })
      .first();
    const token = subscription ? await tokens.findById(subscription.token_id) : undefined;
    if (!subscription || subscription.disabled_at || !token || !tokens.isActive(token)) {
      // The partner stopped listening or lost access: nothing is sent, and the row is finished.
      await recordAttempt(delivery.id, at, {
        statusCode: null,
        error: 'not sent: subscription inactive',
        durationMs: 0,
      });
      return;
    }
    if (deps.production && (await isInternalHost(new URL(subscription.url).hostname))) {
      await recordAttempt(delivery.id, at, {
        statusCode: null,
        error: 'not sent: the address is inside the portal network',
        durationMs: 0,
      });
      return;
    }
    const body = String(payload.body);
    const timestamp = Math.floor(at.getTime() / 1000);
    const started = performance.now();
    let statusCode: number | null = null;
    try {
      const response = await fetch(subscription.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'municipal-eservices-webhooks/1',
          [EVENT_ID_HEADER]: delivery.event_id,
          [EVENT_HEADER]: delivery.event,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(subscription.secret, timestamp, body),
        },
        body,
      });
      statusCode = response.status;
      await response.body?.cancel();
    } catch (err) {
      const name = (err as Error).name;
      const error = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'unreachable';
      await recordAttempt(delivery.id, at, {
        statusCode: null,
        error,
        durationMs: performance.now() - started,
      });
      throw new Error(`webhook ${error}`);
    }
    const ok = statusCode >= 200 && statusCode < 300;
    await recordAttempt(delivery.id, at, {
      statusCode,
      error: ok ? null : `HTTP ${statusCode}`,
      durationMs: performance.now() - started,
    });
    if (!ok) throw new Error(`webhook answered HTTP ${statusCode}`);
  };

  /** Deliveries of a subscription, newest first, with their outbox state and attempts. */
  async function listAll(tokenIds: number[]): Promise<Subscription[]> {
    if (tokenIds.length === 0) return [];
    const rows = await db<SubscriptionRow>('webhook_subscriptions')
      .whereIn('token_id', tokenIds)
      .orderBy('id', 'desc');
    return rows.map(toSubscription);
  }

  return {
    subscribe,
    unsubscribe,
    listForToken,
    listAll,
    find,
    enqueue,
    onApplicationEvent,
    ...webhookDeliveryLog(db, clock),
    handlers: { webhook: deliver } as Record<string, OutboxHandler>,
  };
}

export type WebhooksService = ReturnType<typeof webhooksService>;

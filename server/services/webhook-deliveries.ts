import type { Knex } from 'knex';
import type { Clock } from '../clock.js';
import { dateOf } from './api-tokens.js';

/**
 * What became of a subscription's deliveries (status, attempts, the last five tries each) and
 * sending one again: what a partner and an administrator read and do after the fact. The sending
 * itself is the outbox handler in webhooks.ts.
 */

interface AttemptRow {
  delivery_id: number;
  attempted_at: Date | string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export function webhookDeliveryLog(db: Knex, clock: Clock) {
  async function deliveries(subscriptionId: number, limit = 50) {
    const rows = await db('webhook_deliveries as d')
      .join('outbox as o', 'o.id', 'd.outbox_id')
      .where('d.subscription_id', subscriptionId)
      .orderBy('d.id', 'desc')
      .limit(limit)
      .select(
        'd.id',
        'd.event',
        'd.event_id',
        'd.created_at',
        'o.status',
        'o.attempts',
        'o.last_error',
        'o.next_attempt_at',
        'o.delivered_at',
      );
    const ids = rows.map((r: { id: number }) => r.id);
    const attempts = ids.length
      ? await db<AttemptRow>('webhook_attempts').whereIn('delivery_id', ids).orderBy('id', 'desc')
      : [];
    return rows.map((r: Record<string, unknown>) => ({
      id: Number(r.id),
      event: String(r.event),
      eventId: String(r.event_id),
      createdAt: dateOf(r.created_at as string),
      status: String(r.status) as 'pending' | 'done' | 'failed',
      attempts: Number(r.attempts),
      lastError: (r.last_error as string | null) ?? null,
      nextAttemptAt: r.status === 'pending' ? new Date(Number(r.next_attempt_at)) : null,
      deliveredAt: r.delivered_at ? dateOf(r.delivered_at as string) : null,
      history: attempts
        .filter((a) => a.delivery_id === Number(r.id))
        .slice(0, 5)
        .map((a) => ({
          at: dateOf(a.attempted_at),
          statusCode: a.status_code === null ? null : Number(a.status_code),
          error: a.error,
          durationMs: Number(a.duration_ms),
        })),
    }));
  }

  /** Sends a delivery again from now on (same event id and body), whatever became of it. */
  async function redeliver(subscriptionId: number, deliveryId: number): Promise<boolean> {
    if (!Number.isSafeInteger(deliveryId)) return false;
    const delivery = await db('webhook_deliveries')
      .where({ id: deliveryId, subscription_id: subscriptionId })
      .first<{ outbox_id: number } | undefined>();
    if (!delivery) return false;
    // A row a worker holds right now is left alone: it is being sent already.
    const now = clock.now().getTime();
    await db('outbox')
      .where({ id: delivery.outbox_id })
      .andWhere((q) =>
        q.whereNull('locked_until').orWhere('locked_until', '<', now).orWhereNot('status', 'pending'),
      )
      .update({
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        locked_until: null,
      });
    return true;
  }

  return { deliveries, redeliver };
}

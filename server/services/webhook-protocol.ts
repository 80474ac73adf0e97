import { createHmac } from 'node:crypto';
import { dateOf, type ApiToken } from './api-tokens.js';

/**
 * The webhook protocol as partners see it (docs/decisions/0006): the events, the headers of every
 * delivery and their signature, which events a token's scopes allow, and a subscription as the
 * API shows it.
 */

export const WEBHOOK_EVENTS = [
  'application.submitted',
  'application.decided',
  'certificate.issued',
  'certificate.revoked',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function isWebhookEvent(value: unknown): value is WebhookEvent {
  return typeof value === 'string' && (WEBHOOK_EVENTS as readonly string[]).includes(value);
}

/** Headers of every delivery (documented in docs/decisions/0006 and the OpenAPI document). */
export const SIGNATURE_HEADER = 'X-Webhook-Signature';
export const TIMESTAMP_HEADER = 'X-Webhook-Timestamp';
export const EVENT_ID_HEADER = 'X-Webhook-Id';
export const EVENT_HEADER = 'X-Webhook-Event';

/** `sha256=` + hex HMAC-SHA256 of `timestamp + "." + body` under the subscription's secret. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** Which events a token's scopes allow: application events need applications:read, certificate events certificates:read. */
export function eventsAllowed(token: ApiToken): WebhookEvent[] {
  if (!token.scopes.includes('webhooks')) return [];
  return WEBHOOK_EVENTS.filter((e) =>
    e.startsWith('application.')
      ? token.scopes.includes('applications:read')
      : token.scopes.includes('certificates:read'),
  );
}

export interface SubscriptionRow {
  id: number;
  token_id: number;
  url: string;
  events: string;
  secret: string;
  created_by: number | null;
  created_at: Date | string;
  disabled_at: Date | string | null;
}

export interface Subscription {
  id: number;
  tokenId: number;
  url: string;
  events: WebhookEvent[];
  createdAt: Date;
  disabledAt: Date | null;
}

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    tokenId: row.token_id,
    url: row.url,
    events: (JSON.parse(row.events) as unknown[]).filter(isWebhookEvent),
    createdAt: dateOf(row.created_at),
    disabledAt: row.disabled_at ? dateOf(row.disabled_at) : null,
  };
}

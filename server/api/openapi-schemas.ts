import { PUBLIC_STATUSES, ROLES } from '../../workflows/types.js';
import { MUNICIPALITY_CODES } from '../../workflows/municipalities.js';
import { WEBHOOK_EVENTS } from '../services/webhooks.js';

/** The JSON schemas of API v1's bodies (components.schemas of the OpenAPI document, openapi.ts). */

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const object = (
  properties: Record<string, Schema>,
  required: string[] = Object.keys(properties),
  closed = true,
) => ({
  type: 'object',
  required,
  properties,
  ...(closed ? { additionalProperties: false } : {}),
});
const counts: Schema = { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } };

export const schemas: Record<string, Schema> = {
  Localized: object({ ar: { type: 'string' }, en: { type: 'string' } }),
  Error: object({
    error: object(
      {
        status: { type: 'integer' },
        code: {
          type: 'string',
          description:
            'Stable, machine-readable: token_missing, token_invalid, token_expired, token_revoked, insufficient_scope, out_of_scope, not_found, rate_limited, body_invalid, url_invalid, url_not_https, events_invalid, http_<status>.',
        },
        message: { type: 'string' },
        requestId: { type: 'string' },
      },
      ['status', 'code', 'requestId'],
    ),
  }),
  KeyLabel: object({ key: { type: 'string' }, label: ref('Localized') }),
  Service: object(
    {
      slug: { type: 'string', pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' },
      version: { type: 'integer', minimum: 1 },
      name: ref('Localized'),
      summary: ref('Localized'),
      description: ref('Localized'),
      category: ref('KeyLabel'),
      department: ref('KeyLabel'),
      applicants: { type: 'array', items: ref('KeyLabel') },
      fee: object({ amount: { type: 'number', minimum: 0 }, note: ref('Localized') }, ['amount']),
      slaDays: { type: 'integer', minimum: 1 },
      queryWindowDays: { type: 'integer', minimum: 1 },
      documents: {
        type: 'array',
        items: object(
          {
            key: { type: 'string' },
            label: ref('Localized'),
            hint: ref('Localized'),
            required: { type: 'boolean' },
            types: { type: 'array', items: { enum: ['pdf', 'jpeg', 'png'] } },
            maxSizeMb: { type: 'number' },
            maxFiles: { type: 'integer' },
          },
          ['key', 'label', 'required', 'types', 'maxSizeMb', 'maxFiles'],
        ),
      },
      fields: {
        type: 'array',
        description:
          'The form, field by field; each type has its own extra properties (options, maxLength, min, max …).',
        items: object(
          {
            key: { type: 'string' },
            type: { type: 'string' },
            label: ref('Localized'),
            hint: ref('Localized'),
            required: { type: 'boolean' },
            step: { type: 'integer', minimum: 0 },
          },
          ['key', 'type', 'label', 'required', 'step'],
          false,
        ),
      },
      steps: { type: 'array', items: ref('KeyLabel') },
    },
    [
      'slug',
      'version',
      'name',
      'summary',
      'description',
      'category',
      'department',
      'applicants',
      'fee',
      'slaDays',
      'queryWindowDays',
      'documents',
      'fields',
      'steps',
    ],
  ),
  ServiceList: object({ services: { type: 'array', items: ref('Service') } }),
  Stats: object(
    {
      period: object({ from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } }),
      municipality: nullable('string'),
      total: { type: 'integer', minimum: 0 },
      services: {
        type: 'array',
        items: object(
          {
            slug: { type: 'string' },
            name: ref('Localized'),
            count: { type: 'integer', minimum: 0 },
            share: { type: 'number', minimum: 0, maximum: 1 },
            byStatus: counts,
            decided: { type: 'integer', minimum: 0 },
            medianDays: nullable('number'),
            p90Days: nullable('number'),
            withinSla: nullable('number', { minimum: 0, maximum: 1 }),
          },
          undefined,
          false,
        ),
      },
      byStatus: counts,
      byChannel: counts,
      byMonth: {
        type: 'array',
        items: object({ month: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, count: { type: 'integer' } }),
      },
      withinSla: nullable('number', { minimum: 0, maximum: 1 }),
      overdueNow: counts,
      overdueTotal: { type: 'integer', minimum: 0 },
    },
    undefined,
    false,
  ),
  Application: object({
    reference: { type: 'string', pattern: '^[A-Z]{1,4}-\\d{4}-[2-9A-HJKMNP-Z]{6}$' },
    service: object({ slug: { type: 'string' }, version: { type: 'integer' }, name: ref('Localized') }),
    municipality: {
      oneOf: [{ type: 'null' }, object({ code: { enum: MUNICIPALITY_CODES }, name: ref('Localized') })],
    },
    status: object({
      code: { enum: PUBLIC_STATUSES.filter((s) => s !== 'draft') },
      label: ref('Localized'),
      description: ref('Localized'),
    }),
    stage: ref('Localized'),
    channel: { type: 'string' },
    submittedAt: nullable('string', { format: 'date-time' }),
    decidedAt: nullable('string', { format: 'date-time' }),
    timeline: {
      type: 'array',
      items: object({
        at: { type: 'string', format: 'date-time' },
        event: { type: 'string' },
        label: ref('Localized'),
        actor: object({ role: { enum: [...ROLES] }, label: ref('Localized') }),
      }),
    },
  }),
  CertificateVerification: object(
    {
      status: { enum: ['valid', 'revoked', 'expired', 'unknown'] },
      number: { type: 'string' },
      service: object({ slug: { type: 'string' }, name: ref('Localized') }),
      municipality: object({ code: { type: 'string' }, name: ref('Localized') }),
      issuedAt: { type: 'string', format: 'date-time' },
      validUntil: { type: 'string', format: 'date-time' },
      revokedAt: { type: 'string', format: 'date-time' },
      holderMasked: { type: 'string', description: 'The holder’s name with most letters hidden.' },
    },
    ['status'],
  ),
  WebhookSubscription: object({
    id: { type: 'integer' },
    url: { type: 'string', format: 'uri' },
    events: { type: 'array', items: { enum: [...WEBHOOK_EVENTS] }, minItems: 1 },
    createdAt: { type: 'string', format: 'date-time' },
  }),
  WebhookSubscriptionCreated: object({
    id: { type: 'integer' },
    url: { type: 'string', format: 'uri' },
    events: { type: 'array', items: { enum: [...WEBHOOK_EVENTS] }, minItems: 1 },
    createdAt: { type: 'string', format: 'date-time' },
    secret: { type: 'string', description: 'The signing secret, shown only in this response.' },
  }),
  WebhookSubscriptionList: object({ subscriptions: { type: 'array', items: ref('WebhookSubscription') } }),
  WebhookSubscriptionRequest: object({
    url: { type: 'string', format: 'uri' },
    events: { type: 'array', items: { enum: [...WEBHOOK_EVENTS] }, minItems: 1 },
  }),
  ApplicationEvent: object({
    id: { type: 'string', format: 'uuid', description: 'The same on every retry: use it to ignore repeats.' },
    event: { enum: ['application.submitted', 'application.decided'] },
    occurredAt: { type: 'string', format: 'date-time' },
    data: object(
      {
        reference: { type: 'string' },
        service: object({ slug: { type: 'string' }, name: ref('Localized') }),
        municipality: nullable('string'),
        status: { type: 'string' },
        decision: { enum: ['accepted', 'rejected'] },
        submittedAt: nullable('string', { format: 'date-time' }),
        decidedAt: nullable('string', { format: 'date-time' }),
      },
      ['reference', 'service', 'municipality', 'status', 'submittedAt', 'decidedAt'],
    ),
  }),
  CertificateEvent: object({
    id: { type: 'string', format: 'uuid' },
    event: { enum: ['certificate.issued', 'certificate.revoked'] },
    occurredAt: { type: 'string', format: 'date-time' },
    data: { type: 'object', description: 'The certificate as GET /api/v1/certificates/{code} describes it.' },
  }),
};

import type { Localized } from '../../workflows/types.js';
import type { API_SCOPES } from '../services/api-tokens.js';
import { EVENT_HEADER, EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../services/webhooks.js';
import { ref, type Schema } from './openapi-schemas.js';

/** Builders for API v1's operations, parameters and webhook deliveries (used by openapi.ts). */

export interface OperationSpec {
  id: string;
  tag: string;
  summary: Localized;
  description: Localized;
  /** The scope it needs; absent: public (a token is accepted and counted, never required). */
  scope?: (typeof API_SCOPES)[number];
  parameters?: Schema[];
  requestBody?: string;
  ok: { status: number; schema?: string; description: Localized };
  errors: number[];
}

const ERROR_TEXT: Record<number, Localized> = {
  400: { en: 'The request is not valid.', ar: 'الطلب غير صالح.' },
  401: {
    en: 'No token, or a forged, expired or revoked one.',
    ar: 'لا يوجد رمز، أو الرمز مزوّر أو منتهٍ أو ملغى.',
  },
  403: { en: 'The token’s scopes do not allow this.', ar: 'صلاحيات الرمز لا تسمح بهذا.' },
  404: { en: 'Not found.', ar: 'غير موجود.' },
  413: { en: 'The body is too large.', ar: 'حجم المحتوى أكبر من المسموح.' },
  429: {
    en: 'Too many requests for this token; see the RateLimit headers.',
    ar: 'طلبات كثيرة لهذا الرمز؛ راجع ترويسات RateLimit.',
  },
};

export function operation(spec: OperationSpec): Schema {
  const json = (name: string) => ({ 'application/json': { schema: ref(name) } });
  const responses: Record<string, Schema> = {
    [String(spec.ok.status)]: {
      description: spec.ok.description.en,
      'x-ar': { description: spec.ok.description.ar },
      ...(spec.ok.schema ? { content: json(spec.ok.schema) } : {}),
    },
  };
  for (const status of [...spec.errors, 401, 429].filter((s, i, all) => all.indexOf(s) === i).sort()) {
    const text = ERROR_TEXT[status]!;
    responses[String(status)] = {
      description: text.en,
      'x-ar': { description: text.ar },
      content: json('Error'),
    };
  }
  return {
    operationId: spec.id,
    tags: [spec.tag],
    summary: spec.summary.en,
    description: spec.description.en,
    'x-ar': { summary: spec.summary.ar, description: spec.description.ar },
    ...(spec.scope ? { 'x-scope': spec.scope } : {}),
    security: spec.scope ? [{ bearerAuth: [spec.scope] }] : [{}, { bearerAuth: [] }],
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.requestBody
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: ref(spec.requestBody) } } },
        }
      : {}),
    responses,
  };
}

/** A parameter in the path (always required) or the query (optional), described in both languages. */
function parameter(where: 'path' | 'query', name: string, description: Localized, schema: Schema): Schema {
  return {
    name,
    in: where,
    required: where === 'path',
    description: description.en,
    'x-ar': { description: description.ar },
    schema,
  };
}
export const pathParam = (name: string, description: Localized, schema: Schema) =>
  parameter('path', name, description, schema);
export const queryParam = (name: string, description: Localized, schema: Schema) =>
  parameter('query', name, description, schema);

export const webhookDelivery = (event: string, schema: string, summary: Localized): Schema => ({
  post: {
    summary: summary.en,
    'x-ar': { summary: summary.ar },
    parameters: [
      { name: EVENT_ID_HEADER, in: 'header', required: true, schema: { type: 'string', format: 'uuid' } },
      { name: EVENT_HEADER, in: 'header', required: true, schema: { const: event } },
      {
        name: TIMESTAMP_HEADER,
        in: 'header',
        required: true,
        description: 'Unix time in seconds when this attempt was signed.',
        schema: { type: 'string', pattern: '^\\d+$' },
      },
      {
        name: SIGNATURE_HEADER,
        in: 'header',
        required: true,
        description:
          '"sha256=" + hex HMAC-SHA256 of timestamp + "." + raw body, keyed with the subscription secret.',
        schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' },
      },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: ref(schema) } } },
    responses: {
      '2XX': {
        description: 'Received. Anything else, or no answer within the timeout, is retried with backoff.',
      },
    },
  },
});

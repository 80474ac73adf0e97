import { PUBLIC_STATUSES, ROLES, type Localized } from '../../workflows/types.js';
import { MUNICIPALITY_CODES } from '../../workflows/municipalities.js';
import { API_SCOPES } from '../services/api-tokens.js';
import {
  EVENT_HEADER,
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  WEBHOOK_EVENTS,
} from '../services/webhooks.js';

/**
 * The OpenAPI 3.1 description of API v1: served at /api/v1/openapi.json, rendered for people at
 * /api, and used by the tests to validate real responses. English in the standard fields, Arabic
 * in `x-ar` beside them.
 */

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
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

const schemas: Record<string, Schema> = {
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

interface OperationSpec {
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

function operation(spec: OperationSpec): Schema {
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

const pathParam = (name: string, description: Localized, schema: Schema): Schema => ({
  name,
  in: 'path',
  required: true,
  description: description.en,
  'x-ar': { description: description.ar },
  schema,
});
const queryParam = (name: string, description: Localized, schema: Schema): Schema => ({
  name,
  in: 'query',
  required: false,
  description: description.en,
  'x-ar': { description: description.ar },
  schema,
});

const webhookDelivery = (event: string, schema: string, summary: Localized): Schema => ({
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

export function openApiDocument(baseUrl: string): Schema {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Municipal e-services API',
      version: '1.0.0',
      description:
        'For partner agencies: look up an application’s status and timeline, verify certificates, read the service catalogue and statistics, and receive webhooks. Send `Authorization: Bearer <token>`; tokens are issued by a portal administrator with scopes. Errors are JSON `{ "error": { "code", "message", "status", "requestId" } }` with stable codes. Each token has its own rate limit (RateLimit headers).',
      'x-ar': {
        title: 'واجهة برمجة الخدمات البلدية الإلكترونية',
        description:
          'للجهات الشريكة: الاستعلام عن حالة الطلب وسجله، والتحقق من الشهادات، وقراءة دليل الخدمات والإحصاءات، واستقبال الإشعارات الآلية (Webhooks). أرسل الترويسة `Authorization: Bearer <token>`؛ يصدر مدير البوابة الرموز بصلاحيات محددة. الأخطاء بصيغة JSON برموز ثابتة، ولكل رمز حد لعدد الطلبات.',
      },
    },
    servers: [{ url: baseUrl }],
    tags: [
      { name: 'applications', description: 'Applications', 'x-ar': { description: 'الطلبات' } },
      { name: 'certificates', description: 'Certificates', 'x-ar': { description: 'الشهادات' } },
      {
        name: 'catalogue',
        description: 'Services and statistics (open data)',
        'x-ar': { description: 'الخدمات والإحصاءات (بيانات مفتوحة)' },
      },
      {
        name: 'webhooks',
        description: 'Webhook subscriptions',
        'x-ar': { description: 'اشتراكات الإشعارات الآلية' },
      },
    ],
    paths: {
      '/api/v1/applications/{reference}': {
        get: operation({
          id: 'getApplication',
          tag: 'applications',
          scope: 'applications:read',
          summary: { en: 'An application’s status and timeline', ar: 'حالة الطلب وسجله' },
          description: {
            en: 'Status in plain words in both languages, the service, municipality, submission and decision dates, and what happened when (by role, never by name). 403 when the application’s service or municipality is outside the token’s scope.',
            ar: 'الحالة بكلمات واضحة باللغتين، والخدمة والبلدية وتاريخا التقديم والقرار، وما حدث ومتى (بالدور لا بالاسم). يُرفض بالرمز 403 إذا كانت خدمة الطلب أو بلديته خارج صلاحيات الرمز.',
          },
          parameters: [
            pathParam(
              'reference',
              { en: 'Reference number, e.g. RC-2026-7KQ4M9', ar: 'الرقم المرجعي، مثل RC-2026-7KQ4M9' },
              { type: 'string', maxLength: 40 },
            ),
          ],
          ok: { status: 200, schema: 'Application', description: { en: 'The application.', ar: 'الطلب.' } },
          errors: [403, 404],
        }),
      },
      '/api/v1/certificates/{code}': {
        get: operation({
          id: 'verifyCertificate',
          tag: 'certificates',
          scope: 'certificates:read',
          summary: { en: 'Verify a certificate', ar: 'التحقق من شهادة' },
          description: {
            en: 'What the QR code on a certificate leads to: valid, revoked, expired or unknown (a mistyped or tampered code is unknown), with the service, dates and the holder’s name partly masked.',
            ar: 'ما يقود إليه رمز QR على الشهادة: سارية أو ملغاة أو منتهية أو غير معروفة (الرمز الخاطئ أو المعدّل غير معروف)، مع الخدمة والتواريخ واسم صاحبها مخفياً جزئياً.',
          },
          parameters: [
            pathParam(
              'code',
              { en: 'Verification code from the certificate', ar: 'رمز التحقق المطبوع على الشهادة' },
              { type: 'string', maxLength: 200 },
            ),
          ],
          ok: {
            status: 200,
            schema: 'CertificateVerification',
            description: { en: 'The verification result.', ar: 'نتيجة التحقق.' },
          },
          errors: [403],
        }),
      },
      '/api/v1/services': {
        get: operation({
          id: 'listServices',
          tag: 'catalogue',
          summary: { en: 'Every service with its guide and form', ar: 'جميع الخدمات مع دليلها ونموذجها' },
          description: {
            en: 'Open data: no token needed; a token, when sent, must be valid and counts against its limit.',
            ar: 'بيانات مفتوحة: لا يلزم رمز؛ وإذا أُرسل رمز فيجب أن يكون صالحاً ويُحتسب من حده.',
          },
          ok: {
            status: 200,
            schema: 'ServiceList',
            description: { en: 'The catalogue.', ar: 'دليل الخدمات.' },
          },
          errors: [],
        }),
      },
      '/api/v1/services/{slug}': {
        get: operation({
          id: 'getService',
          tag: 'catalogue',
          summary: { en: 'One service', ar: 'خدمة واحدة' },
          description: { en: 'Open data, as above.', ar: 'بيانات مفتوحة، كما سبق.' },
          parameters: [
            pathParam(
              'slug',
              {
                en: 'Service identifier, e.g. residence-certificate',
                ar: 'معرّف الخدمة، مثل residence-certificate',
              },
              { type: 'string' },
            ),
          ],
          ok: { status: 200, schema: 'Service', description: { en: 'The service.', ar: 'الخدمة.' } },
          errors: [404],
        }),
      },
      '/api/v1/stats': {
        get: operation({
          id: 'getStats',
          tag: 'catalogue',
          summary: { en: 'Application counts and times', ar: 'أعداد الطلبات وأوقات إنجازها' },
          description: {
            en: 'Open data: counts per service, status, channel and month, working days to decision and service-level compliance, for a period of submission dates (default: the last two months).',
            ar: 'بيانات مفتوحة: الأعداد حسب الخدمة والحالة والقناة والشهر، وأيام العمل حتى القرار ونسبة الالتزام بزمن الخدمة، لفترة تقديم (افتراضياً آخر شهرين).',
          },
          parameters: [
            queryParam(
              'from',
              { en: 'First day, YYYY-MM-DD', ar: 'اليوم الأول، YYYY-MM-DD' },
              { type: 'string', format: 'date' },
            ),
            queryParam(
              'to',
              { en: 'Last day, YYYY-MM-DD', ar: 'اليوم الأخير، YYYY-MM-DD' },
              { type: 'string', format: 'date' },
            ),
            queryParam(
              'municipality',
              { en: 'One municipality', ar: 'بلدية واحدة' },
              { enum: MUNICIPALITY_CODES },
            ),
          ],
          ok: { status: 200, schema: 'Stats', description: { en: 'The report.', ar: 'التقرير.' } },
          errors: [400],
        }),
      },
      '/api/v1/webhooks': {
        get: operation({
          id: 'listWebhooks',
          tag: 'webhooks',
          scope: 'webhooks',
          summary: { en: 'This token’s webhook subscriptions', ar: 'اشتراكات هذا الرمز' },
          description: {
            en: 'Active subscriptions of the calling token.',
            ar: 'الاشتراكات النشطة للرمز المستخدم.',
          },
          ok: {
            status: 200,
            schema: 'WebhookSubscriptionList',
            description: { en: 'The subscriptions.', ar: 'الاشتراكات.' },
          },
          errors: [403],
        }),
        post: operation({
          id: 'createWebhook',
          tag: 'webhooks',
          scope: 'webhooks',
          summary: { en: 'Subscribe a URL to events', ar: 'اشتراك عنوان في أحداث' },
          description: {
            en: 'Application events need the applications:read scope (and reach you only for services and the municipality in scope); certificate events need certificates:read. The signing secret is returned once.',
            ar: 'أحداث الطلبات تتطلب صلاحية applications:read (وتصلك فقط للخدمات والبلدية ضمن الصلاحية)، وأحداث الشهادات تتطلب certificates:read. يُعرض سر التوقيع مرة واحدة.',
          },
          requestBody: 'WebhookSubscriptionRequest',
          ok: {
            status: 201,
            schema: 'WebhookSubscriptionCreated',
            description: { en: 'Subscribed; keep the secret.', ar: 'تم الاشتراك؛ احتفظ بالسر.' },
          },
          errors: [400, 403, 413],
        }),
      },
      '/api/v1/webhooks/{id}': {
        delete: operation({
          id: 'deleteWebhook',
          tag: 'webhooks',
          scope: 'webhooks',
          summary: { en: 'Stop a subscription', ar: 'إيقاف اشتراك' },
          description: {
            en: 'No more deliveries to it, pending ones included.',
            ar: 'لا تُرسل إليه أي إشعارات بعد ذلك، ولا المعلقة منها.',
          },
          parameters: [pathParam('id', { en: 'Subscription id', ar: 'رقم الاشتراك' }, { type: 'integer' })],
          ok: { status: 204, description: { en: 'Stopped.', ar: 'تم الإيقاف.' } },
          errors: [403, 404],
        }),
      },
      '/api/v1/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          tags: ['catalogue'],
          summary: 'This document',
          description: 'The OpenAPI 3.1 description of API v1.',
          'x-ar': { summary: 'هذا المستند', description: 'وصف OpenAPI 3.1 للإصدار الأول من الواجهة.' },
          security: [{}],
          responses: {
            '200': {
              description: 'The document.',
              'x-ar': { description: 'المستند.' },
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
    webhooks: {
      'application.submitted': webhookDelivery('application.submitted', 'ApplicationEvent', {
        en: 'An application was submitted',
        ar: 'قُدّم طلب',
      }),
      'application.decided': webhookDelivery('application.decided', 'ApplicationEvent', {
        en: 'An application was accepted or rejected',
        ar: 'صدر قرار بقبول طلب أو رفضه',
      }),
      'certificate.issued': webhookDelivery('certificate.issued', 'CertificateEvent', {
        en: 'A certificate was issued',
        ar: 'صدرت شهادة',
      }),
      'certificate.revoked': webhookDelivery('certificate.revoked', 'CertificateEvent', {
        en: 'A certificate was revoked',
        ar: 'أُلغيت شهادة',
      }),
    },
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: `Tokens look like mep_… and carry scopes: ${API_SCOPES.join(', ')}.`,
        },
      },
    },
  };
}

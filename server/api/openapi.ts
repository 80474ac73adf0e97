import { MUNICIPALITY_CODES } from '../../workflows/municipalities.js';
import { API_SCOPES } from '../services/api-tokens.js';
import { schemas, type Schema } from './openapi-schemas.js';
import { operation, pathParam, queryParam, webhookDelivery } from './openapi-operations.js';

/**
 * The OpenAPI 3.1 description of API v1: served at /api/v1/openapi.json, rendered for people at
 * /api, and used by the tests to validate real responses. English in the standard fields, Arabic
 * in `x-ar` beside them. Bodies: openapi-schemas.ts; operations: openapi-operations.ts.
 */

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

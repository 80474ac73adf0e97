import type { Knex } from 'knex';
import type { Registry } from '../../workflows/registry.js';
import type { FieldDef, Localized, ServiceDefinition } from '../../workflows/types.js';
import { isMunicipalityCode, municipalityName } from '../../workflows/municipalities.js';
import { isShown } from '../../workflows/form/form.js';
import type { ApplicationRow } from '../../db/repositories/applications.js';
import type { UserRow } from '../../db/repositories/users.js';
import { outboxRepository } from '../../db/repositories/outbox.js';
import { answerFormatter } from '../http/formatting.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { securityEvent } from '../logger.js';
import { renderCertificatePdf, type CertificateContent } from './certificate-pdf.js';
import { addMonths, DEFAULT_VALIDITY_MONTHS, maskName, VALIDITY_MONTHS } from './certificate-terms.js';
import { canonicalCode, newVerificationCode } from './certificate-code.js';

export { addMonths, DEFAULT_VALIDITY_MONTHS, maskName, VALIDITY_MONTHS } from './certificate-terms.js';

export interface CertificateRow {
  id: number;
  number: string;
  code: string;
  application_id: number;
  holder_id: number;
  holder_name: string;
  service_slug: string;
  service_version: number;
  municipality: string;
  content: string;
  issued_at: Date | string;
  valid_until: Date | string;
  revoked_at: Date | string | null;
  revoked_by: number | null;
  revoke_reason: string | null;
}

/** What the certificate row keeps of the holder and the form, as it was when issued. */
interface StoredContent {
  reference: string;
  holder: { identifier: string | null; kind: 'cpr' | 'cr' };
  facts: { label: Localized; value: Localized }[];
}

export type CertificateStatus = 'valid' | 'revoked' | 'expired';

/** The answer of `verify`, served at /verify/<code> and by the partner API. */
export interface Verification {
  status: CertificateStatus | 'unknown';
  number?: string;
  service?: { slug: string; name: Localized };
  municipality?: { code: string; name: Localized };
  issuedAt?: string;
  validUntil?: string;
  revokedAt?: string;
  holderMasked?: string;
}

export type CertificateEvent = 'certificate.issued' | 'certificate.revoked';

/** Told of every issue and revocation inside its transaction (partner webhooks use it). */
export type CertificateChangeHook = (
  trx: Knex.Transaction,
  event: CertificateEvent,
  data: Record<string, unknown>,
  subject: { applicationId: number; service: string; municipality: string },
) => Promise<unknown>;

export type RevokeResult =
  | { ok: true; certificate: CertificateRow }
  | { ok: false; code: 'reason_required' | 'already_revoked' | 'not_found' };

export const MAX_REVOKE_REASON = 1000;

/** Answers that are about reaching the applicant, not facts to certify; the holder has a row of their own. */
const NOT_CERTIFIED: ReadonlySet<FieldDef['type']> = new Set(['file', 'mobile', 'email', 'iban']);

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

export function certificatesService(deps: {
  db: Knex;
  registry: Registry;
  clock: Clock;
  logger: Logger;
  baseUrl: string;
  onChange?: CertificateChangeHook;
}) {
  const { db, registry, clock, logger, baseUrl } = deps;
  const outbox = outboxRepository(db);

  function definitionOf(row: { service_slug: string; service_version: number }): ServiceDefinition {
    const definition = registry.get(row.service_slug, row.service_version);
    if (!definition) throw new Error(`service ${row.service_slug} v${row.service_version} is not loaded`);
    return definition;
  }

  function certifiedFacts(definition: ServiceDefinition, answers: Record<string, unknown>) {
    const ar = answerFormatter('ar');
    const en = answerFormatter('en');
    return definition.fields
      .filter((field) => !NOT_CERTIFIED.has(field.type) && !field.prefill && isShown(field, answers))
      .filter((field) => answers[field.key] !== undefined && answers[field.key] !== '')
      .map((field) => ({
        label: field.label,
        value: { ar: ar(field, answers[field.key]), en: en(field, answers[field.key]) },
      }))
      .filter((fact) => fact.value.ar !== '' || fact.value.en !== '');
  }

  function statusOf(row: CertificateRow): CertificateStatus {
    if (row.revoked_at) return 'revoked';
    return clock.now().getTime() > toDate(row.valid_until).getTime() ? 'expired' : 'valid';
  }

  function verifyUrl(row: Pick<CertificateRow, 'code'>): string {
    return `${baseUrl}/verify/${row.code}`;
  }

  async function forApplication(applicationId: number): Promise<CertificateRow | undefined> {
    return db<CertificateRow>('certificates').where({ application_id: applicationId }).first();
  }

  /**
   * Issues the certificate of an accepted application, once: a second delivery of the same
   * outbox row (or of any other) finds the first certificate and returns it. It is dated now, or at
   * `issuedAt` for one issued after the fact (the demo's applications, accepted weeks before the seed).
   */
  async function issueFor(
    applicationId: number,
    options: { issuedAt?: Date } = {},
  ): Promise<{ certificate: CertificateRow; created: boolean }> {
    const existing = await forApplication(applicationId);
    if (existing) return { certificate: existing, created: false };
    const app = await db<ApplicationRow>('applications').where({ id: applicationId }).first();
    if (!app) throw new Error(`application ${applicationId} not found`);
    if (!app.municipality) throw new Error(`application ${applicationId} has no municipality`);
    const holder = await db<UserRow>('users').where({ id: app.applicant_id }).first();
    if (!holder) throw new Error(`applicant of application ${applicationId} not found`);
    const definition = definitionOf(app);
    const issuedAt = options.issuedAt ?? clock.now();
    const kind = holder.kind === 'investor' ? 'cr' : 'cpr';
    const content: StoredContent = {
      reference: app.reference ?? `#${app.id}`,
      holder: { identifier: (kind === 'cr' ? holder.cr : holder.cpr) ?? null, kind },
      facts: certifiedFacts(definition, JSON.parse(app.form_data) as Record<string, unknown>),
    };
    const code = newVerificationCode();
    return db.transaction(async (trx) => {
      const inserted = await trx('certificates')
        .insert({
          number: `CRT-${issuedAt.getUTCFullYear()}-${String(app.id).padStart(8, '0')}`,
          code,
          application_id: app.id,
          holder_id: holder.id,
          holder_name: holder.name,
          service_slug: app.service_slug,
          service_version: app.service_version,
          municipality: app.municipality,
          content: JSON.stringify(content),
          issued_at: issuedAt,
          valid_until: addMonths(issuedAt, VALIDITY_MONTHS[app.service_slug] ?? DEFAULT_VALIDITY_MONTHS),
        })
        .onConflict('application_id')
        .ignore()
        .returning<{ id: number }[]>('id');
      const certificate = (await trx<CertificateRow>('certificates')
        .where({ application_id: app.id })
        .first())!;
      const created = inserted.length > 0;
      if (created) await changed(trx, 'certificate.issued', certificate);
      return { certificate, created };
    });
  }

  async function changed(trx: Knex.Transaction, event: CertificateEvent, row: CertificateRow): Promise<void> {
    if (!deps.onChange) return;
    // Partners know applications by their reference number, never by the portal's internal id.
    const data = { ...verification(row), reference: contentOf(row).reference };
    await deps.onChange(trx, event, data, {
      applicationId: row.application_id,
      service: row.service_slug,
      municipality: row.municipality,
    });
  }

  function contentOf(row: CertificateRow): CertificateContent {
    const stored = JSON.parse(row.content) as StoredContent;
    const municipality = isMunicipalityCode(row.municipality)
      ? municipalityName(row.municipality)
      : { ar: row.municipality, en: row.municipality };
    return {
      number: row.number,
      verifyUrl: verifyUrl(row),
      reference: stored.reference,
      municipality,
      service: definitionOf(row).name,
      holder: { name: row.holder_name, ...stored.holder },
      issuedAt: toDate(row.issued_at),
      validUntil: toDate(row.valid_until),
      facts: stored.facts,
    };
  }

  function verification(row: CertificateRow): Verification {
    const definition = definitionOf(row);
    const municipality = isMunicipalityCode(row.municipality)
      ? municipalityName(row.municipality)
      : { ar: row.municipality, en: row.municipality };
    return {
      status: statusOf(row),
      number: row.number,
      service: { slug: definition.slug, name: { ar: definition.name.ar, en: definition.name.en } },
      municipality: { code: row.municipality, name: { ar: municipality.ar, en: municipality.en } },
      issuedAt: toDate(row.issued_at).toISOString(),
      validUntil: toDate(row.valid_until).toISOString(),
      ...(row.revoked_at ? { revokedAt: toDate(row.revoked_at).toISOString() } : {}),
      holderMasked: maskName(row.holder_name),
    };
  }

  async function verify(input: string): Promise<Verification> {
    // A code of the wrong shape cannot exist: answered without asking the database.
    const code = canonicalCode(input);
    if (!code) return { status: 'unknown' };
    const row = await db<CertificateRow>('certificates').where({ code }).first();
    return row ? verification(row) : { status: 'unknown' };
  }

  /**
   * Revokes a certificate for good, with the reason and who did it on the row, and tells the
   * holder (an in-app notice and an e-mail through the outbox, in the same transaction).
   */
  async function revoke(input: {
    certificateId: number;
    actorId: number;
    reason: string;
  }): Promise<RevokeResult> {
    const reason = input.reason.trim();
    if (!reason || reason.length > MAX_REVOKE_REASON) return { ok: false, code: 'reason_required' };
    const now = clock.now();
    const result = await db.transaction(async (trx) => {
      const row = await trx<CertificateRow>('certificates').where({ id: input.certificateId }).first();
      if (!row) return { ok: false as const, code: 'not_found' as const };
      const updated = await trx('certificates')
        .where({ id: row.id })
        .whereNull('revoked_at')
        .update({ revoked_at: now, revoked_by: input.actorId, revoke_reason: reason });
      if (updated === 0) return { ok: false as const, code: 'already_revoked' as const };
      await outbox.add(
        trx,
        [
          {
            applicationId: row.application_id,
            kind: 'notify',
            payload: { applicationId: row.application_id, to: 'applicant', template: 'certificate_revoked' },
          },
        ],
        now,
      );
      const certificate = { ...row, revoked_at: now, revoked_by: input.actorId, revoke_reason: reason };
      await changed(trx, 'certificate.revoked', certificate);
      return { ok: true as const, certificate };
    });
    if (result.ok) {
      securityEvent(logger, 'certificate_revoked', {
        certificateId: input.certificateId,
        number: result.certificate.number,
        userId: input.actorId,
      });
    }
    return result;
  }

  return {
    issueFor,
    forApplication,
    /** The holder's certificates, keyed by application, for "my applications". */
    async forHolder(holderId: number): Promise<Map<number, CertificateRow>> {
      const rows = await db<CertificateRow>('certificates').where({ holder_id: holderId });
      return new Map(rows.map((row) => [row.application_id, row]));
    },
    statusOf,
    verifyUrl,
    verify,
    revoke,
    /** The PDF, drawn from the row alone: the same bytes on every download. */
    pdf: (row: CertificateRow): Promise<Buffer> => renderCertificatePdf(contentOf(row)),
    /** A download name without anything personal. */
    fileName: (row: CertificateRow): string => `certificate-${row.number}.pdf`,
  };
}

export type CertificatesService = ReturnType<typeof certificatesService>;

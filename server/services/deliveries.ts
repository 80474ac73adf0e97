import type { Knex } from 'knex';
import type { Registry } from '../../workflows/registry.js';
import { applicationsRepository, type ApplicationRow } from '../../db/repositories/applications.js';
import type { UserRow } from '../../db/repositories/users.js';
import { translator, type Lang } from '../i18n.js';
import type { Mailer } from './mailer.js';
import type { OutboxHandler } from './outbox-worker.js';
import type { Clock } from '../clock.js';
import type { CertificatesService } from './certificates.js';

type Audience = 'applicant' | 'department' | 'supervisors' | 'clearance_bodies';

/**
 * How each kind of outbox row is delivered. Every handler is idempotent: notifications are unique
 * per (outbox row, person), e-mails carry a Message-ID fixed by the row, and outcomes (account or
 * certificate numbers) are written only when not already there.
 */
export function outboxHandlers(deps: {
  db: Knex;
  registry: Registry;
  mailer: Mailer;
  clock: Clock;
  baseUrl: string;
  certificates: Pick<CertificatesService, 'issueFor'>;
}): Record<string, OutboxHandler> {
  const { db, registry, mailer, clock } = deps;
  const applications = applicationsRepository(db);

  async function application(payload: Record<string, unknown>): Promise<ApplicationRow> {
    const row = await applications.findById(Number(payload.applicationId));
    if (!row) throw new Error(`application ${String(payload.applicationId)} not found`);
    return row;
  }

  async function staffOf(app: ApplicationRow, roles: string[], departments?: string[]): Promise<UserRow[]> {
    const query = db<UserRow>('users')
      .where({ kind: 'staff', municipality: app.municipality })
      .whereIn('role', roles)
      .whereNull('disabled_at');
    if (departments) {
      const matching = await query.clone().whereIn('department', departments);
      if (matching.length > 0) return matching;
    }
    return query;
  }

  async function recipients(
    app: ApplicationRow,
    audience: Audience,
    payload: Record<string, unknown>,
  ): Promise<UserRow[]> {
    switch (audience) {
      case 'applicant': {
        const user = await db<UserRow>('users').where({ id: app.applicant_id }).first();
        return user ? [user] : [];
      }
      case 'department':
        return staffOf(app, ['reviewer', 'supervisor'], [app.department]);
      case 'supervisors':
        return staffOf(app, ['supervisor']);
      case 'clearance_bodies':
        return staffOf(app, ['reviewer'], Array.isArray(payload.bodies) ? payload.bodies.map(String) : []);
    }
  }

  async function notifyPeople(
    row: { id: number },
    app: ApplicationRow,
    template: string,
    people: UserRow[],
    email: boolean,
  ) {
    const now = clock.now();
    const definition = registry.get(app.service_slug, app.service_version);
    for (const person of people) {
      const params = {
        reference: app.reference ?? `#${app.id}`,
        serviceAr: definition?.name.ar ?? app.service_slug,
        serviceEn: definition?.name.en ?? app.service_slug,
      };
      const insert = db('notifications').insert({
        user_id: person.id,
        application_id: app.id,
        outbox_id: row.id,
        template,
        params: JSON.stringify(params),
        created_at: now,
      });
      await insert.onConflict(['outbox_id', 'user_id']).ignore();
      if (email && person.email) {
        const lang: Lang = person.preferred_lang === 'en' ? 'en' : 'ar';
        const t = translator(lang);
        const service = lang === 'ar' ? params.serviceAr : params.serviceEn;
        await mailer.send({
          id: `outbox-${row.id}-user-${person.id}`,
          to: person.email,
          lang,
          subject: t(`notices.${template}.title`, { reference: params.reference, service }),
          text: [
            t('mail.greeting', { name: person.name }),
            '',
            t(`notices.${template}.body`, { reference: params.reference, service }),
            '',
            t('mail.follow', { url: `${deps.baseUrl}/applications/${app.id}` }),
            '',
            t('mail.signature'),
          ].join('\n'),
        });
      }
    }
  }

  async function setOutcome(app: ApplicationRow, key: string, value: unknown): Promise<void> {
    await db.transaction(async (trx) => {
      const fresh = await applications.findById(app.id, trx);
      const outcome = fresh?.outcome ? (JSON.parse(fresh.outcome) as Record<string, unknown>) : {};
      if (outcome[key] !== undefined) return;
      await trx('applications')
        .where({ id: app.id })
        .update({ outcome: JSON.stringify({ ...outcome, [key]: value }) });
    });
  }

  return {
    async notify(payload, row) {
      const app = await application(payload);
      const audience = String(payload.to) as Audience;
      const people = await recipients(app, audience, payload);
      await notifyPeople(row, app, String(payload.template), people, audience === 'applicant');
    },
    async assignAccountNumber(payload) {
      const app = await application(payload);
      // Derived from the application, so a redelivery produces the same number.
      const prefix = (app.municipality ?? 'x').slice(0, 3).toUpperCase();
      await setOutcome(app, 'accountNumber', `${prefix}-${String(app.id).padStart(8, '0')}`);
    },
    async issueCertificate(payload, row) {
      const app = await application(payload);
      // One certificate per application however often this row is delivered (docs/decisions/0005).
      const { certificate } = await deps.certificates.issueFor(app.id);
      await setOutcome(app, 'certificate', {
        number: certificate.number,
        issuedAt: new Date(certificate.issued_at).toISOString(),
      });
      const holder = await recipients(app, 'applicant', payload);
      await notifyPeople(row, app, 'certificate_issued', holder, true);
    },
    async requestPayout(payload, row) {
      const app = await application(payload);
      await notifyPeople(row, app, 'payout_requested', await staffOf(app, ['supervisor']), false);
    },
  };
}

import type { Knex } from 'knex';
import { MUNICIPALITIES, STAFF_ROLES, type StaffRole } from '../../workflows/municipalities.js';
import type { AccountsService } from './accounts.js';
import type { Logger } from '../logger.js';
import { generateApplications, SERVICE_WEIGHTS } from '../cli/generate-applications.js';
import { personName } from '../cli/generate/people.js';
import { rngFrom } from '../cli/generate/random.js';

/** The password every demo account gets; shown at start-up in development only. */
export const DEMO_PASSWORD = 'Demo-Portal-2026';

const DEPARTMENT_OF_ROLE: Record<StaffRole, string> = {
  reviewer: 'customer-services',
  supervisor: 'customer-services',
  counter: 'customer-services',
  admin: 'information-technology',
};

export interface DemoAccount {
  email: string;
  role: StaffRole;
  /** null: the national administrator (every municipality's reports, the services admin pages). */
  municipality: string | null;
}

export function demoStaffAccounts(): DemoAccount[] {
  return [
    ...MUNICIPALITIES.flatMap((m) =>
      STAFF_ROLES.map((role) => ({ email: `${role}.${m.code}@demo.bh`, role, municipality: m.code })),
    ),
    { email: 'admin@demo.bh', role: 'admin', municipality: null },
  ];
}

/**
 * Seeds demo staff for every municipality and role on the first start of a development install
 * (residents come with the demo applications, below). Does nothing when any staff account exists already.
 */
export async function seedDemoAccounts(
  db: Knex,
  accounts: AccountsService,
  logger: Logger,
): Promise<DemoAccount[]> {
  const existing: unknown = await db('users').where({ kind: 'staff' }).first();
  if (existing) return [];
  const created = demoStaffAccounts();
  // People's names, as staff accounts have (the same ones on every fresh install).
  const rng = rngFrom(2026, 17);
  for (const a of created) {
    await accounts.createStaff({
      name: personName(rng).name,
      email: a.email,
      password: DEMO_PASSWORD,
      role: a.role,
      municipality: a.municipality,
      department: DEPARTMENT_OF_ROLE[a.role],
    });
  }
  logger.info({ count: created.length }, 'demo staff accounts created');
  return created;
}

/**
 * The published two months (SERVICES.md: 4,028 e-transactions; residence certificate 1,751,
 * municipal account 550, insurance refund 453, excavation permit 284, building completion 250, the
 * other 740 over the other services) as submitted applications in the dashboard's default period
 * ending yesterday, with realistic statuses, channels and decision times, so a fresh install tells
 * that story on its first start. Only into a database with no applications; the generated
 * applicants and staff get the demo password.
 */
export async function seedDemoApplications(deps: {
  db: Knex;
  databaseUrl: string;
  period: { from: string };
  now: Date;
  logger: Logger;
  /** Issues the certificate of an accepted application, dated (services.certificates.issueFor). */
  issueCertificate?: (applicationId: number, options: { issuedAt: Date }) => Promise<unknown>;
}): Promise<number> {
  const { db, logger } = deps;
  const existing: unknown = await db('applications').first('id');
  if (existing) return 0;
  const summary = await generateApplications(
    {
      databaseUrl: deps.databaseUrl,
      count: 0,
      exactCounts: SERVICE_WEIGHTS,
      since: new Date(`${deps.period.from}T00:00:00+03:00`),
      now: deps.now,
      seed: 2026,
      applicants: 600,
      password: DEMO_PASSWORD,
      quiet: true,
    },
    (line) => logger.debug(line),
  );
  // The generator records the accepted certificate applications' numbers and issue times in their
  // outcome; the certificates themselves (PDF, QR code, /verify) are issued as the outbox would have,
  // dated when it would have issued them (moments after the decision), not on the day of the seed.
  let certificates = 0;
  if (deps.issueCertificate) {
    const accepted = await db('applications')
      .where({ status: 'accepted' })
      .whereLike('outcome', '%"certificate"%')
      .orderBy('id')
      .select<{ id: number; outcome: string }[]>('id', 'outcome');
    for (const { id, outcome } of accepted) {
      const { certificate } = JSON.parse(outcome) as { certificate: { issuedAt: string } };
      await deps.issueCertificate(id, { issuedAt: new Date(certificate.issuedAt) });
    }
    certificates = accepted.length;
  }
  logger.info(
    { count: summary.applications, certificates, seconds: summary.seconds },
    'demo applications created',
  );
  return summary.applications;
}

import type { Knex } from 'knex';
import { MUNICIPALITIES, STAFF_ROLES, type StaffRole } from '../../workflows/municipalities.js';
import type { AccountsService } from './accounts.js';
import type { Logger } from '../logger.js';

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
  municipality: string;
}

export function demoStaffAccounts(): DemoAccount[] {
  return MUNICIPALITIES.flatMap((m) =>
    STAFF_ROLES.map((role) => ({ email: `${role}.${m.code}@demo.bh`, role, municipality: m.code })),
  );
}

/**
 * Seeds demo staff for every municipality and role (and one demo resident) on the first start
 * of a development install. Does nothing when any staff account exists already.
 */
export async function seedDemoAccounts(
  db: Knex,
  accounts: AccountsService,
  logger: Logger,
): Promise<DemoAccount[]> {
  const existing: unknown = await db('users').where({ kind: 'staff' }).first();
  if (existing) return [];
  const created = demoStaffAccounts();
  for (const a of created) {
    await accounts.createStaff({
      name: `${a.role} ${a.municipality}`,
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

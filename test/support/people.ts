import type { TestContext } from './context.js';
import { VALID_PASSWORD } from './http.js';

export interface Person {
  id: number;
  role: 'applicant' | 'reviewer' | 'supervisor' | 'counter' | 'admin';
  email: string;
}

let counter = 0;

/** Inserts a resident directly (no HTTP), for tests that start after sign-up. */
export async function makeResident(ctx: TestContext, name = 'Huda Salman'): Promise<Person> {
  counter++;
  const now = ctx.clock.now();
  const email = `resident${counter}-${Date.now()}@example.bh`;
  const [row] = await ctx
    .db('users')
    .insert({
      kind: 'resident',
      cpr: String(800000000 + ((Date.now() + counter) % 99999999)).slice(0, 9),
      name,
      email,
      mobile: '+97336000000',
      password_hash: null,
      preferred_lang: 'ar',
      created_at: now,
      updated_at: now,
    })
    .returning<{ id: number }[]>('id');
  return { id: row!.id, role: 'applicant', email };
}

export async function makeStaff(
  ctx: TestContext,
  role: Exclude<Person['role'], 'applicant'>,
  municipality = 'capital',
  department = 'customer-services',
): Promise<Person> {
  counter++;
  const email = `${role}${counter}-${Date.now()}@${municipality}.bh`;
  const id = await ctx.services.accounts.createStaff({
    name: `${role} ${counter}`,
    email,
    password: VALID_PASSWORD,
    role,
    municipality,
    department,
  });
  return { id, role, email };
}

import type { Knex } from 'knex';

export type UserKind = 'resident' | 'investor' | 'staff';

export interface UserRow {
  id: number;
  kind: UserKind;
  cpr: string | null;
  cr: string | null;
  name: string;
  email: string;
  mobile: string | null;
  password_hash: string | null;
  preferred_lang: 'ar' | 'en';
  role: string | null;
  municipality: string | null;
  department: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  disabled_at: Date | string | null;
}

export type NewUser = Omit<UserRow, 'id' | 'created_at' | 'updated_at' | 'disabled_at'>;

export function usersRepository(db: Knex) {
  return {
    async findById(id: number): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ id }).first();
    },
    async findByEmail(email: string): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ email }).first();
    },
    async findByCpr(cpr: string): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ cpr }).first();
    },
    async findByCr(cr: string): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ cr }).first();
    },
    async insert(user: NewUser, now: Date): Promise<number> {
      const [row] = await db('users')
        .insert({ ...user, created_at: now, updated_at: now })
        .returning<{ id: number }[]>('id');
      if (!row) throw new Error('insert returned no id');
      return row.id;
    },
    async update(
      id: number,
      changes: Partial<Pick<UserRow, 'name' | 'mobile' | 'preferred_lang' | 'password_hash'>>,
      now: Date,
    ): Promise<void> {
      await db('users')
        .where({ id })
        .update({ ...changes, updated_at: now });
    },
    async countStaff(): Promise<number> {
      const row = await db('users').where({ kind: 'staff' }).count<{ n: number | string }[]>({ n: '*' });
      return Number(row[0]?.n ?? 0);
    },
  };
}

export type UsersRepository = ReturnType<typeof usersRepository>;

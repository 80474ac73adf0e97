import type { Knex } from 'knex';
import type { Clock } from '../clock.js';

export interface NoticeRow {
  id: number;
  application_id: number | null;
  template: string;
  params: string;
  read_at: Date | string | null;
  created_at: Date | string;
}

/** The in-app notices the outbox delivered to a person. */
export function noticesService(db: Knex, clock: Clock) {
  return {
    async unreadCount(userId: number): Promise<number> {
      const [row] = await db('notifications')
        .where({ user_id: userId })
        .whereNull('read_at')
        .count<{ n: number | string }[]>({ n: '*' });
      return Number(row?.n ?? 0);
    },
    async latest(userId: number, limit = 50): Promise<NoticeRow[]> {
      return db('notifications').where({ user_id: userId }).orderBy('id', 'desc').limit(limit) as Promise<
        NoticeRow[]
      >;
    },
    async markAllRead(userId: number): Promise<void> {
      await db('notifications')
        .where({ user_id: userId })
        .whereNull('read_at')
        .update({ read_at: clock.now() });
    },
  };
}

export type NoticesService = ReturnType<typeof noticesService>;

import type { SessionData } from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Knex } from 'knex';
import { clientOf } from '../../db/connection.js';
import type { UserRow } from '../../db/repositories/users.js';

/** How long a user row read with its session waits for the request's `currentUser` to take it. */
const PRELOAD_TTL_MS = 2_000;
const PRELOAD_LIMIT = 1_000;

/**
 * The database session store, reading the signed-in person's user row in the same statement as the
 * session (a join on the session's `userId`), so a signed-in request reads once instead of twice.
 * The row is handed to `currentUser` of the same request through `takeUser` and is exactly as fresh
 * as the session itself (a disabled account is seen at once, as before). Only the read changes:
 * writes, touches and clean-up are connect-session-knex's own.
 */
export class SessionWithUserStore extends ConnectSessionKnexStore {
  private readonly preloaded = new Map<string, { user: UserRow; at: number }>();
  private readonly db: Knex;

  constructor(db: Knex, options: { tableName: string; cleanupInterval: number }) {
    super({ knex: db, createTable: false, ...options });
    this.db = db;
  }

  override async get(
    sid: string,
    callback: (err: unknown, session?: SessionData | null) => void,
  ): Promise<SessionData | null> {
    try {
      await this.ready;
      const db = this.db;
      const table = this.options.tableName;
      const postgres = clientOf(db) === 'pg';
      const userId = postgres
        ? db.raw(`(s.sess::json->>'userId')::bigint`)
        : db.raw(`json_extract(s.sess, '$.userId')`);
      const now = new Date().toISOString();
      const rows = await db({ s: table })
        .leftJoin({ u: 'users' }, 'u.id', userId)
        .select('u.*', { session_text: 's.sess' })
        .where('s.sid', sid)
        .andWhereRaw(
          postgres ? 'cast(? as timestamptz) <= s.expired' : 'datetime(?) <= datetime(s.expired)',
          [now],
        );
      // Every users column is null when the session has no person, or a person no longer there.
      const row = rows[0] as ({ session_text: string } & Record<string, unknown>) | undefined;
      let session: SessionData | null = null;
      if (row) {
        session = JSON.parse(row.session_text) as SessionData;
        const { session_text: _text, ...user } = row;
        if (user.id !== null && user.id !== undefined) this.remember(sid, user as unknown as UserRow);
      }
      callback(null, session);
      return session;
    } catch (err) {
      callback(err);
      throw err;
    }
  }

  /** The user row read with this session in the current request, if it is this person's. */
  takeUser(sid: string, userId: number): UserRow | undefined {
    const entry = this.preloaded.get(sid);
    if (!entry) return undefined;
    this.preloaded.delete(sid);
    if (Date.now() - entry.at > PRELOAD_TTL_MS || Number(entry.user.id) !== Number(userId)) return undefined;
    return entry.user;
  }

  private remember(sid: string, user: UserRow): void {
    // Entries are taken at once; a request that ends before `currentUser` leaves one behind.
    if (this.preloaded.size >= PRELOAD_LIMIT) this.preloaded.clear();
    this.preloaded.set(sid, { user, at: Date.now() });
  }
}

import type { Knex } from 'knex';
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';

/**
 * express-rate-limit store kept in the database, so limits add up across every process.
 * One atomic upsert per hit: a new window starts when the stored one has passed.
 * Works on SQLite (3.35+, RETURNING) and PostgreSQL with the same SQL.
 */
export class KnexRateLimitStore implements Store {
  windowMs = 60_000;
  readonly localKeys = false;

  constructor(
    private readonly db: Knex,
    readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private key(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = (await this.db('rate_limits')
      .where({ key: this.key(key) })
      .first()) as { hits: number; reset_at: string | number } | undefined;
    if (!row || Number(row.reset_at) <= this.now()) return undefined;
    return { totalHits: Number(row.hits), resetTime: new Date(Number(row.reset_at)) };
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.now();
    const resetAt = now + this.windowMs;
    const result: unknown = await this.db.raw(
      `insert into rate_limits (key, hits, reset_at) values (?, 1, ?)
       on conflict (key) do update set
         hits = case when rate_limits.reset_at <= ? then 1 else rate_limits.hits + 1 end,
         reset_at = case when rate_limits.reset_at <= ? then excluded.reset_at else rate_limits.reset_at end
       returning hits, reset_at`,
      [this.key(key), resetAt, now, now],
    );
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      hits: number | string;
      reset_at: number | string;
    }[];
    const row = rows[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    return { totalHits: Number(row.hits), resetTime: new Date(Number(row.reset_at)) };
  }

  async decrement(key: string): Promise<void> {
    await this.db('rate_limits')
      .where({ key: this.key(key) })
      .andWhere('hits', '>', 0)
      .decrement('hits', 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.db('rate_limits')
      .where({ key: this.key(key) })
      .delete();
  }

  /** Drops windows that have passed; called by the housekeeping loop. */
  async prune(): Promise<number> {
    return this.db('rate_limits').where('reset_at', '<=', this.now()).delete();
  }
}

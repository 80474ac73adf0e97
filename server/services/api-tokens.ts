import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { UserRow } from '../../db/repositories/users.js';
import type { Clock } from '../clock.js';

export const API_SCOPES = ['applications:read', 'certificates:read', 'webhooks'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** How long a token may live; there is no token without an end. */
export const TOKEN_LIFETIMES_DAYS = [30, 90, 365] as const;

/** Tokens read `mep_` + 43 base64url characters (256 random bits). */
const TOKEN_PREFIX = 'mep_';
const TOKEN_SHAPE = /^mep_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most once a minute per token, not on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface ApiTokenRow {
  id: number;
  name: string;
  token_hash: string;
  token_prefix: string;
  scopes: string;
  services: string | null;
  municipality: string | null;
  created_by: number;
  created_at: Date | string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  revoked_by: number | null;
  last_used_at: Date | string | null;
}

/** A token as the rest of the portal sees it: parsed scopes, never the hash. */
export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  /** Services whose applications it may read; null: all of them. */
  services: string[] | null;
  municipality: string | null;
  createdBy: number;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export type TokenCheck =
  { ok: true; token: ApiToken } | { ok: false; reason: 'token_invalid' | 'token_expired' | 'token_revoked' };

export function dateOf(value: Date | string | number): Date {
  if (value instanceof Date) return value;
  return typeof value === 'number' || /^\d+$/.test(value) ? new Date(Number(value)) : new Date(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    prefix: row.token_prefix,
    scopes: (JSON.parse(row.scopes) as string[]).filter((s): s is ApiScope =>
      (API_SCOPES as readonly string[]).includes(s),
    ),
    services: row.services ? (JSON.parse(row.services) as string[]) : null,
    municipality: row.municipality,
    createdBy: row.created_by,
    createdAt: dateOf(row.created_at),
    expiresAt: dateOf(row.expires_at),
    revokedAt: row.revoked_at ? dateOf(row.revoked_at) : null,
    lastUsedAt: row.last_used_at ? dateOf(row.last_used_at) : null,
  };
}

/** Whether a token may read applications of this service in this municipality. */
export function coversApplication(token: ApiToken, service: string, municipality: string | null): boolean {
  if (!token.scopes.includes('applications:read')) return false;
  if (token.services && !token.services.includes(service)) return false;
  return !token.municipality || token.municipality === municipality;
}

export interface IssueTokenInput {
  name: string;
  scopes: ApiScope[];
  services: string[] | null;
  lifetimeDays: (typeof TOKEN_LIFETIMES_DAYS)[number];
}

/**
 * API tokens for partner agencies (docs/decisions/0006): 256 random bits, shown once, kept as
 * their SHA-256. A token is found by its hash; an unknown, expired or revoked token is refused.
 */
export function apiTokensService(deps: { db: Knex; clock: Clock }) {
  const { db, clock } = deps;

  /** Issues a token; the returned `secret` is the only time the token exists in the clear. */
  async function issue(admin: UserRow, input: IssueTokenInput): Promise<{ token: ApiToken; secret: string }> {
    const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = clock.now();
    const [row] = await db('api_tokens')
      .insert({
        name: input.name,
        token_hash: hashToken(secret),
        token_prefix: secret.slice(0, 10),
        scopes: JSON.stringify(input.scopes),
        services: input.services ? JSON.stringify(input.services) : null,
        municipality: admin.municipality,
        created_by: admin.id,
        created_at: now,
        expires_at: new Date(now.getTime() + input.lifetimeDays * 24 * 60 * 60 * 1000),
      })
      .returning<ApiTokenRow[]>('*');
    if (!row) throw new Error('token insert returned no row');
    return { token: toToken(row), secret };
  }

  /** Checks a presented token and records its use. */
  async function authenticate(presented: string): Promise<TokenCheck> {
    if (!TOKEN_SHAPE.test(presented)) return { ok: false, reason: 'token_invalid' };
    const row = await db<ApiTokenRow>('api_tokens')
      .where({ token_hash: hashToken(presented) })
      .first();
    if (!row) return { ok: false, reason: 'token_invalid' };
    const token = toToken(row);
    const now = clock.now();
    if (token.revokedAt) return { ok: false, reason: 'token_revoked' };
    if (token.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'token_expired' };
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await db('api_tokens').where({ id: token.id }).update({ last_used_at: now });
      token.lastUsedAt = now;
    }
    return { ok: true, token };
  }

  /** Tokens an administrator may see: all for a national one, their municipality's otherwise. */
  async function list(admin: UserRow): Promise<ApiToken[]> {
    const query = db<ApiTokenRow>('api_tokens').orderBy('id', 'desc');
    const rows: ApiTokenRow[] = admin.municipality
      ? await query.where({ municipality: admin.municipality })
      : await query;
    return rows.map(toToken);
  }

  async function find(admin: UserRow, id: number): Promise<ApiToken | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    return (await list(admin)).find((t) => t.id === id);
  }

  /** `conn`: the caller's transaction, when there is one (SQLite has a single connection). */
  async function findById(id: number, conn: Knex = db): Promise<ApiToken | undefined> {
    const row = await conn<ApiTokenRow>('api_tokens').where({ id }).first();
    return row ? toToken(row) : undefined;
  }

  /** Revokes a token the administrator may see; false when there is none or it was already revoked. */
  async function revoke(admin: UserRow, id: number): Promise<boolean> {
    const token = await find(admin, id);
    if (!token || token.revokedAt) return false;
    const n = await db('api_tokens')
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: clock.now(), revoked_by: admin.id });
    return n === 1;
  }

  /** Whether a token is usable now (not revoked, not expired). */
  function isActive(token: ApiToken): boolean {
    return !token.revokedAt && token.expiresAt.getTime() > clock.now().getTime();
  }

  return { issue, authenticate, list, find, findById, revoke, isActive };
}

export type ApiTokensService = ReturnType<typeof apiTokensService>;

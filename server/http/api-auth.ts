import type { RequestHandler, Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Knex } from 'knex';
import type { ApiScope, ApiToken, ApiTokensService } from '../services/api-tokens.js';
import { KnexRateLimitStore } from '../security/rate-limit-store.js';
import { securityEvent, type Logger } from '../logger.js';
import { ApiError } from './errors.js';
import type { RateLimitSettings } from './security.js';

declare module 'express-serve-static-core' {
  interface Locals {
    /** The partner's token on /api/v1 requests that carried a valid one, else null. */
    apiToken?: ApiToken | null;
  }
}

const BEARER = /^Bearer ([^\s]+)$/;

/** True when the request carries `Authorization: Bearer …` (whatever the token is worth). */
export function hasBearer(req: Request): boolean {
  return /^Bearer\s/i.test(req.get('authorization') ?? '');
}

const REFUSALS: Record<string, string> = {
  token_invalid: 'The bearer token is not valid.',
  token_expired: 'The bearer token has expired.',
  token_revoked: 'The bearer token has been revoked.',
};

function refuse(code: string, res: Parameters<RequestHandler>[1]): ApiError {
  res.set('WWW-Authenticate', 'Bearer realm="api", error="invalid_token"');
  return new ApiError(401, code, REFUSALS[code] ?? 'The bearer token is not valid.');
}

/**
 * Bearer authentication for /api/v1 (docs/decisions/0006). A request without an Authorization
 * header goes on anonymously (the public endpoints serve it, the others answer 401); one with a
 * header must carry a valid token, or it is refused with 401 whatever endpoint it asked for. The
 * session cookie is never consulted. Each token then has its own rate limit, counted in the
 * database so it holds across processes.
 */
export function apiAuthentication(deps: {
  tokens: ApiTokensService;
  db: Knex;
  logger: Logger;
  limit: RateLimitSettings;
}): RequestHandler[] {
  const { tokens, db, logger } = deps;
  const authenticate: RequestHandler = async (req, res, next) => {
    res.locals.apiToken = null;
    const header = req.get('authorization');
    if (header === undefined) return next();
    const presented = BEARER.exec(header.trim())?.[1];
    const check = presented
      ? await tokens.authenticate(presented)
      : ({ ok: false, reason: 'token_invalid' } as const);
    if (!check.ok) {
      securityEvent(logger, 'api_token_refused', { reason: check.reason, ip: req.ip, path: req.path });
      return next(refuse(check.reason, res));
    }
    res.locals.apiToken = check.token;
    next();
  };
  const perToken = rateLimit({
    windowMs: deps.limit.windowMs,
    limit: deps.limit.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    store: new KnexRateLimitStore(db, 'api'),
    skip: (_req, res) => !res.locals.apiToken,
    keyGenerator: (_req, res) => `token:${res.locals.apiToken?.id ?? 0}`,
    validate: { trustProxy: false, xForwardedForHeader: false, keyGeneratorIpFallback: false },
    handler: (req, res, next) => {
      securityEvent(logger, 'rate_limited', {
        limiter: 'api',
        tokenId: res.locals.apiToken?.id,
        path: req.path,
      });
      next(new ApiError(429, 'rate_limited', 'Too many requests for this token; wait and try again.'));
    },
  });
  return [authenticate, perToken];
}

/** The endpoint needs a token with this scope: none is 401, one without the scope 403. */
export function requireScope(scope: ApiScope): RequestHandler {
  return (_req, res, next) => {
    const token = res.locals.apiToken;
    if (!token) {
      res.set('WWW-Authenticate', 'Bearer realm="api"');
      return next(new ApiError(401, 'token_missing', 'This endpoint needs an Authorization: Bearer token.'));
    }
    if (!token.scopes.includes(scope)) {
      return next(new ApiError(403, 'insufficient_scope', `This token does not have the "${scope}" scope.`));
    }
    next();
  };
}

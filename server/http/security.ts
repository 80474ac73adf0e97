import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import { csrfSync } from 'csrf-sync';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import { KnexRateLimitStore } from '../security/rate-limit-store.js';
import { HttpError } from './errors.js';
import { isUploadPath } from './upload-paths.js';
import type { Logger } from '../logger.js';
import { securityEvent } from '../logger.js';

export function securityHeaders(config: Config): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        ...(config.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.production ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
}

export function isMultipart(contentType: string | undefined): boolean {
  return (contentType ?? '').toLowerCase().startsWith('multipart/form-data');
}

/**
 * A partner's API call: under /api/v1, with a bearer token and without the session cookie. Such
 * a request carries no ambient credential a forged cross-site request could ride on (browsers
 * cannot add an Authorization header cross-site without CORS, which the portal never grants).
 */
function isBearerApiRequest(req: Request, sessionCookie: string): boolean {
  const cookies = req.cookies as Record<string, unknown> | undefined;
  return (
    req.path.startsWith('/api/v1/') &&
    /^Bearer\s/i.test(req.get('authorization') ?? '') &&
    cookies?.[sessionCookie] === undefined
  );
}

/**
 * CSRF (synchroniser token in the session). Multipart bodies are not parsed yet when this runs,
 * so on registered upload paths they are checked by `afterUpload` right after multer parses
 * them (see upload-paths.ts); elsewhere a multipart body has no readable token and is refused.
 * Bearer-token API calls are exempt (see isBearerApiRequest); every other request, under /api
 * or not, is checked.
 */
export function csrfProtection(sessionCookie = 'sid') {
  const sync = csrfSync({
    getTokenFromRequest: (req) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body?._csrf;
      if (typeof fromBody === 'string') return fromBody;
      const header = req.get('x-csrf-token');
      return header ?? undefined;
    },
    skipCsrfProtection: (req) =>
      (isMultipart(req.get('content-type')) && isUploadPath(req.path)) ||
      isBearerApiRequest(req, sessionCookie),
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
  });
  // Lazy: a token (and so a session) is made only when a page actually contains a form.
  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrf = () => sync.generateToken(req);
    next();
  };
  const afterUpload: RequestHandler = (req, _res, next) => {
    if (!sync.isRequestValid(req)) {
      return next(Object.assign(new HttpError(403, 'invalid csrf token'), { code: 'EBADCSRFTOKEN' }));
    }
    next();
  };
  return {
    protect: sync.csrfSynchronisedProtection,
    exposeToken,
    afterUpload,
    /** A new token after sign-in, so one from before cannot be replayed. */
    rotate: (req: Parameters<typeof sync.generateToken>[0]) => sync.generateToken(req, true),
  };
}

export interface RateLimitSettings {
  windowMs: number;
  limit: number;
}

/**
 * A rate limit whose counters live in the database (or in `store`, e.g. Redis). The key is the client address as Express
 * sees it: with `trust proxy` set to the number of proxies, a forged X-Forwarded-For is ignored.
 */
export function rateLimiter(
  db: Knex,
  logger: Logger,
  name: string,
  settings: RateLimitSettings,
  options: {
    skipSuccessfulRequests?: boolean;
    store?: Store;
    /** What is counted together besides the address (e.g. the account asked for); default: the address alone. */
    keyPart?: (req: Request) => string;
  } = {},
): RequestHandler {
  const { keyPart } = options;
  return rateLimit({
    ...(keyPart ? { keyGenerator: (req: Request) => `${ipKeyGenerator(req.ip ?? '')}|${keyPart(req)}` } : {}),
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: options.skipSuccessfulRequests ?? false,
    store: options.store ?? new KnexRateLimitStore(db, name),
    validate: { trustProxy: false, xForwardedForHeader: false },
    handler: (req, _res, next) => {
      securityEvent(logger, 'rate_limited', { limiter: name, ip: req.ip, path: req.path });
      next(new HttpError(429, 'rate limited'));
    },
  });
}

/**
 * Failed sign-ins are limited per account asked for from one address (guessing one person's
 * password), and, ten times higher, per address (trying many accounts). Counting per account means
 * the colleagues of one office behind one address can sign in at the same moment: express-rate-limit
 * counts a request before it is answered and takes a successful one off only afterwards, so a single
 * per-address limit of five refused the sixth of six simultaneous correct sign-ins.
 */
export function signInLimiter(
  make: (name: string, settings: RateLimitSettings, keyPart?: (req: Request) => string) => RequestHandler,
  settings: RateLimitSettings,
): RequestHandler {
  const identifier = (req: Request) => {
    const body = req.body as Record<string, unknown> | undefined;
    return typeof body?.identifier === 'string' ? body.identifier.trim().toLowerCase().slice(0, 200) : '';
  };
  const perAccount = make('signin', settings, identifier);
  const perAddress = make('signin-address', { ...settings, limit: settings.limit * 10 });
  return (req, res, next) => {
    void perAccount(req, res, (err?: unknown) => (err ? next(err) : void perAddress(req, res, next)));
  };
}

import path from 'node:path';
import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import type { Knex } from 'knex';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';
import type { Services } from './services/index.js';
import { nodeModulesDir, publicDir, viewsDir } from './paths.js';
import { layoutEngine } from './http/render.js';
import { languageLocals } from './http/locals.js';
import {
  currentUser,
  FLASH_COOKIE,
  sessionCookieName,
  sessionMiddleware,
  takeFlash,
} from './http/session.js';
import {
  csrfProtection,
  rateLimiter,
  securityHeaders,
  signInLimiter,
  type RateLimitSettings,
} from './http/security.js';
import { errorHandler, notFound } from './http/errors.js';
import { publicRoutes } from './routes/public.js';
import { authRoutes } from './routes/auth.js';
import { accountRoutes } from './routes/account.js';
import { catalogueRoutes } from './routes/catalogue.js';
import { applyRoutes } from './routes/apply.js';
import { applyStartRoutes } from './routes/apply-start.js';
import { myApplicationRoutes } from './routes/my-application.js';
import { QUERY_FILES } from './services/query-files.js';
import { documentRoutes } from './routes/documents.js';
import { noticeRoutes, unreadNotices } from './routes/notices.js';
import { trackRoutes } from './routes/track.js';
import { verifyRoutes } from './routes/verify.js';
import { backofficeRoutes } from './routes/backoffice.js';
import { intakeRoutes } from './routes/intake.js';
import { reportRoutes } from './routes/reports.js';
import { apiDocsRoutes, apiRoutes } from './routes/api.js';
import { adminApiRoutes } from './routes/admin-api.js';
import { adminServicesRoutes } from './routes/admin-services.js';
import { apiAuthentication } from './http/api-auth.js';
import { createUploadParser } from './http/uploads.js';
import { redisRateLimitStore, type RedisClient } from './http/redis-stores.js';
import { publicPageCache } from './http/public-page-cache.js';
import { requestLog } from './http/request-log.js';
import './http/augment.js';

export interface AppDependencies {
  config: Config;
  db: Knex;
  logger: Logger;
  clock: Clock;
  services: Services;
  limits?: Partial<Record<'signIn' | 'signUp' | 'track' | 'api' | 'verify', RateLimitSettings>>;
  /** With REDIS_URL: sessions and sign-in, sign-up, track and verify counters live there. */
  redis?: RedisClient;
}

export const DEFAULT_LIMITS: Record<'signIn' | 'signUp' | 'track' | 'api' | 'verify', RateLimitSettings> = {
  // The sixth failed sign-in within 15 minutes from one address is refused.
  signIn: { windowMs: 15 * 60 * 1000, limit: 5 },
  signUp: { windowMs: 60 * 60 * 1000, limit: 10 },
  // Public look-ups by reference and CPR: enough for a person, too few to guess with.
  track: { windowMs: 15 * 60 * 1000, limit: 10 },
  // Certificate verification: a bank or court checks a few documents, not thousands of codes.
  verify: { windowMs: 15 * 60 * 1000, limit: 30 },
  // Per partner token: a steady system's polling, not a crawl of every reference.
  api: { windowMs: 60 * 1000, limit: 120 },
};

const STATIC_OPTIONS = { maxAge: '30d', immutable: false, index: false, fallthrough: true } as const;

/** Builds the portal; tests build it with their own database, clock and limits. */
export function createApp(deps: AppDependencies): Express {
  const { config, db, logger, clock, services } = deps;
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  // Rate-limit counters: Redis when given, otherwise the database (the default store).
  const limitStore = (name: string) => (deps.redis ? { store: redisRateLimitStore(deps.redis, name) } : {});
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  // Compiled templates, and Express's look-up of a view's file, are cached except in development,
  // where views are edited while it runs (Express alone would cache only under NODE_ENV=production).
  const cacheViews = config.env !== 'development';
  app.set('view cache', cacheViews);
  app.engine('ejs', layoutEngine(cacheViews));

  app.use(requestLog(logger));
  app.use(securityHeaders(config));

  // Static assets, served before sessions so they never create one. No CDN: all from here.
  app.use('/static', express.static(publicDir, STATIC_OPTIONS));
  app.use(
    '/static/bootstrap',
    express.static(path.join(nodeModulesDir, 'bootstrap', 'dist'), STATIC_OPTIONS),
  );
  app.use(
    '/static/fonts/noto-sans-arabic',
    express.static(path.join(nodeModulesDir, '@fontsource', 'noto-sans-arabic'), STATIC_OPTIONS),
  );

  // Service settings changed by an administrator in another process are read again after a few
  // seconds (docs/decisions/0007); static files above never wait for it.
  app.use(async (_req, _res, next) => {
    await services.serviceSettings.fresh();
    next();
  });

  // The partner API (docs/decisions/0006): bearer tokens only, mounted before cookies and the
  // session, so its requests never read a session and so need no CSRF token.
  app.use('/api/v1', ...apiAuthentication({ tokens: services.apiTokens, db, logger, limit: limits.api }));
  app.use(apiRoutes(services, config));

  app.use(cookieParser());
  // Signs the flash-message cookie (server/http/session.ts).
  app.set('flash secret', config.sessionSecret);
  app.use(languageLocals);
  // Home, catalogue and guides as a visitor without a session sees them: rendered once per few
  // seconds, not once per visitor (docs/decisions/0009).
  const pageCache = publicPageCache({
    bypassCookies: [sessionCookieName(config), FLASH_COOKIE],
    generation: () => services.registry.appliedAt,
    cacheable: (p) => p === '/' || p === '/services' || /^\/services\/[a-z0-9-]+$/.test(p),
  });
  app.locals.publicPageCache = pageCache;
  app.use(pageCache.middleware);
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 300 }));
  app.use(express.json({ limit: '100kb' }));
  app.use(sessionMiddleware(db, config, deps.redis));
  app.use(currentUser(services.accounts, clock));
  app.use((req, res, next) => {
    res.locals.takeFlash = () => takeFlash(req);
    // A signed-in person's pages hold their own data: the browser must not keep them, so that after
    // signing out on a shared computer "Back" asks the server again (ASVS 14.3.2).
    if (res.locals.user) res.set('Cache-Control', 'no-store');
    next();
  });
  const csrf = csrfProtection(sessionCookieName(config));
  app.use(csrf.protect);
  app.use(csrf.exposeToken);
  app.use(unreadNotices(services));

  app.use(publicRoutes(db, config));
  app.use(
    authRoutes({
      services,
      logger,
      config,
      signInLimiter: signInLimiter(
        (name, settings, keyPart) =>
          rateLimiter(db, logger, name, settings, {
            skipSuccessfulRequests: true,
            ...limitStore(name),
            ...(keyPart ? { keyPart } : {}),
          }),
        limits.signIn,
      ),
      signUpLimiter: rateLimiter(db, logger, 'signup', limits.signUp, limitStore('signup')),
      rotateCsrf: csrf.rotate,
      clock,
    }),
  );
  app.use(accountRoutes(services, config));
  app.use(catalogueRoutes(services));
  // The ceiling per file is the largest size any service's requirement allows; each upload is
  // then held to its own requirement's limit.
  const largestMb = Math.max(
    ...services.registry.all().flatMap((d) => d.guide.documents.map((r) => r.maxSizeMb)),
    QUERY_FILES.maxSizeMb,
  );
  const { parseUpload, parsePageUpload } = createUploadParser(csrf.afterUpload, {
    fileSizeBytes: largestMb * 1024 * 1024,
  });
  app.use(applyStartRoutes(services, parsePageUpload));
  app.use(applyRoutes(services, parsePageUpload));
  app.use(myApplicationRoutes(services, parsePageUpload));
  app.use(documentRoutes(services, parseUpload));
  app.use(noticeRoutes(services));
  app.use(backofficeRoutes(services));
  app.use(intakeRoutes(services));
  app.use(reportRoutes(services));
  app.use(apiDocsRoutes(services, config));
  app.use(adminApiRoutes(services, config));
  app.use(adminServicesRoutes(services));
  app.use(trackRoutes(services, rateLimiter(db, logger, 'track', limits.track, limitStore('track'))));
  app.use(verifyRoutes(services, rateLimiter(db, logger, 'verify', limits.verify, limitStore('verify'))));

  app.use(notFound);
  app.use(errorHandler(logger));
  return app;
}

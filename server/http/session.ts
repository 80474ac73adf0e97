import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { AccountsService } from '../services/accounts.js';
import type { Clock } from '../clock.js';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

export function sessionCookieName(config: Config): string {
  // __Host- binds the cookie to this host, path / and HTTPS (ASVS 3.3.1).
  return config.production ? '__Host-sid' : 'sid';
}

/** Sessions in the database (never process memory), rolling 30-minute idle timeout. */
export function sessionMiddleware(db: Knex, config: Config): RequestHandler {
  const store = new ConnectSessionKnexStore({
    knex: db,
    tableName: 'sessions',
    createTable: false,
    cleanupInterval: config.env === 'test' ? 0 : 15 * 60 * 1000,
  });
  return session({
    name: sessionCookieName(config),
    secret: config.sessionSecret,
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.trustProxy > 0,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.production,
      path: '/',
      maxAge: IDLE_TIMEOUT_MS,
    },
  });
}

/** Loads the signed-in person; ends sessions past the absolute timeout or of disabled accounts. */
export function currentUser(accounts: AccountsService, clock: Clock): RequestHandler {
  return async (req, res, next) => {
    res.locals.user = null;
    const { userId, signedInAt } = req.session;
    if (userId === undefined) return next();
    const expired = !signedInAt || clock.now().getTime() - signedInAt > ABSOLUTE_TIMEOUT_MS;
    const user = expired ? undefined : await accounts.findById(userId);
    if (!user || user.disabled_at) {
      await regenerate(req);
      addFlash(req, 'warning', 'signin.sessionExpired');
      return next();
    }
    res.locals.user = user;
    next();
  };
}

/** Runs one of express-session's callback-style methods as a promise. */
function promised(call: (done: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    call((err) => (err ? reject(err instanceof Error ? err : new Error('session store failed')) : resolve())),
  );
}

export const regenerate = (req: Request) => promised((done) => req.session.regenerate(done));
export const destroy = (req: Request) => promised((done) => req.session.destroy(done));
export const saveSession = (req: Request) => promised((done) => req.session.save(done));

export function addFlash(req: Request, kind: 'success' | 'info' | 'warning', key: string): void {
  req.session.flash = [...(req.session.flash ?? []), { kind, key }];
}

export function takeFlash(req: Request): { kind: string; key: string }[] {
  const flash = req.session.flash ?? [];
  if (flash.length > 0) delete req.session.flash;
  return flash;
}

import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import type { Knex } from 'knex';
import type { Config } from '../config.js';
import type { AccountsService } from '../services/accounts.js';
import type { Clock } from '../clock.js';
import { redisSessionStore, type RedisClient } from './redis-stores.js';

export const IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60 * 1000;

export function sessionCookieName(config: Config): string {
  // __Host- binds the cookie to this host, path / and HTTPS (ASVS 3.3.1).
  return config.production ? '__Host-sid' : 'sid';
}

/**
 * Sessions in the database, or in Redis when the app is given a client (REDIS_URL); never in
 * process memory. Rolling 30-minute idle timeout.
 */
export function sessionMiddleware(db: Knex, config: Config, redis?: RedisClient): RequestHandler {
  const store = redis
    ? redisSessionStore(redis)
    : new ConnectSessionKnexStore({
        knex: db,
        tableName: 'sessions',
        createTable: false,
        cleanupInterval: config.env === 'test' ? 0 : 15 * 60 * 1000,
      });
  throttleTouch(store);
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

/** How far the idle expiry may lag: a session's expiry is written at most once per minute. */
export const TOUCH_INTERVAL_MS = 60 * 1000;

/**
 * With `rolling`, express-session asks the store to push the expiry on every request (an UPDATE and
 * its disk sync each time). Pushed at most once a minute per session instead, the idle timeout is
 * 29 to 30 minutes rather than exactly 30. The memo is only an optimisation: another process, or a
 * forgotten entry, just touches again.
 */
function throttleTouch(store: session.Store): void {
  const touch = store.touch?.bind(store);
  if (!touch) return;
  const touched = new Map<string, number>();
  store.touch = (sid, data, callback) => {
    const now = Date.now();
    const last = touched.get(sid);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return callback?.();
    if (touched.size >= 10_000) {
      for (const [key, at] of touched) if (now - at >= TOUCH_INTERVAL_MS) touched.delete(key);
      if (touched.size >= 10_000) touched.clear();
    }
    touched.set(sid, now);
    touch(sid, data, callback);
  };
  // A session saved (at sign-in, or with a flash message) has just had its expiry written too.
  const set = store.set.bind(store);
  store.set = (sid, data, callback) => {
    touched.set(sid, Date.now());
    set(sid, data, callback);
  };
  const destroy = store.destroy.bind(store);
  store.destroy = (sid, callback) => {
    touched.delete(sid);
    destroy(sid, callback);
  };
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

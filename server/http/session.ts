import crypto from 'node:crypto';
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

/** The cookie that carries flash messages to the next page (signed; never the session store). */
export const FLASH_COOKIE = 'flash';

export type FlashKind = 'success' | 'info' | 'warning';
export interface Flash {
  kind: FlashKind;
  key: string;
}

const FLASH_KINDS = new Set<string>(['success', 'info', 'warning']);
/** A message key as the code writes them ('backoffice.done'); anything else in the cookie is dropped. */
const FLASH_KEY = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * A message for the next page the person sees ("Saved", "Signed out"). It travels in a short-lived
 * signed cookie rather than in the session, so a flash costs no write to the session store (and
 * none again when it is shown), and a visitor who is not signed in gets no session for it.
 */
export function addFlash(req: Request, kind: FlashKind, key: string): void {
  const res = req.res!;
  const pending = [...((res.locals.pendingFlash as Flash[] | undefined) ?? []), { kind, key }];
  res.locals.pendingFlash = pending;
  res.cookie(FLASH_COOKIE, signFlash(req, JSON.stringify(pending)), {
    httpOnly: true,
    sameSite: 'lax',
    secure: req.secure,
    path: '/',
    maxAge: 5 * 60 * 1000,
  });
}

/** The messages waiting for this page (from the cookie, or added in this same request); shown once. */
export function takeFlash(req: Request): Flash[] {
  const res = req.res!;
  const pending = (res.locals.pendingFlash as Flash[] | undefined) ?? [];
  const raw: unknown = (req.cookies as Record<string, unknown> | undefined)?.[FLASH_COOKIE];
  if (raw === undefined && pending.length === 0) return [];
  const arrived = typeof raw === 'string' ? parseFlash(unsignFlash(req, raw)) : [];
  res.locals.pendingFlash = [];
  res.clearCookie(FLASH_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: req.secure });
  return [...arrived, ...pending];
}

function flashMac(req: Request, value: string): string {
  const secret = String(req.app.get('flash secret') ?? '');
  return crypto.createHmac('sha256', secret).update(value).digest('base64url');
}

/** `<base64url JSON>.<HMAC>`: a cookie someone edited is dropped, not shown. */
function signFlash(req: Request, json: string): string {
  const value = Buffer.from(json).toString('base64url');
  return `${value}.${flashMac(req, value)}`;
}

function unsignFlash(req: Request, cookie: string): string | null {
  const dot = cookie.lastIndexOf('.');
  if (dot <= 0) return null;
  const value = cookie.slice(0, dot);
  const mac = Buffer.from(cookie.slice(dot + 1));
  const expected = Buffer.from(flashMac(req, value));
  if (mac.length !== expected.length || !crypto.timingSafeEqual(mac, expected)) return null;
  return Buffer.from(value, 'base64url').toString('utf8');
}

function parseFlash(raw: string | null): Flash[] {
  if (raw === null) return [];
  try {
    const value: unknown = JSON.parse(raw);
    if (!Array.isArray(value)) return [];
    return value
      .filter(
        (f): f is Flash =>
          typeof f === 'object' &&
          f !== null &&
          FLASH_KINDS.has((f as Flash).kind) &&
          typeof (f as Flash).key === 'string' &&
          FLASH_KEY.test((f as Flash).key),
      )
      .slice(0, 5)
      .map((f) => ({ kind: f.kind, key: f.key }));
  } catch {
    return [];
  }
}

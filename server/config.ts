import path from 'node:path';
import { z } from 'zod';

/**
 * The one place the environment is read. Every key is documented in the README's
 * configuration table; development gets safe defaults, production refuses to start
 * without the secrets it needs.
 */
const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().optional(),
  SESSION_SECRET: z.string().optional(),
  UPLOAD_DIR: z.string().optional(),
  BASE_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().optional(),
  CLAMAV_SOCKET: z.string().optional(),
  CLAMAV_HOST: z.string().optional(),
  CLAMAV_PORT: z.coerce.number().int().optional(),
  PUBLIC_HOLIDAYS: z.string().optional(),
  TRUST_PROXY: z.coerce.number().int().min(0).default(0),
  RUN_WORKER: z.enum(['true', 'false']).default('true'),
  SEED_DEMO: z.enum(['true', 'false']).optional(),
  REGISTRY_URL: z.string().url().optional(),
  REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  // Empty means unset (an environment file may carry `REDIS_URL=`).
  REDIS_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
});

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {}

const DEV_SESSION_SECRET = 'development-only-secret-change-me-please-0123456789';

/** Public holidays used by the service-level calendar when PUBLIC_HOLIDAYS is not set. */
const DEFAULT_HOLIDAYS = [
  '2026-01-01',
  '2026-03-20',
  '2026-03-21',
  '2026-05-01',
  '2026-05-26',
  '2026-05-27',
  '2026-05-28',
  '2026-06-16',
  '2026-06-25',
  '2026-06-26',
  '2026-08-25',
  '2026-12-16',
  '2026-12-17',
  '2027-01-01',
  '2027-03-10',
  '2027-03-11',
  '2027-05-01',
  '2027-05-16',
  '2027-05-17',
  '2027-05-18',
  '2027-12-16',
  '2027-12-17',
];

/** Where clamd listens: a UNIX socket when one is given, otherwise TCP (default 127.0.0.1:3310). */
export function clamavAddress(given: {
  socket?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
}) {
  return {
    socket: given.socket,
    host: given.host ?? (given.socket ? undefined : '127.0.0.1'),
    port: given.port ?? 3310,
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()) {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && (!e.SESSION_SECRET || e.SESSION_SECRET.length < 32)) {
    throw new ConfigError(
      'SESSION_SECRET must be set to a random string of at least 32 characters in production.',
    );
  }
  if (production && !e.BASE_URL) {
    throw new ConfigError('BASE_URL must be set in production (for example https://eservices.example.bh).');
  }
  const dataDir = path.join(root, 'data');
  const databaseUrl = e.DATABASE_URL ?? `sqlite://${path.join(dataDir, 'portal.sqlite')}`;
  if (e.WEB_CONCURRENCY > 1 && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError(
      `WEB_CONCURRENCY=${e.WEB_CONCURRENCY} needs PostgreSQL: SQLite has a single writer, so the portal runs ` +
        'as one process on it. Set DATABASE_URL=postgres://… or leave WEB_CONCURRENCY at 1.',
    );
  }
  const holidays = (e.PUBLIC_HOLIDAYS ?? DEFAULT_HOLIDAYS.join(','))
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  for (const day of holidays) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      throw new ConfigError(`PUBLIC_HOLIDAYS: "${day}" is not a YYYY-MM-DD date.`);
    }
  }
  return Object.freeze({
    env: e.NODE_ENV,
    production,
    port: e.PORT,
    databaseUrl,
    sessionSecret: e.SESSION_SECRET ?? DEV_SESSION_SECRET,
    uploadDir: path.resolve(root, e.UPLOAD_DIR ?? path.join(dataDir, 'uploads')),
    dataDir,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM ?? 'e-services <no-reply@eservices.local>',
    clamav: clamavAddress({ socket: e.CLAMAV_SOCKET, host: e.CLAMAV_HOST, port: e.CLAMAV_PORT }),
    calendar: { weekend: [5, 6], holidays, utcOffsetMinutes: 180 },
    trustProxy: e.TRUST_PROXY,
    runWorker: e.RUN_WORKER === 'true',
    seedDemo: e.SEED_DEMO ? e.SEED_DEMO === 'true' : !production,
    registry: { url: e.REGISTRY_URL?.replace(/\/$/, ''), timeoutMs: e.REGISTRY_TIMEOUT_MS },
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    /** Processes `npm start` runs (node:cluster); more than one only on PostgreSQL. */
    webConcurrency: e.WEB_CONCURRENCY,
    /** Sessions and rate-limit counters go to Redis when set, otherwise to the database. */
    redisUrl: e.REDIS_URL,
  });
}

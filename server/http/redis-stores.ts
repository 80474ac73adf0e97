import { createClient } from 'redis';
import { RedisStore as RedisSessionStore } from 'connect-redis';
import { RedisStore as RedisRateLimitStore } from 'rate-limit-redis';
import type session from 'express-session';
import type { Store } from 'express-rate-limit';
import type { Logger } from '../logger.js';

/**
 * Sessions and rate-limit counters in Redis, used when REDIS_URL is set (docs/operations.md).
 * Without it both live in the database; either way every process sees the same ones, so a
 * person's next request may land on any process.
 */

function newClient(url: string) {
  return createClient({
    url,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3_000) },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

/** Every key the portal writes starts with this, so one Redis can serve other things too. */
export const REDIS_KEY_PREFIX = 'portal:';

/** Connects, or fails with a clear message after `timeoutMs` (never hangs start-up). */
export async function connectRedis(url: string, logger: Logger, timeoutMs = 10_000): Promise<RedisClient> {
  const client = newClient(url);
  // Without a listener an 'error' event would end the process; node-redis reconnects by itself.
  client.on('error', (err: unknown) => logger.error({ err }, 'redis connection error'));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Redis at REDIS_URL did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.connect(), timeout]);
    await Promise.race([client.ping(), timeout]);
  } catch (err) {
    client.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

export function redisSessionStore(client: RedisClient): session.Store {
  return new RedisSessionStore({ client, prefix: `${REDIS_KEY_PREFIX}sess:` });
}

export function redisRateLimitStore(client: RedisClient, name: string): Store {
  return new RedisRateLimitStore({
    prefix: `${REDIS_KEY_PREFIX}rl:${name}:`,
    sendCommand: (...args: string[]) => client.sendCommand(args),
  });
}

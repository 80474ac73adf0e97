import net from 'node:net';
import type { Knex } from 'knex';
import type { TestContext } from '../support/context.js';
import { csrfFrom } from '../support/http.js';
import { hashPassword } from '../../server/security/passwords.js';

/** Helpers of the scale tests: a browser whose cookies follow it from one process to another. */

export interface Answer {
  status: number;
  location: string | null;
  text: string;
}

/**
 * One person's browser. Every request names the process it goes to (as a load balancer would
 * choose); the cookies are the browser's, whichever process set them.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly headers: Record<string, string> = {}) {}

  async get(base: URL, path: string): Promise<Answer> {
    return this.send(base, 'GET', path);
  }

  async post(base: URL, path: string, form: Record<string, string>): Promise<Answer> {
    return this.send(base, 'POST', path, new URLSearchParams(form).toString());
  }

  /** GET /signin on one process, POST it with a CSRF token from that page. */
  async signIn(base: URL, identifier: string, password: string): Promise<Answer> {
    const page = await this.get(base, '/signin');
    return this.post(base, '/signin', { _csrf: csrfFrom(page.text), identifier, password });
  }

  /** The Cookie header this browser sends (for load generators that replay its session). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** POST multipart/form-data (fields and one file) with this browser's cookies. */
  async postMultipart(base: URL, path: string, body: Buffer, contentType: string): Promise<Answer> {
    return this.send(base, 'POST', path, body, contentType);
  }

  private async send(
    base: URL,
    method: string,
    path: string,
    body?: string | Buffer,
    contentType = 'application/x-www-form-urlencoded',
  ): Promise<Answer> {
    const headers: Record<string, string> = { accept: 'text/html', ...this.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (body !== undefined) headers['content-type'] = contentType;
    const payload = typeof body === 'string' || body === undefined ? body : new Uint8Array(body);
    const res = await fetch(new URL(path, base), { method, headers, body: payload, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const value = pair.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }
}

/** The connection string of the test context's database (its own per test process on PostgreSQL). */
export function databaseUrlOf(db: Knex): string {
  const connection = (db.client as { config: { connection: unknown } }).config.connection;
  if (typeof connection === 'string') return connection;
  const c = connection as {
    host?: string;
    port?: number | string;
    user?: string;
    database?: string;
    filename?: string;
  };
  if (c.filename) return `sqlite://${c.filename}`;
  if (!c.database) throw new Error('the test database has no connection settings');
  return `postgres://${encodeURIComponent(c.user ?? 'postgres')}@${c.host ?? '127.0.0.1'}:${c.port ?? 5432}/${c.database}`;
}

/** Gives an existing user (made by test/support/people.ts) a password to sign in with. */
export async function setPassword(ctx: TestContext, userId: number, password: string): Promise<void> {
  await ctx
    .db('users')
    .where({ id: userId })
    .update({ password_hash: await hashPassword(password) });
}

/** The Redis to test against: REDIS_URL, or one answering PING on 127.0.0.1:6379; else undefined. */
export async function reachableRedis(): Promise<string | undefined> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const answered = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port: 6379 });
    let reply = '';
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
  });
  return answered ? 'redis://127.0.0.1:6379' : undefined;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns its last answer. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

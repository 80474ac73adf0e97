/**
 * The real app on a loopback port for a benchmark's database, and agents signed in to it: what the
 * queue and dashboard benchmarks time their pages through.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Knex } from 'knex';
import request from 'supertest';
import { createApp } from '../../server/app.js';
import { fixedClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import type { Services } from '../../server/services/index.js';

export interface RunningApp {
  base: string;
  server: Server;
}

export async function startApp(target: {
  url: string;
  db: Knex;
  services: Services;
  now: Date;
}): Promise<RunningApp> {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: target.url, LOG_LEVEL: 'silent' });
  const app = createApp({
    config,
    db: target.db,
    logger: createLogger('silent'),
    clock: fixedClock(target.now),
    services: target.services,
    limits: { signIn: { windowMs: 60_000, limit: 1000 } },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** An agent signed in through the real form (CSRF token and all). */
export async function signedInAgent(base: string, email: string, password: string): Promise<request.Agent> {
  const agent = request.agent(base);
  const form = await agent.get('/signin');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)?.[1];
  const signedIn = await agent
    .post('/signin')
    .type('form')
    .send({ _csrf: csrf, identifier: email, password });
  if (signedIn.status !== 303) throw new Error(`${email}: sign-in failed (${signedIn.status})`);
  return agent;
}

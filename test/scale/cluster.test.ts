import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.js';
import { restartDelayMs } from '../../server/cluster.js';
import { freshDatabase, PG_URL } from '../support/context.js';
import { freePort, startScript, stopProcess, waitHealthy } from '../../bench/support/server-process.js';
import { eventually } from './support.js';

/** Child processes of `pid`, read from ps. */
/** The cluster workers of a primary: its children running the portal (not, say, tsx's esbuild service). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('server/main.ts'))
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

describe('Several processes with WEB_CONCURRENCY', function () {
  this.timeout(60_000);

  it('when WEB_CONCURRENCY is above 1 on SQLite, then start-up stops with a message that says why and what to set', () => {
    const attempt = () => loadConfig({ WEB_CONCURRENCY: '2', DATABASE_URL: 'sqlite:///tmp/x.sqlite' });
    expect(attempt).to.throw(ConfigError, /WEB_CONCURRENCY=2 needs PostgreSQL: SQLite has a single writer/);
    expect(() => loadConfig({ WEB_CONCURRENCY: '2' })).to.throw(ConfigError, /needs PostgreSQL/);
    expect(loadConfig({ WEB_CONCURRENCY: '1' }).webConcurrency).to.equal(1);
    const pg = loadConfig({ WEB_CONCURRENCY: '4', DATABASE_URL: 'postgres://u@h:5432/d' });
    expect(pg.webConcurrency).to.equal(4);
  });

  it('when WEB_CONCURRENCY or REDIS_URL is malformed, then start-up stops naming the variable', () => {
    expect(() => loadConfig({ WEB_CONCURRENCY: '0' })).to.throw(ConfigError, /WEB_CONCURRENCY/);
    expect(() => loadConfig({ WEB_CONCURRENCY: 'many' })).to.throw(ConfigError, /WEB_CONCURRENCY/);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).to.throw(ConfigError, /REDIS_URL/);
    expect(loadConfig({ REDIS_URL: '' }).redisUrl).to.equal(undefined);
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).to.equal('redis://127.0.0.1:6379');
  });

  it('when a worker keeps dying young, then the pause before the next start doubles up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map(restartDelayMs)).to.deep.equal([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it(`when the portal runs two workers on PostgreSQL, then a killed worker is started again and SIGTERM stops them all cleanly${PG_URL ? '' : ' [skipped: needs DATABASE_URL=postgres://…]'}`, async function () {
    if (!PG_URL) {
      this.skip(); // WEB_CONCURRENCY > 1 is refused on SQLite (see the first test); needs DATABASE_URL=postgres://…
    }
    const { db, url } = await freshDatabase();
    await db.destroy();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-cluster-'));
    const primary = startScript(
      'server/main.ts',
      {
        PORT: String(await freePort()),
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: url,
        UPLOAD_DIR: path.join(dir, 'uploads'),
        SEED_DEMO: 'false',
        WEB_CONCURRENCY: '2',
        REDIS_URL: '',
      },
      dir,
    );
    try {
      await waitHealthy(primary, 50_000);
      const twoListening = () =>
        Promise.resolve((primary.output().match(/"msg":"portal listening"/g) ?? []).length);
      expect(await eventually(async () => (await twoListening()) >= 2, 30_000)).to.equal(true);
      const before = childrenOf(primary.pid);
      expect(before).to.have.length(2);

      process.kill(before[0]!, 'SIGKILL');
      const restarted = await eventually(async () => {
        const now = childrenOf(primary.pid);
        return now.length === 2 && !now.includes(before[0]!) && (await twoListening()) >= 3;
      }, 30_000);
      expect(restarted, primary.output()).to.equal(true);
      expect(primary.output()).to.contain('worker exited; starting it again');
      expect((await fetch(new URL('/healthz', primary.baseUrl))).status).to.equal(200);

      const workers = childrenOf(primary.pid);
      expect(await stopProcess(primary, 'SIGTERM')).to.equal('exit 0');
      expect(primary.output()).to.contain('all workers stopped');
      for (const pid of workers) expect(() => process.kill(pid, 0), `worker ${pid} still running`).to.throw();
    } finally {
      if (primary.child.exitCode === null) await stopProcess(primary, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * `npm run bench`: the portal under a realistic mix of requests, endpoint by endpoint, beside the
 * floor of each endpoint measured in the same run (bench/load.md has the method and figures).
 *
 * For each database size (SIZES, default 100000,1000000) and set-up (SETUPS, default
 * sqlite-1,pg-1,pg-2: database and number of processes): a copy of the generated database is
 * made for the set-up; the portal runs once alone with its SQL recorded (load-target.ts,
 * BENCH_CAPTURE) while one sample request of each endpoint is sent, which gives the floor's plan
 * (load-floor-target.ts); then the portal and the floor run side by side and autocannon loads each
 * endpoint for DURATION seconds (default 10) with CONNECTIONS connections (default 10), portal and
 * floor in turn. The decision takes each submitted application once: every other one is the
 * floor's, which replays the portal's writes on it (decision 0016); the rows both sides left are
 * printed after it.
 * Requests/s, p50/p99 latency, the CPU per request of the target's processes and of PostgreSQL's,
 * and the largest RSS of any serving process are recorded, with the load averages. Results: a table on stdout and JSON under RESULTS_DIR (default /tmp/load-bench).
 *
 * The portal and the floor run compiled (tsc -p tsconfig.bench.json into .bench-build/, as
 * production runs dist/), not through tsx, whose compiled sources and source maps stay in memory
 * (about 50 MB of RSS); BENCH_TSX=1 runs the TypeScript through tsx instead.
 *
 * The SQLite floor runs knex as shipped (each statement prepared afresh, one connection);
 * FLOOR_KEEP_STATEMENTS=1 gives it the portal's client: the prepared-statement cache (decision 0014)
 * and the reading connections beside the writer (decision 0023).
 *
 * Needs: PostgreSQL on 127.0.0.1:5432 with portal_bench_load_100000 and
 * portal_bench_queue_1000000, the SQLite files named in SOURCES below, clamd on 127.0.0.1:3310.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { createDb } from '../db/connection.js';
import {
  compileTargets,
  postgresCpuMs,
  servingCpuMs,
  servingRss,
  startServer,
  target,
  type Server,
} from './support/load-servers.js';
import { runLine, table, type Measured, type MeasuredRow, type Row } from './support/load-report.js';
import { fixtures, stepRequest, type Endpoint } from './support/load-fixtures.js';
import { eventTarget, record, rowsPerDecision, slug } from './support/load-recording.js';
import type { FloorStep } from './load-floor-target.js';

const SIZES = (process.env.SIZES ?? '100000,1000000').split(',').map(Number);
const SETUPS = (process.env.SETUPS ?? 'sqlite-1,pg-1,pg-2').split(',');
const DURATION = Number(process.env.DURATION ?? '10');
const CONNECTIONS = Number(process.env.CONNECTIONS ?? '10');
const WARMUP = Number(process.env.WARMUP ?? '3');
const RESULTS_DIR = process.env.RESULTS_DIR ?? '/tmp/load-bench';
const PG = 'postgres://postgres@127.0.0.1:5432';

const SOURCES: Record<string, { sqlite: string; pg: string }> = {
  '100000': { sqlite: '/tmp/load-bench/load-100000.sqlite', pg: 'portal_bench_load_100000' },
  '1000000': { sqlite: '/tmp/queue-bench/queue-1000000.sqlite', pg: 'portal_bench_queue_1000000' },
};

// ---------------------------------------------------------------------------------------------
// Load

async function load(
  server: Server,
  endpoint: Endpoint,
  floor: boolean,
  onPostgres: boolean,
): Promise<Measured> {
  const rssSamples: number[][] = [];
  const sampler = setInterval(() => rssSamples.push(servingRss(server)), 1000);
  const requests = endpoint.steps.map((step, s) => ({
    method: step.method,
    setupRequest: (request: autocannon.Request, context: Record<string, string>) => {
      context.floor = floor ? '1' : '';
      const req = stepRequest(step, context);
      // A workflow event's floor request names the floor's application (decision 0016).
      const application = eventTarget(req.path);
      const floorPath = `/floor/${slug(endpoint.name)}-${s}${application === undefined ? '' : `/${application}`}`;
      return {
        ...request,
        method: req.method,
        path: floor ? floorPath : req.path,
        headers: req.headers,
        body: req.body,
      } as autocannon.Request;
    },
    ...(step.keepDraft
      ? {
          onResponse: (
            _status: number,
            _body: string,
            context: Record<string, string>,
            headers: Record<string, string>,
          ) => {
            // autocannon passes the raw header names ("Location").
            const location = Object.entries(headers).find(([k]) => k.toLowerCase() === 'location')?.[1];
            context.draft = /\/applications\/(\d+)/.exec(location ?? '')?.[1] ?? '';
          },
        }
      : {}),
  }));
  // A few unmeasured seconds first, so neither side is measured while its code is still being
  // optimised (not for decisions: each application can be decided once).
  if (!endpoint.amount && WARMUP > 0) {
    await autocannon({
      url: server.base.toString(),
      connections: CONNECTIONS,
      duration: WARMUP,
      requests: requests as autocannon.Request[],
      timeout: 30,
    });
  }
  const cpuBefore = servingCpuMs(server);
  // PostgreSQL's share only where the target uses it (on SQLite its idle processes would add noise).
  const dbCpu = () => (onPostgres ? postgresCpuMs() : 0);
  const dbBefore = dbCpu();
  const result = await autocannon({
    url: server.base.toString(),
    connections: CONNECTIONS,
    // A fixed amount ends at autocannon's next sample tick (one a second by default), which rounded
    // the decisions' durations up to whole seconds: sampled every 10 ms, the rate is the real one.
    ...(endpoint.amount ? { amount: endpoint.amount, sampleInt: 10 } : { duration: DURATION }),
    requests: requests as autocannon.Request[],
    timeout: 30,
  });
  const cpuMs = servingCpuMs(server) - cpuBefore;
  const dbCpuMs = dbCpu() - dbBefore;
  clearInterval(sampler);
  rssSamples.push(servingRss(server));
  const width = Math.max(...rssSamples.map((r) => r.length));
  const rssMb = Array.from({ length: width }, (_, i) => Math.max(...rssSamples.map((r) => r[i] ?? 0)));
  const bad = result['4xx'] + result['5xx'] + result.errors + result.timeouts;
  if (bad > 0)
    console.log(
      `    ${floor ? 'floor' : 'portal'} ${endpoint.name}: statuses ${JSON.stringify(result.statusCodeStats)}`,
    );
  return {
    rps: (result['2xx'] + result['3xx']) / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'] + result['3xx'],
    errors: bad,
    rssMb,
    cpuMsPerRequest: cpuMs / Math.max(1, result['2xx'] + result['3xx']),
    dbCpuMsPerRequest: dbCpuMs / Math.max(1, result['2xx'] + result['3xx']),
  };
}

// ---------------------------------------------------------------------------------------------
// Main

async function copyDatabase(
  kind: 'sqlite' | 'pg',
  size: number,
  dir: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const source = SOURCES[String(size)]!;
  if (kind === 'sqlite') {
    const file = path.join(dir, `load-${size}.sqlite`);
    execFileSync('sqlite3', [source.sqlite, 'PRAGMA wal_checkpoint(TRUNCATE);']);
    fs.copyFileSync(source.sqlite, file);
    return { url: `sqlite://${file}`, drop: () => Promise.resolve(fs.rmSync(file, { force: true })) };
  }
  const name = `portal_load_run_${size}`;
  const admin = createDb(`${PG}/postgres`);
  await admin.raw(`drop database if exists "${name}" with (force)`);
  await admin.raw(`create database "${name}" template "${source.pg}"`);
  await admin.destroy();
  return {
    url: `${PG}/${name}`,
    async drop() {
      const a = createDb(`${PG}/postgres`);
      await a.raw(`drop database if exists "${name}" with (force)`);
      await a.destroy();
    },
  };
}

function loadAvg(): [number, number] {
  return [os.loadavg()[0]!, os.loadavg()[1]!];
}

async function main(): Promise<void> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  compileTargets();
  const rows: Row[] = [];
  const started = new Date().toISOString();
  console.log(
    `load bench: sizes ${SIZES.join(', ')}; ${SETUPS.join(', ')}; ${DURATION} s × ${CONNECTIONS} connections`,
  );
  // Each set-up on a copy of its own: the decisions of one set-up leave the next its own share of
  // submitted applications (decision 0016: the floor takes half of them).
  const ordered = [...SETUPS].sort((a, b) => Number(b.startsWith('sqlite')) - Number(a.startsWith('sqlite')));
  for (const size of SIZES) {
    for (const setup of ordered) {
      const kind = setup.startsWith('sqlite') ? 'sqlite' : 'pg';
      const processes = setup.split('-')[1] ?? '1';
      const dir = fs.mkdtempSync(path.join(RESULTS_DIR, `run-${setup}-${size}-`));
      console.log(`\n${setup} ${size.toLocaleString('en')}: copying the database…`);
      const database = await copyDatabase(kind, size, dir);
      try {
        const env = {
          DATABASE_URL: database.url,
          UPLOAD_DIR: path.join(dir, 'uploads'),
          SESSION_SECRET: 'load-bench-secret-'.padEnd(40, 'x'),
          BASE_URL: 'http://127.0.0.1',
          SEED_DEMO: 'false',
          RUN_WORKER: 'false',
          REDIS_URL: '',
        };
        const recorder = await startServer(
          target('load-target'),
          { ...env, NODE_ENV: 'test', BENCH_CAPTURE: '1', WEB_CONCURRENCY: '1' },
          dir,
        );
        let plan: Record<string, FloorStep>;
        let skipped: Set<string>;
        let endpoints: Endpoint[];
        let decided: () => { portal: number[]; floor: number[] };
        try {
          ({ endpoints, decided } = await fixtures(recorder.base, database.url));
          ({ plan, skipped } = await record(recorder, endpoints, database.url));
        } finally {
          await recorder.stop();
        }
        const planFile = path.join(dir, 'floor-plan.json');
        for (const name of skipped) rows.push({ size, setup, endpoint: name, skipped: true });
        fs.writeFileSync(
          planFile,
          JSON.stringify({
            ...plan,
            ping: { reads: [], writes: [], upload: false, status: 200, bodyBytes: 2 },
          }),
        );
        const portal = await startServer(
          target('load-target'),
          { ...env, NODE_ENV: 'test', WEB_CONCURRENCY: processes },
          dir,
        );
        const floor = await startServer(
          target('load-floor-target'),
          { ...env, FLOOR_PLAN: planFile, WEB_CONCURRENCY: processes },
          dir,
        );
        try {
          for (const [e, endpoint] of endpoints.filter((x) => !skipped.has(x.name)).entries()) {
            const before = loadAvg();
            // Portal first on even endpoints, floor first on odd ones: drift falls on both.
            const order = e % 2 === 0 ? [false, true] : [true, false];
            const measured: Partial<Record<'portal' | 'floor', Measured>> = {};
            for (const isFloor of order)
              measured[isFloor ? 'floor' : 'portal'] = await load(
                isFloor ? floor : portal,
                endpoint,
                isFloor,
                kind === 'pg',
              );
            const row: MeasuredRow = {
              size,
              setup,
              endpoint: endpoint.name,
              portal: measured.portal!,
              floor: measured.floor!,
              load: [before[0], loadAvg()[0]],
            };
            rows.push(row);
            console.log(runLine(row));
            if (endpoint.amount)
              console.log(`    rows per decision: ${await rowsPerDecision(database.url, decided())}`);
            fs.writeFileSync(
              path.join(RESULTS_DIR, `load-results-${started.replace(/[:.]/g, '-')}.json`),
              JSON.stringify(rows, null, 2),
            );
          }
        } finally {
          await portal.stop();
          await floor.stop();
        }
      } finally {
        await database.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  console.log('\n' + table(rows));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

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
 * Requests/s, p50/p99 latency and the largest RSS of any serving process are recorded, with the
 * load averages. Results: a table on stdout and JSON under RESULTS_DIR (default /tmp/load-bench).
 *
 * The portal and the floor run compiled (tsc -p tsconfig.bench.json into .bench-build/, as
 * production runs dist/), not through tsx, whose compiled sources and source maps stay in memory
 * (about 50 MB of RSS); BENCH_TSX=1 runs the TypeScript through tsx instead.
 *
 * The SQLite floor runs knex as shipped (each statement prepared afresh); FLOOR_KEEP_STATEMENTS=1
 * gives it the portal's prepared-statement cache (decision 0014).
 *
 * Needs: PostgreSQL on 127.0.0.1:5432 with portal_bench_load_100000 and
 * portal_bench_queue_1000000, the SQLite files named in SOURCES below, clamd on 127.0.0.1:3310.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { createDb } from '../db/connection.js';
import { compileTargets, servingRss, startServer, target, type Server } from './support/load-servers.js';
import { fixtures, stepRequest, type Endpoint } from './support/load-fixtures.js';
import type { CapturedQuery } from './load-target.js';
import type { FloorStep } from './load-floor-target.js';
import { applicationRow, knexSql, type ApplicationKey } from './support/floor-replay.js';

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
// Recording the floor's plan

function nextMessage(child: ChildProcess): Promise<{ queries: CapturedQuery[] }> {
  return new Promise((resolve) => {
    const on = (m: { type?: string; queries?: CapturedQuery[] }) => {
      if (m.type !== 'captured') return;
      child.off('message', on);
      resolve({ queries: m.queries ?? [] });
    };
    child.on('message', on);
  });
}

const skipped = new Set<string>();

/** The application a workflow event's path names ("/backoffice/applications/7/events/…"). */
const eventTarget = (p: string): number | undefined => {
  const m = /\/applications\/(\d+)\/events\//.exec(p);
  return m ? Number(m[1]) : undefined;
};

async function record(
  server: Server,
  endpoints: Endpoint[],
  databaseUrl: string,
): Promise<Record<string, FloorStep>> {
  const plan: Record<string, FloorStep> = {};
  for (const endpoint of endpoints) {
    const context: Record<string, string> = {};
    for (const [s, step] of endpoint.steps.entries()) {
      const req = stepRequest(step, context);
      // A workflow event's writes are replayed by the floor on applications of its own (decision
      // 0016): the sample's row as it was before the event tells what to put in their place.
      const target = eventTarget(req.path);
      const sample = target === undefined ? undefined : await applicationKey(databaseUrl, target);
      const captured = nextMessage(server.child);
      server.child.send({ type: 'capture-start' });
      const res = await fetch(new URL(req.path, server.base), {
        method: req.method,
        headers: req.headers,
        body: typeof req.body === 'string' || req.body === undefined ? req.body : new Uint8Array(req.body),
        redirect: 'manual',
      });
      const text = await res.text();
      await new Promise((r) => setTimeout(r, 50)); // a session touch after the answer is part of it
      server.child.send({ type: 'capture-stop' });
      const { queries } = await captured;
      if (step.keepDraft)
        context.draft = /\/applications\/(\d+)/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
      const reads = queries.filter((q) => /^\s*(select|with)\b/i.test(q.sql));
      const writes = queries.filter((q) => /^\s*(insert|update|delete)\b/i.test(q.sql));
      plan[`${slug(endpoint.name)}-${s}`] = {
        reads: reads.map((q) => ({ sql: knexSql(q.sql), bindings: q.bindings })),
        writes: writes.map((q) => JSON.stringify(q.bindings).length),
        ...(sample
          ? { replay: { sample, writes: writes.map((q) => ({ sql: knexSql(q.sql), bindings: q.bindings })) } }
          : {}),
        upload: req.headers['content-type']?.startsWith('multipart/') ?? false,
        status: res.status,
        location: res.headers.get('location') ?? undefined,
        bodyBytes: Buffer.byteLength(text),
      };
      console.log(
        `  ${endpoint.name} step ${s}: ${req.method} ${req.path} → ${res.status}, ${reads.length} reads, ${writes.length} writes, ${Buffer.byteLength(text)} bytes`,
      );
      if (res.status >= 400) {
        // Not measured: a failing endpoint would only measure its error page.
        console.log(
          `  ${endpoint.name}: SKIPPED, the portal answered ${res.status} (its error is logged above)`,
        );
        skipped.add(endpoint.name);
        break;
      }
    }
  }
  return plan;
}

const slug = (name: string) => name.replace(/\s+/g, '-');

/**
 * What the decisions left, per application taken, on each side: the check that the floor wrote
 * the same rows as the portal (decision 0016).
 */
async function rowsPerDecision(
  databaseUrl: string,
  taken: { portal: number[]; floor: number[] },
): Promise<string> {
  const db = createDb(databaseUrl);
  try {
    const side = async (name: string, ids: number[]) => {
      if (ids.length === 0) return `${name}: none`;
      const count = async (query: Knex.QueryBuilder) =>
        (Number((await query.count<{ n: number | string }[]>({ n: '*' }))[0]?.n ?? 0) / ids.length).toFixed(
          2,
        );
      return [
        `${name} ${ids.length} applications`,
        `in review ${await count(db('applications').whereIn('id', ids).where({ status: 'in_review' }))}`,
        `audit ${await count(db('application_events').whereIn('application_id', ids).where({ event: 'START_REVIEW' }))}`,
        `outbox ${await count(db('outbox').whereIn('application_id', ids).where('payload', 'like', '%review_started%'))}`,
      ].join(', ');
    };
    return `${await side('portal', taken.portal)}; ${await side('floor', taken.floor)}`;
  } finally {
    await db.destroy();
  }
}

async function applicationKey(databaseUrl: string, id: number): Promise<ApplicationKey> {
  const db = createDb(databaseUrl);
  try {
    // The row as the floor reads it (select *), turned into a key the same way.
    const key = applicationRow(await db('applications').where({ id }).select('*'), id);
    if (!key) throw new Error(`application ${id} is not in the database`);
    return key;
  } finally {
    await db.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Load

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  rssMb: number[];
}

async function load(server: Server, endpoint: Endpoint, floor: boolean): Promise<Measured> {
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
  const result = await autocannon({
    url: server.base.toString(),
    connections: CONNECTIONS,
    // A fixed amount ends at autocannon's next sample tick (one a second by default), which rounded
    // the decisions' durations up to whole seconds: sampled every 10 ms, the rate is the real one.
    ...(endpoint.amount ? { amount: endpoint.amount, sampleInt: 10 } : { duration: DURATION }),
    requests: requests as autocannon.Request[],
    timeout: 30,
  });
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
  };
}

// ---------------------------------------------------------------------------------------------
// Main

interface MeasuredRow {
  size: number;
  setup: string;
  endpoint: string;
  portal: Measured;
  floor: Measured;
  load: [number, number];
}

type Row = MeasuredRow | { size: number; setup: string; endpoint: string; skipped: true };

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
      skipped.clear();
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
        let endpoints: Endpoint[];
        let decided: () => { portal: number[]; floor: number[] };
        try {
          ({ endpoints, decided } = await fixtures(recorder.base, database.url));
          plan = await record(recorder, endpoints, database.url);
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
            console.log(
              `  ${setup.padEnd(8)} ${endpoint.name.padEnd(16)} portal ${row.portal.rps.toFixed(1).padStart(7)} req/s p50 ${row.portal.p50} p99 ${row.portal.p99} ms` +
                ` | floor ${row.floor.rps.toFixed(1).padStart(7)} req/s p50 ${row.floor.p50} p99 ${row.floor.p99} ms` +
                ` | ratio ${(row.portal.rps / row.floor.rps).toFixed(2)} | RSS ${row.portal.rssMb.map((r) => r.toFixed(0)).join('/')} MB` +
                ` | errors ${row.portal.errors}/${row.floor.errors} | load ${row.load.map((l) => l.toFixed(1)).join('→')}`,
            );
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

function table(rows: Row[]): string {
  const lines = [
    '| size | set-up | endpoint | portal req/s | p50 / p99 ms | floor req/s | p50 / p99 ms | portal/floor | RSS MB per process | errors | load 1-min |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of rows) {
    if ('skipped' in r) {
      lines.push(
        `| ${r.size.toLocaleString('en')} | ${r.setup} | ${r.endpoint} | not measured: the portal answered with an error | | | | | | | |`,
      );
      continue;
    }
    lines.push(
      `| ${r.size.toLocaleString('en')} | ${r.setup} | ${r.endpoint} | ${r.portal.rps.toFixed(1)} | ${r.portal.p50} / ${r.portal.p99} | ${r.floor.rps.toFixed(1)} | ${r.floor.p50} / ${r.floor.p99} | ${(r.portal.rps / r.floor.rps).toFixed(2)} | ${r.portal.rssMb.map((x) => x.toFixed(0)).join(' / ')} | ${r.portal.errors} | ${r.load.map((l) => l.toFixed(1)).join(' → ')} |`,
    );
  }
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

/**
 * Submissions per second through the portal, side by side with the bare floor, in one run
 * (`npx tsx bench/submissions.bench.ts`; bench/submissions.md has the figures and their reading).
 *
 * Each target runs in its own child process on a fresh SQLite file and upload directory; this
 * process is the load generator (HTTP/1.1 keep-alive on loopback, CONCURRENCY clients in a closed
 * loop, each portal client a signed-in resident).
 *
 *   floor   one Express route (bench/support/floor-target.ts) that parses the same body and writes
 *           the same rows (application, audit, 2 outbox, 3 counters, deadline, document) in one knex transaction and the
 *           same file (fsync), and nothing else.
 *   portal  the real app (createApp, as server/main.ts builds it; no background worker) with two
 *           benchmark services of two fields each (bench/support/bench-services.ts).
 *
 * Variants (VARIANTS, default "nofile,file,submit"):
 *   nofile  one portal submission is what a resident's browser POSTs: POST /services/:slug/apply
 *           with the two fields (the form's only page; it makes the draft), then
 *           POST /applications/:id/submit.
 *   file    the same page with its file field: POST /services/:slug/apply as multipart with the two
 *           fields and the 100 KB PDF (clamd scan, file write + fsync; the draft and its document
 *           row in one transaction), then POST …/submit. Before run 8: four requests (an empty
 *           draft, the documents page's upload, the page, submit).
 *   submit  the portal's submit step alone (POST /applications/:id/submit), on drafts prepared
 *           beforehand with the two fields saved, against the no-file floor.
 * Redirects are not followed: no page rendering is timed. Memory and CPU of each target process are
 * read after the warm-up and after every segment (after a full GC: targets run with --expose-gc).
 *
 * Environment: N (submissions per target, nofile; default 25000), N_FILE (file; 5000), N_SUBMIT
 * (submit; 5000), WARMUP (500, not measured), SEGMENTS (10), CONCURRENCY (8), LOG_LEVEL (portal;
 * warn); PROFILE_DIR=<dir> writes a V8 CPU profile of the portal process there; PORTAL_NODE_FLAGS
 * adds V8 flags to the portal process (e.g. production's --max-old-space-size=192);
 * BENCH_SESSION_TOUCH=off is a what-if experiment (see bench/support/portal-target.ts);
 * FLOOR_KEEP_STATEMENTS=1 gives the floor the portal's client: the prepared-statement cache (decision
 * 0014) and the reading connections beside the writer (decision 0023).
 * Needs clamd on 127.0.0.1:3310 for the file variant.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, migrateLatest } from '../db/connection.js';
import { pdfOfSize, requireClamd } from '../test/support/clamav.js';
import { rowsPerSubmission } from './support/rows-written.js';
import { TWO_FIELD_ANSWERS, TWO_FIELDS, TWO_FIELDS_AND_PDF } from './support/bench-services.js';
import { HttpClient, expectRedirect, keepAliveAgent } from './support/http-client.js';
import { runLoad, startTarget, type LoadResult, type StepTimer, type Target } from './support/load.js';
import { createResidents, saveFirstPage, signIn, submit } from './support/portal-flow.js';
import { freePort } from './support/server-process.js';
import {
  mb,
  report,
  VARIANTS,
  type Kind,
  type Measurement,
  type Variant,
} from './support/submissions-report.js';

const COUNTS: Record<Variant, number> = {
  nofile: Number(process.env.N ?? 25_000),
  file: Number(process.env.N_FILE ?? 5_000),
  submit: Number(process.env.N_SUBMIT ?? 5_000),
};
const WARMUP = Number(process.env.WARMUP ?? 500);
const SEGMENTS = Number(process.env.SEGMENTS ?? 10);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const CHOSEN = (process.env.VARIANTS ?? VARIANTS.join(','))
  .split(',')
  .filter((v): v is Variant => (VARIANTS as readonly string[]).includes(v));
const PDF = pdfOfSize(100 * 1024);

interface Prepared {
  target: Target;
  submitOne: (client: number, time: StepTimer) => Promise<void>;
  close(): void;
}

function environment(kind: Kind, dir: string, port: number): Record<string, string> {
  return {
    PORT: String(port),
    DATABASE_URL: `sqlite://${path.join(dir, `${kind}.sqlite`)}`,
    UPLOAD_DIR: path.join(dir, 'uploads'),
    NODE_ENV: 'development',
    SEED_DEMO: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    RUN_WORKER: 'false',
  };
}

async function prepareFloor(variant: Variant, dir: string): Promise<Prepared> {
  const target = await startTarget(
    'bench/support/floor-target.ts',
    environment('floor', dir, await freePort()),
    dir,
  );
  const agent = keepAliveAgent(CONCURRENCY);
  const clients = Array.from({ length: CONCURRENCY }, () => new HttpClient(target.baseUrl, agent));
  return {
    target,
    close: () => agent.destroy(),
    async submitOne(c, time) {
      const client = clients[c]!;
      await time('submit', async () => {
        const res =
          variant === 'file'
            ? await client.postMultipart('/submit', TWO_FIELD_ANSWERS, [
                { field: 'files', filename: 'attachment.pdf', contentType: 'application/pdf', data: PDF },
              ])
            : await client.postForm('/submit', TWO_FIELD_ANSWERS);
        expectRedirect(res, 'floor submit', /\/submitted$/);
      });
    },
  };
}

async function preparePortal(variant: Variant, dir: string, count: number): Promise<Prepared> {
  const env = environment('portal', dir, await freePort());
  const db = createDb(env.DATABASE_URL!);
  await migrateLatest(db);
  const residents = await createResidents(db, CONCURRENCY);
  await db.destroy();
  const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : [];
  // PORTAL_NODE_FLAGS: V8 flags for the portal only (production's --max-old-space-size, say).
  const flags = (process.env.PORTAL_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const target = await startTarget('bench/support/portal-target.ts', env, dir, [...profile, ...flags]);
  const agent = keepAliveAgent(CONCURRENCY);
  const definition = variant === 'file' ? TWO_FIELDS_AND_PDF : TWO_FIELDS;
  const sessions: { client: HttpClient; csrf: string; drafts: number[] }[] = [];
  for (const resident of residents) {
    const client = new HttpClient(target.baseUrl, agent);
    sessions.push({ client, csrf: await signIn(client, resident), drafts: [] });
  }
  const untimed: StepTimer = async (_step, work) => {
    await work();
  };

  /** The form's only page, saved from the guide's "Start" (with the PDF for the file variant). */
  async function draft(c: number, time: StepTimer): Promise<number> {
    const { client, csrf } = sessions[c]!;
    const files =
      variant === 'file'
        ? [{ field: 'attachmentFile', filename: 'attachment.pdf', contentType: 'application/pdf', data: PDF }]
        : [];
    let id = 0;
    await time('page', async () => {
      id = await saveFirstPage(client, definition.slug, csrf, TWO_FIELD_ANSWERS, /\/check$/, files);
    });
    return id;
  }

  if (variant === 'submit') {
    // Clients are handed submissions as they become free, so each gets a share with room to spare.
    const perClient = Math.ceil(((WARMUP + count) / CONCURRENCY) * 1.1) + 10;
    process.stderr.write(`  portal submit: preparing ${perClient * CONCURRENCY} drafts\n`);
    await Promise.all(
      sessions.map(async (session, c) => {
        for (let i = 0; i < perClient; i++) session.drafts.push(await draft(c, untimed));
      }),
    );
  }

  return {
    target,
    close: () => agent.destroy(),
    async submitOne(c, time) {
      const session = sessions[c]!;
      const id = variant === 'submit' ? session.drafts.shift() : await draft(c, time);
      if (id === undefined) throw new Error(`client ${c} ran out of prepared drafts`);
      await time('submit', () => submit(session.client, id, session.csrf));
    },
  };
}

/** Concatenates the segments of one target's run into one result. */
function joined(loads: LoadResult[]): LoadResult {
  const concat = (arrays: Float64Array[]) => {
    const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      out.set(a, at);
      at += a.length;
    }
    return out;
  };
  const steps = new Map<string, Float64Array>();
  for (const name of new Set(loads.flatMap((l) => [...l.steps.keys()]))) {
    steps.set(name, concat(loads.map((l) => l.steps.get(name) ?? new Float64Array(0))));
  }
  return {
    wallMs: loads.reduce((n, l) => n + l.wallMs, 0),
    total: concat(loads.map((l) => l.total)),
    steps,
  };
}

/**
 * Floor and portal of one variant, both started up front and then loaded in alternating segments
 * (SEGMENTS of each, the same count each time), so that anything else the machine does in the
 * meantime weighs on both alike. Each process accumulates its whole count, for the memory figure.
 */
async function measureVariant(variant: Variant): Promise<Measurement[]> {
  const count = COUNTS[variant];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-submissions-${variant}-`));
  const running: { kind: Kind; prepared: Prepared; measurement: Measurement; loads: LoadResult[] }[] = [];
  try {
    for (const kind of ['floor', 'portal'] as const) {
      const own = path.join(dir, kind);
      fs.mkdirSync(own);
      const prepared =
        kind === 'floor' ? await prepareFloor(variant, own) : await preparePortal(variant, own, count);
      const usageIdle = await prepared.target.usage();
      running.push({
        kind,
        prepared,
        loads: [],
        measurement: {
          kind,
          variant,
          count,
          load: { wallMs: 0, total: new Float64Array(0), steps: new Map() },
          usageIdle,
          usage: [],
          segmentRates: [],
          loadAverage: [],
        },
      });
    }
    for (const r of running) {
      await runLoad(WARMUP, CONCURRENCY, r.prepared.submitOne);
      r.measurement.usage.push({ done: 0, ...(await r.prepared.target.usage()) });
    }
    let done = 0;
    for (let segment = 0; segment < SEGMENTS; segment++) {
      const part = Math.floor((count * (segment + 1)) / SEGMENTS) - Math.floor((count * segment) / SEGMENTS);
      for (const r of running) {
        const load = await runLoad(part, CONCURRENCY, r.prepared.submitOne);
        const m = r.measurement;
        r.loads.push(load);
        m.segmentRates.push((part / load.wallMs) * 1000);
        m.loadAverage.push(os.loadavg()[0] ?? Number.NaN);
        m.usage.push({ done: done + part, ...(await r.prepared.target.usage()) });
        process.stderr.write(
          `  ${variant} ${r.kind}: segment ${segment + 1}/${SEGMENTS}, ${done + part}/${count}, ` +
            `${m.segmentRates.at(-1)!.toFixed(1)}/s, RSS ${mb(m.usage.at(-1)!.rss)}, load ${m.loadAverage.at(-1)!.toFixed(1)}\n`,
        );
      }
      done += part;
    }
    for (const r of running) r.measurement.load = joined(r.loads);
    return running.map((r) => r.measurement);
  } finally {
    for (const r of running) {
      r.prepared.close();
      await r.prepared.target.stop();
      const url = environment(r.kind, path.join(dir, r.kind), 0).DATABASE_URL!;
      process.stderr.write(`  ${variant} ${r.kind} rows per submission: ${await rowsPerSubmission(url)}\n`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (CHOSEN.includes('file')) await requireClamd();
  const cpus = os.cpus();
  console.log(
    `submissions: ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${mb(os.totalmem())} RAM, Node ${process.version}; ` +
      `concurrency ${CONCURRENCY}, warm-up ${WARMUP}; N ${CHOSEN.map((v) => `${v} ${COUNTS[v]}`).join(', ')}` +
      (process.env.BENCH_SESSION_TOUCH === 'off' ? '; WHAT-IF: session touch switched off' : ''),
  );
  const results: Measurement[] = [];
  for (const variant of CHOSEN) {
    results.push(...(await measureVariant(variant)));
  }
  report(results);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

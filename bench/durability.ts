/**
 * Crash durability of submissions (run with `npx tsx bench/durability.ts`).
 *
 * Each round: a fresh database and upload directory; the real portal (server/main.ts) as a child
 * process; WORKERS signed-in residents each running the residence-certificate flow in a loop
 * (every page with its answers, the required PDFs sent with their page, submit, read the reference
 * off the submitted page); SIGKILL at a random moment; wait for the exit; restart on the same data; one more
 * submission to show the restarted portal works; a clean stop; then the checks:
 *   - every acknowledged submission (303 to /submitted and the page with its reference received)
 *     is there, submitted, with its SUBMIT audit row and all its documents, each file whole
 *     (size and sha256);
 *   - the database's integrity check passes (SQLite: PRAGMA integrity_check and foreign_key_check);
 *   - listOrphanFiles finds no file in UPLOAD_DIR that no document row refers to.
 *
 * Environment: ROUNDS (10), WORKERS (6), KILL_MIN_MS (1000), KILL_MAX_MS (6000), KEEP=1 keeps the
 * temporary directories, DATABASE_URL=postgres://… runs on PostgreSQL (its public schema is dropped
 * and recreated every round: use a throw-away database). Needs clamd on 127.0.0.1:3310
 * (`bash .ci/clamav-setup.sh`). Exits 1 when any round loses an acknowledged submission or fails
 * a check.
 */
import fs from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createDb, migrateLatest } from '../db/connection.js';
import { loadRegistry } from '../server/boot.js';
import { ORPHAN_GRACE_MS } from '../server/background.js';
import { removeOrphanFiles } from '../server/services/orphan-files.js';
import type { ServiceDefinition } from '../workflows/types.js';
import { pdfBuffer, requireClamd } from '../test/support/clamav.js';
import { HttpClient, keepAliveAgent } from './support/http-client.js';
import {
  answerPagesWithFiles,
  createResidents,
  readReference,
  signIn,
  submit,
  type Resident,
} from './support/portal-flow.js';
import {
  freePort,
  startScript,
  stopProcess,
  waitHealthy,
  type PortalProcess,
} from './support/server-process.js';
import { verifyPortalData, type Acknowledged, type Verdict } from './support/verify.js';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const WORKERS = Number(process.env.WORKERS ?? 6);
const KILL_MIN_MS = Number(process.env.KILL_MIN_MS ?? 1000);
const KILL_MAX_MS = Number(process.env.KILL_MAX_MS ?? 6000);
const KEEP = process.env.KEEP === '1';
const PG_URL = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
const SERVICE = 'residence-certificate';

const live = new Set<PortalProcess>();

/** A unique PDF of 8–120 KB, so each upload has its own sha256 and the write takes a little while. */
function uniquePdf(label: string): Buffer {
  const head = pdfBuffer(`${label} ${randomBytes(8).toString('hex')}`);
  const size = Math.max(head.length, 8 * 1024 + Math.floor(Math.random() * 112 * 1024));
  const pdf = Buffer.alloc(size, 0x20);
  head.copy(pdf);
  return pdf;
}

interface LoadState {
  stopping: boolean;
  acknowledged: Acknowledged[];
  /** Submit answered 303, the submitted page not (yet) received: not counted as acknowledged. */
  submitUnconfirmed: number;
  /** What each worker is doing, and since when (performance.now()). */
  steps: { step: string; since: number }[];
  errors: string[];
}

interface Applicant {
  n: number;
  client: HttpClient;
  csrf: string;
}

/**
 * Signs the residents in one after another: concurrent sign-ins from one address trip the
 * sign-in limit (it counts requests in flight, successful or not, until they finish).
 */
async function signInAll(baseUrl: URL, residents: Resident[], agent: http.Agent): Promise<Applicant[]> {
  const applicants: Applicant[] = [];
  for (const [n, resident] of residents.entries()) {
    const client = new HttpClient(baseUrl, agent);
    applicants.push({ n, client, csrf: await signIn(client, resident) });
  }
  return applicants;
}

/** One applicant submitting residence certificates until told to stop (or the server dies). */
async function submitLoop(
  { n, client, csrf }: Applicant,
  definition: ServiceDefinition,
  state: LoadState,
  once = false,
): Promise<void> {
  try {
    while (!state.stopping) {
      // As the resident's browser sends them: each page with its answers, the files with their page.
      state.steps[n] = { step: 'pages with files', since: performance.now() };
      const { applicationId, documents } = await answerPagesWithFiles(client, definition, csrf, (field) =>
        uniquePdf(`worker ${n} ${field.key}`),
      );
      state.steps[n] = { step: 'submit', since: performance.now() };
      await submit(client, applicationId, csrf);
      state.submitUnconfirmed++;
      state.steps[n] = { step: 'submitted page', since: performance.now() };
      const reference = await readReference(client, applicationId);
      state.submitUnconfirmed--;
      state.acknowledged.push({ reference, applicationId, documents });
      state.steps[n] = { step: 'between submissions', since: performance.now() };
      if (once) return;
    }
  } catch (err) {
    // Failures after the kill are the kill's; before it they are real errors.
    if (!state.stopping)
      state.errors.push(`worker ${n} (${state.steps[n]?.step}): ${(err as Error).message}`);
  }
}

async function prepareDatabase(url: string, residents: number): Promise<Resident[]> {
  const db = createDb(url);
  try {
    if (PG_URL) {
      await db.raw('drop schema if exists public cascade');
      await db.raw('create schema public');
    }
    await migrateLatest(db);
    return await createResidents(db, residents);
  } finally {
    await db.destroy();
  }
}

interface RoundResult {
  round: number;
  killAfterMs: number;
  killedHow: string;
  acknowledged: number;
  afterRestart: number;
  inFlight: string[];
  submitUnconfirmed: number;
  /** PostgreSQL: files the kill left, removed by the sweep run as it runs once the grace has passed. */
  swept: number;
  verdict: Verdict;
  errors: string[];
  dir: string;
}

async function runRound(round: number, definition: ServiceDefinition): Promise<RoundResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-durability-'));
  const databaseUrl = PG_URL ?? `sqlite://${path.join(dir, 'portal.sqlite')}`;
  const uploadDir = path.join(dir, 'uploads');
  const residents = await prepareDatabase(databaseUrl, WORKERS + 1);
  const env = {
    PORT: String(await freePort()),
    DATABASE_URL: databaseUrl,
    UPLOAD_DIR: uploadDir,
    NODE_ENV: 'development',
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    RUN_WORKER: 'true',
  };

  // 1. Load, then SIGKILL at a random moment.
  const first = startScript('server/main.ts', env, dir);
  live.add(first);
  await waitHealthy(first);
  const state: LoadState = { stopping: false, acknowledged: [], submitUnconfirmed: 0, steps: [], errors: [] };
  const agent = keepAliveAgent(WORKERS);
  const applicants = await signInAll(first.baseUrl, residents.slice(0, WORKERS), agent);
  const workers = applicants.map((a) => submitLoop(a, definition, state));
  const killAfterMs = KILL_MIN_MS + Math.random() * (KILL_MAX_MS - KILL_MIN_MS);
  await new Promise((resolve) => setTimeout(resolve, killAfterMs));
  state.stopping = true;
  const killedAt = performance.now();
  const inFlight = state.steps.map((s) => `${s.step} (${((killedAt - s.since) / 1000).toFixed(2)} s)`);
  const killedHow = await stopProcess(first, 'SIGKILL');
  live.delete(first);
  await Promise.all(workers);
  agent.destroy();
  const acknowledgedBeforeKill = state.acknowledged.length;

  // 2. Restart on the same data; one more submission must go through.
  const second = startScript('server/main.ts', env, dir);
  live.add(second);
  await waitHealthy(second);
  const after: LoadState = {
    stopping: false,
    acknowledged: state.acknowledged,
    submitUnconfirmed: 0,
    steps: [],
    errors: state.errors,
  };
  const agent2 = keepAliveAgent(1);
  try {
    const [late] = await signInAll(second.baseUrl, residents.slice(WORKERS), agent2);
    await submitLoop({ ...late!, n: WORKERS }, definition, after, true);
  } catch (err) {
    state.errors.push(`after restart: ${(err as Error).message}`);
  }
  agent2.destroy();
  const stoppedHow = await stopProcess(second, 'SIGTERM');
  live.delete(second);
  if (stoppedHow !== 'exit 0') state.errors.push(`restarted server stopped with ${stoppedHow}`);

  // 3. The checks, on a short-lived connection of our own.
  const db: Knex = createDb(databaseUrl);
  let verdict: Verdict;
  let swept = 0;
  try {
    // On SQLite the restart's sweep removed what the kill left. On PostgreSQL it keeps files younger
    // than the grace (another process's upload may be in flight); the background worker's sweep takes
    // them once the grace has passed. That sweep is run here as it will run then, so the check below
    // sees what a portal holds after it.
    if (PG_URL)
      swept = (
        await removeOrphanFiles({
          db,
          uploadDir,
          now: new Date(Date.now() + ORPHAN_GRACE_MS),
          graceMs: ORPHAN_GRACE_MS,
        })
      ).length;
    verdict = await verifyPortalData(db, uploadDir, state.acknowledged);
  } finally {
    await db.destroy();
  }
  return {
    round,
    killAfterMs,
    killedHow,
    acknowledged: acknowledgedBeforeKill,
    afterRestart: state.acknowledged.length - acknowledgedBeforeKill,
    inFlight,
    submitUnconfirmed: state.submitUnconfirmed,
    swept,
    verdict,
    errors: state.errors,
    dir,
  };
}

function failed(r: RoundResult): boolean {
  return (
    r.verdict.losses.length > 0 ||
    r.verdict.inconsistencies.length > 0 ||
    !r.verdict.integrity.startsWith('ok') ||
    r.verdict.orphans.length > 0 ||
    r.errors.length > 0 ||
    r.afterRestart !== 1
  );
}

function describe(r: RoundResult): string {
  const v = r.verdict;
  const status = failed(r) ? 'FAIL' : 'ok';
  return (
    `round ${String(r.round).padStart(2)}/${ROUNDS}  kill at ${(r.killAfterMs / 1000).toFixed(2)} s (${r.killedHow})  ` +
    `acknowledged ${String(r.acknowledged).padStart(3)} (+${r.afterRestart} after restart)  ` +
    `applications ${v.applications} (${v.submitted} submitted)  documents ${v.documents}  ` +
    `integrity ${v.integrity.startsWith('ok') ? 'ok' : v.integrity}  lost ${v.losses.length}  ` +
    `orphans ${v.orphans.length}${r.swept > 0 ? ` (${r.swept} swept after the grace)` : ''}  ${status}`
  );
}

async function main(): Promise<void> {
  await requireClamd();
  const registry = await loadRegistry();
  const definition = registry.latest(SERVICE);
  if (!definition) throw new Error(`service ${SERVICE} is not registered`);
  console.log(
    `durability: ${ROUNDS} rounds, ${WORKERS} workers, SIGKILL ${KILL_MIN_MS}–${KILL_MAX_MS} ms after load starts, ` +
      `${PG_URL ? 'PostgreSQL' : 'SQLite'}, ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  const results: RoundResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const result = await runRound(round, definition);
    results.push(result);
    console.log(describe(result));
    const v = result.verdict;
    console.log(`    in flight at the kill: ${result.inFlight.join(', ')}`);
    for (const line of [...result.errors, ...v.losses, ...v.inconsistencies]) console.log(`    ${line}`);
    for (const o of v.orphans) {
      console.log(`    orphan ${o.name} (${o.size} bytes, written ${o.mtime.toISOString()})`);
    }
    if (!failed(result) && !KEEP) fs.rmSync(result.dir, { recursive: true, force: true });
    else console.log(`    data kept in ${result.dir}`);
  }

  const sum = (f: (r: RoundResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const failedRounds = results.filter(failed);
  console.log('\nsummary');
  console.log(`  rounds                        ${results.length} (${failedRounds.length} failed)`);
  console.log(`  acknowledged before the kill  ${sum((r) => r.acknowledged)}`);
  console.log(`  acknowledged after restart    ${sum((r) => r.afterRestart)}`);
  console.log(`  submit 303 without the page   ${sum((r) => r.submitUnconfirmed)} (not counted)`);
  console.log(`  lost acknowledged submissions ${sum((r) => r.verdict.losses.length)}`);
  console.log(`  other inconsistencies         ${sum((r) => r.verdict.inconsistencies.length)}`);
  console.log(
    `  integrity check failures      ${results.filter((r) => !r.verdict.integrity.startsWith('ok')).length}`,
  );
  console.log(
    `  orphan files                  ${sum((r) => r.verdict.orphans.length)} in ${results.filter((r) => r.verdict.orphans.length > 0).length} rounds`,
  );
  if (PG_URL)
    console.log(`  swept after the grace         ${sum((r) => r.swept)} (files the kill left, PostgreSQL)`);
  process.exitCode = failedRounds.length > 0 ? 1 : 0;
}

function killLiveServers(): void {
  for (const server of live) server.child.kill('SIGKILL');
}

process.on('SIGINT', () => {
  killLiveServers();
  process.exit(130);
});

main().catch((err: unknown) => {
  killLiveServers();
  console.error(err);
  process.exit(1);
});

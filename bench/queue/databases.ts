/**
 * The queue benchmark's databases: a SQLite file or a PostgreSQL database per size, filled by the
 * generator command (run as a child process, so its progress bar shows and its memory goes away).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createDb } from '../../db/connection.js';
import { projectRoot } from '../../server/paths.js';

export type Engine = 'sqlite' | 'pg';

export interface BenchDatabase {
  engine: Engine;
  size: number;
  url: string;
  /** Seconds the generator took (null: an existing database was reused). */
  generatedIn: number | null;
  /** The generator's own summary lines. */
  report: string[];
}

export interface Setup {
  sqliteDir: string;
  /** Any database on the server, used to create and drop the benchmark's own databases. */
  pgAdminUrl: string;
  seed: number;
  now: Date;
  /** Reuse a database that already holds exactly `size` applications. */
  reuse: boolean;
}

export function urlOf(engine: Engine, size: number, setup: Setup): string {
  if (engine === 'sqlite') return `sqlite://${path.join(setup.sqliteDir, `queue-${size}.sqlite`)}`;
  const url = new URL(setup.pgAdminUrl);
  url.pathname = `/${pgName(size)}`;
  return url.toString();
}

const pgName = (size: number) => `portal_bench_queue_${size}`;

async function applicationCount(url: string): Promise<number | null> {
  const db = createDb(url);
  try {
    const [row] = await db('applications').count<{ n: number | string }[]>({ n: '*' });
    return Number(row?.n ?? 0);
  } catch {
    return null;
  } finally {
    await db.destroy();
  }
}

/** An empty database for `size` (dropping what was there), or the existing one when reusable. */
export async function prepare(engine: Engine, size: number, setup: Setup): Promise<BenchDatabase> {
  const url = urlOf(engine, size, setup);
  if (setup.reuse && (await exists(engine, size, setup)) && (await applicationCount(url)) === size) {
    console.error(`${engine} ${size.toLocaleString('en')}: reusing ${redact(url)}`);
    return { engine, size, url, generatedIn: null, report: [] };
  }
  await drop(engine, size, setup);
  if (engine === 'pg') await adminQuery(setup, `create database ${pgName(size)}`);
  const started = Date.now();
  const report = await generate(url, size, setup);
  return { engine, size, url, generatedIn: (Date.now() - started) / 1000, report };
}

async function exists(engine: Engine, size: number, setup: Setup): Promise<boolean> {
  if (engine === 'sqlite') return fs.existsSync(urlOf(engine, size, setup).replace('sqlite://', ''));
  const rows = await adminQuery(setup, `select 1 from pg_database where datname = '${pgName(size)}'`);
  return rows.length > 0;
}

export async function drop(engine: Engine, size: number, setup: Setup): Promise<void> {
  if (engine === 'sqlite') {
    const file = urlOf(engine, size, setup).replace('sqlite://', '');
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    return;
  }
  await adminQuery(setup, `drop database if exists ${pgName(size)} with (force)`);
}

async function adminQuery(setup: Setup, sql: string): Promise<unknown[]> {
  const db = createDb(setup.pgAdminUrl);
  try {
    const result = await db.raw<{ rows: unknown[] }>(sql);
    return result.rows;
  } finally {
    await db.destroy();
  }
}

/** Runs `server/cli/generate-applications.ts`; its progress bar goes to this process's stderr. */
function generate(url: string, size: number, setup: Setup): Promise<string[]> {
  const args = [
    '--import',
    'tsx',
    path.join(projectRoot, 'server/cli/generate-applications.ts'),
    '--count',
    String(size),
    '--database-url',
    url,
    '--seed',
    String(setup.seed),
    '--now',
    setup.now.toISOString(),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`generator exited with ${code}`)),
    );
  });
}

export const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//…@');

/**
 * The floor of the load benchmark: for each endpoint, an Express route that does the same I/O as
 * the portal did for one sample request of it, and nothing else. The SQL was recorded from the
 * portal (load-target.ts, BENCH_CAPTURE): every read (select) is sent again as it was, with its
 * parameters; the writes (insert, update, delete) become as many inserts of rows of the same size
 * into a scratch table, in one transaction (one commit, as the portal's), because the original
 * writes cannot be repeated (unique references, versioned updates). A workflow event's writes are the
 * exception (decision 0016): each floor request names an application of its own, in the same state
 * as the portal's, and the recorded writes are sent verbatim on it (the versioned update of its row,
 * the report counters, the audit row, the outbox row), so the floor updates the same table, indexes
 * and counters as the portal. An upload is parsed into memory
 * with multer, each file is sent to clamd as the portal sends it (the same INSTREAM exchange, through
 * the portal's own client: it is I/O the portal does, on the same cores), and written like the
 * portal (exclusive create, write, fsync, directory fsync). The answer is a body of the same size
 * and status as the portal's. No sessions, CSRF, templates, validation, type detection or workflow.
 *
 * Environment: PORT, DATABASE_URL, UPLOAD_DIR, FLOOR_PLAN (a JSON file: name → FloorStep),
 * WEB_CONCURRENCY (processes, node:cluster, as the portal), CLAMAV_SOCKET / CLAMAV_HOST /
 * CLAMAV_PORT (as the portal's configuration), FLOOR_SCAN=0 (no scan: the floor of the runs before
 * decision 0015, for comparison).
 */
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import multer from 'multer';
import { createDb } from '../db/connection.js';
import { syncDirectory, writeDurably } from '../server/services/durable-files.js';
import { floorScanner } from './support/floor-scanner.js';
import {
  applicationRow,
  rebind,
  rowsOf,
  type ApplicationKey,
  type Statement,
} from './support/floor-replay.js';

export type { ApplicationKey } from './support/floor-replay.js';

export interface FloorStep {
  reads: Statement[];
  /** Bytes of each write statement's parameters. */
  writes: number[];
  /** A workflow event: its writes as sent, and its application's key before it (decision 0016). */
  replay?: { sample: ApplicationKey; writes: Statement[] };
  upload: boolean;
  status: number;
  location?: string;
  bodyBytes: number;
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const processes = Number(process.env.WEB_CONCURRENCY ?? '1');
  if (cluster.isPrimary) {
    const db = createDb(url);
    await db.raw('create table if not exists bench_floor (id bigint primary key, payload text not null)');
    await db.destroy();
    if (processes > 1) {
      for (let i = 0; i < processes; i++) cluster.fork();
      process.on('SIGTERM', () => {
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
        process.exit(0);
      });
      return;
    }
  }
  const plan = JSON.parse(fs.readFileSync(process.env.FLOOR_PLAN!, 'utf8')) as Record<string, FloorStep>;
  const uploadDir = path.resolve(process.env.UPLOAD_DIR ?? 'uploads');
  await fsp.mkdir(uploadDir, { recursive: true, mode: 0o700 });
  // knex as shipped (every statement prepared afresh, one connection) unless FLOOR_KEEP_STATEMENTS=1, the
  // portal's client (bench/README.md).
  const db = createDb(url, { keepStatements: process.env.FLOOR_KEEP_STATEMENTS === '1' });
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: 10 * 1024 * 1024, files: 5 },
  });
  let nextId = Number(process.pid) * 1_000_000_000 + (Date.now() % 1_000_000_000);
  const scanner = process.env.FLOOR_SCAN === '0' ? null : floorScanner();

  for (const [name, step] of Object.entries(plan)) {
    const body = 'x'.repeat(step.bodyBytes);
    /** The portal's answer: its status, its redirect, a body of its size. */
    const answer = (res: express.Response) => {
      if (step.location) res.location(step.location);
      res.status(step.status).type('html').send(body);
    };
    const handlers: express.RequestHandler[] = step.upload ? [upload.any()] : [];
    handlers.push(async (req, res) => {
      for (const read of step.reads) await db.raw(read.sql, read.bindings as never[]);
      const files = Array.isArray(req.files) ? req.files : [];
      if (scanner) {
        for (const file of files) {
          if (!(await scanner.scan(file.buffer)).clean) return void res.status(422).send('infected');
        }
      }
      for (const file of files)
        await writeDurably(path.join(uploadDir, `${randomBytes(16).toString('hex')}.pdf`), file.buffer);
      if (files.length > 0) await syncDirectory(uploadDir);
      if (step.writes.length > 0) {
        await db.transaction(async (trx) => {
          for (const bytes of step.writes) {
            await trx('bench_floor').insert({ id: nextId++, payload: 'w'.repeat(bytes) });
          }
        });
      }
      answer(res);
    });
    app.all(`/floor/${name}`, ...handlers);
    const replay = step.replay;
    if (replay) {
      app.all(`/floor/${name}/:applicationId`, async (req, res) => {
        const id = Number(req.params.applicationId);
        // The portal's reads, on this application: its row gives what the writes put in place.
        let row: ApplicationKey | undefined;
        for (const read of step.reads) {
          const result: unknown = await db.raw(
            read.sql,
            rebind(read, replay.sample, { ...replay.sample, id }) as never[],
          );
          row ??= applicationRow(result, id);
        }
        if (!row) return void res.status(404).send('no such application');
        const key = row;
        const updated = await db.transaction(async (trx) => {
          let rows = 0;
          for (const write of replay.writes) {
            const result: unknown = await trx.raw(write.sql, rebind(write, replay.sample, key) as never[]);
            if (/^\s*update\b/i.test(write.sql)) rows += rowsOf(result).length;
          }
          return rows;
        });
        // As the portal: a versioned update that found no row is a conflict.
        if (updated === 0) return void res.status(409).send('conflict');
        answer(res);
      });
    }
  }
  app.listen(Number(process.env.PORT), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

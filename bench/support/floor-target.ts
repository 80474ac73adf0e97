/**
 * The floor of the submissions benchmark: the least a server can do to accept a submission with
 * the portal's storage. One Express route, POST /submit, that parses the body (urlencoded, or
 * multipart into memory with multer as the portal does), writes the file like the portal
 * (exclusive create, write, fsync, directory fsync) and, in one knex transaction on its own SQLite
 * file (same pragmas: WAL, synchronous=FULL), writes the rows a portal submission writes: the
 * submitted application row, its audit row, its two outbox rows (the applicant's and the
 * department's notices), its three report-counter rows (one upsert, as the portal's), its
 * service-level deadline and the document row. No sessions, CSRF, validation, workflow or scan:
 * the floor "writes the same rows with knex and stores the same file".
 *
 * Environment: PORT, DATABASE_URL (sqlite:///…), UPLOAD_DIR; FLOOR_SCAN=1 (a what-if, not the
 * issue's floor) sends the file to clamd first, through the portal's client and its CLAMAV_*
 * settings, as the load benchmark's floor does (decision 0015).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import express from 'express';
import multer from 'multer';
import { createDb, migrateLatest } from '../../db/connection.js';
import { initialSnapshot } from '../../workflows/engine.js';
import { newReference } from '../../server/services/reference.js';
import { syncDirectory, writeDurably } from '../../server/services/durable-files.js';
import { floorScanner } from './floor-scanner.js';
import { TWO_FIELDS } from './bench-services.js';
import { answerUsageRequests, send } from './target-ipc.js';

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  const uploadDir = path.resolve(process.env.UPLOAD_DIR ?? 'uploads');
  // knex as shipped (every statement prepared afresh, one connection) unless FLOOR_KEEP_STATEMENTS=1, the
  // portal's client (bench/README.md).
  const db = createDb(process.env.DATABASE_URL ?? 'sqlite://floor.sqlite', {
    keepStatements: process.env.FLOOR_KEEP_STATEMENTS === '1',
  });
  await migrateLatest(db);
  await fs.mkdir(uploadDir, { recursive: true, mode: 0o700 });
  const now = new Date();
  const [user] = await db('users')
    .insert({
      kind: 'resident',
      cpr: '700000000',
      name: 'Floor Resident',
      email: 'floor@example.bh',
      created_at: now,
      updated_at: now,
    })
    .returning<{ id: number }[]>('id');
  const applicantId = Number(user!.id);
  // A row as large as the portal's: the real workflow snapshot of a new application.
  const snapshot = JSON.stringify(initialSnapshot(TWO_FIELDS, { applicantId }));

  const app = express();
  app.use(express.urlencoded({ extended: false, limit: '100kb' }));
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1024 * 1024, files: 1 } });
  const scanner = process.env.FLOOR_SCAN === '1' ? floorScanner() : null;

  app.post('/submit', upload.single('files'), async (req, res) => {
    const body = req.body as Record<string, string>;
    const at = new Date();
    const file = req.file;
    let document: Record<string, unknown> | undefined;
    if (file) {
      if (scanner && !(await scanner.scan(file.buffer)).clean) return void res.status(422).send('infected');
      const storedName = `${randomBytes(16).toString('hex')}.pdf`;
      await writeDurably(path.join(uploadDir, storedName), file.buffer);
      await syncDirectory(uploadDir);
      document = {
        requirement_key: 'attachment',
        stored_name: storedName,
        original_name: file.originalname,
        media_type: 'application/pdf',
        size_bytes: file.buffer.length,
        sha256: createHash('sha256').update(file.buffer).digest('hex'),
        uploaded_by: applicantId,
        created_at: at,
      };
    }
    // A reference is unique; on the rare collision (one in tens of thousands here), draw again, as
    // the portal's form runner does.
    const insert = () =>
      db.transaction(async (trx) => {
        const [row] = await trx('applications')
          .insert({
            reference: newReference('bench-two-fields', at.getUTCFullYear()),
            service_slug: 'bench-two-fields',
            service_version: 1,
            applicant_id: applicantId,
            channel: 'web',
            department: 'customer-services',
            state: 'submitted',
            status: 'submitted',
            snapshot,
            form_data: JSON.stringify({ subject: body.subject, details: body.details }),
            submitted_at: at,
            created_at: at,
            updated_at: at,
          })
          .returning<{ id: number }[]>('id');
        const applicationId = Number(row!.id);
        await trx('application_events').insert({
          application_id: applicationId,
          actor_id: applicantId,
          actor_role: 'applicant',
          event: 'SUBMIT',
          from_state: 'draft',
          to_state: 'submitted',
          from_status: 'draft',
          to_status: 'submitted',
          created_at: at,
        });
        await trx('outbox').insert(
          [
            { template: 'submitted', to: 'applicant' },
            { template: 'new_application', to: 'department' },
          ].map((notice) => ({
            application_id: applicationId,
            kind: 'notify',
            payload: JSON.stringify({ ...notice, applicationId }),
            next_attempt_at: at.getTime(),
            created_at: at,
          })),
        );
        // The report counters of the day, the month and the month's slice, one upsert.
        const day = at.toISOString().slice(0, 10);
        await trx('stats_daily')
          .insert(
            [day.slice(0, 7), day, `${day.slice(0, 7)}-d`].map((bucket) => ({
              day: bucket,
              municipality: '',
              service_slug: 'bench-two-fields',
              n: 1,
              s_submitted: 1,
              c_web: 1,
            })),
          )
          .onConflict(['day', 'municipality', 'service_slug'])
          .merge(
            Object.fromEntries(
              ['n', 's_submitted', 'c_web'].map((c) => [
                c,
                trx.raw('??.?? + ??.??', ['stats_daily', c, 'excluded', c]),
              ]),
            ),
          );
        await trx('deadlines').insert({
          application_id: applicationId,
          key: 'sla',
          event: 'SLA_ESCALATE',
          due_at: at.getTime() + 5 * 24 * 3600 * 1000,
          created_at: at.getTime(),
        });
        if (document) await trx('documents').insert({ ...document, application_id: applicationId });
        return applicationId;
      });
    let id: number | undefined;
    for (let attempt = 0; id === undefined; attempt++) {
      try {
        id = await insert();
      } catch (err) {
        if (attempt >= 4 || !/unique|duplicate/i.test(String((err as Error).message))) throw err;
      }
    }
    res.redirect(303, `/applications/${id}/submitted`);
  });

  app.listen(port, '127.0.0.1', () => send({ type: 'ready', port }));
  answerUsageRequests();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

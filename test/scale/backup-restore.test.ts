import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { createDb, clientOf } from '../../db/connection.js';
import { projectRoot } from '../../server/paths.js';
import { newReference } from '../../server/services/reference.js';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { databaseUrlOf } from './support.js';

const run = promisify(execFile);
const script = (name: string) => path.join(projectRoot, 'scripts', name);

interface Snapshot {
  applications: unknown[];
  users: unknown[];
  documents: { stored_name: string; sha256: string; size_bytes: number }[];
  events: number;
}

async function snapshot(db: Knex): Promise<Snapshot> {
  return {
    applications: await db('applications').select('id', 'reference', 'status', 'form_data').orderBy('id'),
    users: await db('users').select('id', 'email', 'kind', 'role', 'password_hash').orderBy('id'),
    documents: await db('documents').select('stored_name', 'sha256', 'size_bytes').orderBy('id'),
    events: Number((await db('application_events').count({ n: '*' }))[0]!.n),
  };
}

describe(`Backup and restore with scripts/backup.sh and scripts/restore.sh (${dbLabel})`, function () {
  this.timeout(60_000);
  let ctx: TestContext;
  let resident: Person;
  let work: string;
  let url: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    ctx = await createTestContext();
    resident = await makeResident(ctx, 'Backup Person');
    await makeStaff(ctx, 'reviewer', 'capital');
    url = databaseUrlOf(ctx.db);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-backup-'));
    env = { ...process.env, DATABASE_URL: url, UPLOAD_DIR: ctx.config.uploadDir };
  });
  afterEach(async () => {
    await ctx.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  /** A submitted application with `files` documents written to the upload directory as the portal does. */
  async function applicationWithDocuments(files: number): Promise<number> {
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: resident.id,
      municipality: 'capital',
    });
    for (let i = 0; i < files; i++) {
      const data = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2000 + i * 500)]);
      const storedName = `${randomBytes(16).toString('hex')}.pdf`;
      fs.writeFileSync(path.join(ctx.config.uploadDir, storedName), data, { mode: 0o600 });
      await ctx.db('documents').insert({
        application_id: draft.id,
        requirement_key: 'attachment',
        stored_name: storedName,
        original_name: `page-${i}.pdf`,
        media_type: 'application/pdf',
        size_bytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        uploaded_by: resident.id,
        created_at: ctx.clock.now(),
      });
    }
    const submitted = await ctx.services.applyEvent({
      applicationId: draft.id,
      event: { type: 'SUBMIT' },
      actor: { role: 'applicant', userId: resident.id },
      extra: { reference: newReference('residence-certificate', 2026) },
    });
    expect(submitted.ok).to.equal(true);
    return draft.id;
  }

  /** Removes the database's contents (or file) and the upload directory, as a lost disk would. */
  async function wipe(): Promise<void> {
    if (clientOf(ctx.db) === 'pg') {
      await ctx.db.raw('drop schema public cascade');
      await ctx.db.raw('create schema public');
      await ctx.db.destroy();
    } else {
      await ctx.db.destroy();
      const file = url.replace(/^sqlite:\/\//, '');
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    }
    fs.rmSync(ctx.config.uploadDir, { recursive: true, force: true });
  }

  it('when the portal is backed up, wiped and restored, then every application, user and document comes back with matching sha256', async () => {
    await applicationWithDocuments(3);
    await applicationWithDocuments(1);
    await applicationWithDocuments(0);
    const before = await snapshot(ctx.db);
    expect(before.documents).to.have.length(4);

    const backup = path.join(work, 'backup');
    const made = await run(script('backup.sh'), [backup], { env });
    expect(made.stdout).to.match(/backup: written to .*4 documents/);
    await wipe();
    expect(fs.existsSync(ctx.config.uploadDir)).to.equal(false);

    const restored = await run(script('restore.sh'), [backup], { env });
    expect(restored.stdout).to.contain('4 documents restored');
    const db = createDb(url);
    try {
      expect(await snapshot(db)).to.deep.equal(before);
      for (const doc of before.documents) {
        const data = fs.readFileSync(path.join(ctx.config.uploadDir, doc.stored_name));
        expect(createHash('sha256').update(data).digest('hex')).to.equal(doc.sha256);
        expect(data.length).to.equal(Number(doc.size_bytes));
      }
      // The restored database is a working one: it takes new rows.
      await db('users').insert({
        kind: 'resident',
        cpr: '990000001',
        name: 'After Restore',
        email: 'after-restore@example.bh',
        created_at: new Date(),
        updated_at: new Date(),
      });
    } finally {
      await db.destroy();
    }
  });

  it('when a backup has been damaged, then restore refuses before changing anything', async () => {
    await applicationWithDocuments(2);
    const before = await snapshot(ctx.db);
    const backup = path.join(work, 'backup');
    await run(script('backup.sh'), [backup], { env });
    const archive = path.join(backup, 'uploads.tar.gz');
    const bytes = fs.readFileSync(archive);
    bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
    fs.writeFileSync(archive, bytes);

    const refused = await run(script('restore.sh'), [backup], { env }).then(
      () => 'restored',
      (err: { code: number; stderr: string }) => `exit ${err.code}: ${err.stderr}`,
    );
    expect(refused).to.match(
      /^exit 1: .*the backup in .* is damaged \(checksums differ\); nothing was changed/s,
    );
    expect(await snapshot(ctx.db)).to.deep.equal(before);
  });

  it('when the backup directory already exists, then backup refuses to write into it', async () => {
    const existing = fs.mkdtempSync(path.join(work, 'old-'));
    const refused = await run(script('backup.sh'), [existing], { env }).then(
      () => 'written',
      (err: { stderr: string }) => err.stderr,
    );
    expect(refused).to.contain('already exists; give a new directory');
  });
});

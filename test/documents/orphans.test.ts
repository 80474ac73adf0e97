import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident } from '../support/people.js';
import { PDF } from '../support/clamav.js';
import { removeOrphanFiles } from '../../server/services/orphan-files.js';

describe(`Orphan upload files after a crash (${dbLabel})`, () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  afterEach(() => ctx.close());

  it('when a file has no row and is older than the grace period, then it is removed; younger ones and stored documents stay', async () => {
    const applicant = await makeResident(ctx);
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
    });
    const requirement = ctx.services.registry.latest('residence-certificate')!.guide.documents[0]!;
    const accepted = await ctx.services.documents.accept({
      applicationId: draft.id,
      requirement,
      files: [{ originalName: 'a.pdf', buffer: PDF }],
      existingCount: 0,
      uploadedBy: applicant.id,
    });
    expect(accepted.ok).to.equal(true);
    const dir = ctx.config.uploadDir;
    // What a process killed between writing and committing leaves behind.
    fs.writeFileSync(path.join(dir, 'deadbeefdeadbeefdeadbeefdeadbeef.pdf'), PDF);
    fs.writeFileSync(path.join(dir, 'cafebabecafebabecafebabecafebabe.pdf'), PDF);
    const old = new Date(Date.now() - 20 * 60 * 1000);
    fs.utimesSync(path.join(dir, 'deadbeefdeadbeefdeadbeefdeadbeef.pdf'), old, old);

    const removed = await removeOrphanFiles({
      db: ctx.db,
      uploadDir: dir,
      now: new Date(),
      graceMs: 10 * 60 * 1000,
    });
    expect(removed).to.deep.equal(['deadbeefdeadbeefdeadbeefdeadbeef.pdf']);
    const left = fs.readdirSync(dir).sort();
    expect(left).to.include('cafebabecafebabecafebabecafebabe.pdf');
    const stored = await ctx.db('documents').pluck('stored_name');
    for (const name of stored) expect(left).to.include(name);

    expect(
      await removeOrphanFiles({ db: ctx.db, uploadDir: dir, now: new Date(), graceMs: 0 }),
    ).to.deep.equal(['cafebabecafebabecafebabecafebabe.pdf']);
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, type Person } from '../support/people.js';
import {
  EICAR,
  JPEG,
  PDF,
  PDF_WITH_EICAR,
  PNG,
  fakeExecutable,
  pdfOfSize,
  requireClamd,
  testScanner,
  unreachableScanner,
} from '../support/clamav.js';
import { documentsService, type DocumentsService } from '../../server/services/documents.js';
import { listOrphanFiles } from '../../server/services/orphan-files.js';
import type { MalwareScanner } from '../../server/services/malware-scanner.js';
import type { DocumentRequirement } from '../../workflows/schema/service.js';
import { publicDir } from '../../server/paths.js';

const MB = 1024 * 1024;

function requirement(overrides: Partial<DocumentRequirement> = {}): DocumentRequirement {
  return {
    key: 'cprCopy',
    label: { ar: 'نسخة من البطاقة الذكية', en: 'Copy of the smart card' },
    required: true,
    types: ['pdf'],
    maxSizeMb: 1,
    maxFiles: 2,
    ...overrides,
  };
}

describe(`Accepting uploaded documents (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;
  let applicationId: number;
  let documents: DocumentsService;

  before(requireClamd);

  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx);
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: applicant.id,
      municipality: 'capital',
    });
    applicationId = draft.id;
    documents = serviceWith(testScanner());
  });
  afterEach(() => ctx.close());

  function serviceWith(scanner: MalwareScanner): DocumentsService {
    return documentsService({
      db: ctx.db,
      config: ctx.config,
      clock: ctx.clock,
      scanner,
      logger: ctx.logger,
    });
  }

  const filesOnDisk = () => (fs.existsSync(ctx.config.uploadDir) ? fs.readdirSync(ctx.config.uploadDir) : []);
  const rowCount = async () =>
    Number((await ctx.db('documents').where({ application_id: applicationId }).count({ n: '*' }))[0]?.n);

  const upload = (
    files: { originalName: string; buffer: Buffer }[],
    req = requirement(),
    existingCount = 0,
  ) => documents.accept({ applicationId, requirement: req, files, existingCount, uploadedBy: applicant.id });

  it('when a valid PDF is uploaded, then it is stored under a generated name outside public/ with its sha256', async () => {
    const result = await upload([{ originalName: 'بطاقة هوية.pdf', buffer: PDF }]);

    expect(result.ok, JSON.stringify(result)).to.equal(true);
    if (!result.ok) return;
    const [doc] = result.documents;
    expect(doc).to.include({
      application_id: applicationId,
      requirement_key: 'cprCopy',
      original_name: 'بطاقة هوية.pdf',
      media_type: 'application/pdf',
      size_bytes: PDF.length,
      sha256: createHash('sha256').update(PDF).digest('hex'),
      uploaded_by: applicant.id,
    });
    expect(doc!.stored_name).to.match(/^[0-9a-f]{32}\.pdf$/);

    const opened = await documents.openForDownload(doc!.id, applicationId);
    expect(opened).to.not.equal(undefined);
    expect(path.relative(publicDir, opened!.path).startsWith('..')).to.equal(true);
    expect(path.dirname(opened!.path)).to.equal(path.resolve(ctx.config.uploadDir));
    expect(fs.readFileSync(opened!.path).equals(PDF)).to.equal(true);
    expect(filesOnDisk()).to.deep.equal([doc!.stored_name]);

    const [row] = await documents.list(applicationId);
    expect(row).to.include({ id: doc!.id, sha256: doc!.sha256, size_bytes: PDF.length });
  });

  it('when the upload directory was removed while the portal runs, then the next upload makes it again and is stored', async () => {
    const first = await upload([{ originalName: 'first.pdf', buffer: PDF }]);
    expect(first.ok).to.equal(true);
    fs.rmSync(ctx.config.uploadDir, { recursive: true, force: true });
    await ctx.db('documents').where({ application_id: applicationId }).delete();

    const again = await upload([{ originalName: 'again.pdf', buffer: PDF }]);

    expect(again.ok, JSON.stringify(again)).to.equal(true);
    if (!again.ok) return;
    expect(filesOnDisk()).to.deep.equal([again.documents[0]!.stored_name]);
    expect((fs.statSync(ctx.config.uploadDir).mode & 0o777).toString(8)).to.equal('700');
  });

  it('when a JPEG and a PNG are uploaded where images are allowed, then their types come from their bytes', async () => {
    const result = await upload(
      [
        { originalName: 'photo.pdf', buffer: JPEG },
        { originalName: 'scan', buffer: PNG },
      ],
      requirement({ types: ['jpeg', 'png'] }),
    );

    expect(result.ok, JSON.stringify(result)).to.equal(true);
    if (!result.ok) return;
    expect(result.documents.map((d) => d.media_type)).to.deep.equal(['image/jpeg', 'image/png']);
    expect(result.documents.map((d) => d.stored_name.split('.')[1])).to.deep.equal(['jpg', 'png']);
  });

  it('when a file is larger than the requirement allows, then it is refused with 413 and nothing is stored', async () => {
    const result = await upload([{ originalName: 'big.pdf', buffer: pdfOfSize(1 * MB + 1) }]);

    expect(result).to.deep.equal({ ok: false, status: 413, code: 'too_large' });
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it('when a file is exactly at the size limit, then it is accepted', async () => {
    const result = await upload([{ originalName: 'edge.pdf', buffer: pdfOfSize(1 * MB) }]);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
  });

  it('when more files are sent than the requirement allows, then they are refused with 413 and nothing is stored', async () => {
    const three = [1, 2, 3].map((n) => ({ originalName: `${n}.pdf`, buffer: PDF }));
    expect(await upload(three)).to.deep.equal({ ok: false, status: 413, code: 'too_many' });

    const first = await upload([{ originalName: 'one.pdf', buffer: PDF }]);
    expect(first.ok).to.equal(true);
    const two = [1, 2].map((n) => ({ originalName: `${n}.pdf`, buffer: PDF }));
    expect(await upload(two, requirement(), 1)).to.deep.equal({ ok: false, status: 413, code: 'too_many' });
    expect(await rowCount()).to.equal(1);
    expect(filesOnDisk()).to.have.length(1);
  });

  it('when the caller understates how many files are already stored, then the database count still refuses with 413', async () => {
    for (const n of [1, 2]) {
      expect((await upload([{ originalName: `${n}.pdf`, buffer: PDF }])).ok).to.equal(true);
    }
    const result = await upload([{ originalName: 'third.pdf', buffer: PDF }], requirement(), 0);

    expect(result).to.deep.equal({ ok: false, status: 413, code: 'too_many' });
    expect(await rowCount()).to.equal(2);
    expect(filesOnDisk()).to.have.length(2);
  });

  it('when two uploads race for the last free slot, then exactly one is stored and the other gets 413', async () => {
    expect((await upload([{ originalName: 'first.pdf', buffer: PDF }])).ok).to.equal(true);
    const results = await Promise.all(
      ['a.pdf', 'b.pdf'].map((name) => upload([{ originalName: name, buffer: PDF }], requirement(), 1)),
    );

    expect(results.filter((r) => r.ok)).to.have.length(1);
    expect(results.find((r) => !r.ok)).to.deep.equal({ ok: false, status: 413, code: 'too_many' });
    expect(await rowCount()).to.equal(2);
    expect(filesOnDisk()).to.have.length(2);
  });

  it('when an executable is renamed to .pdf, then it is refused with 415 and nothing is stored', async () => {
    const result = await upload([{ originalName: 'invoice.pdf', buffer: fakeExecutable() }]);

    expect(result).to.deep.equal({ ok: false, status: 415, code: 'type_not_allowed' });
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it('when a PNG is uploaded where only PDF is allowed, then it is refused with 415', async () => {
    const result = await upload([{ originalName: 'scan.pdf', buffer: PNG }]);

    expect(result).to.deep.equal({ ok: false, status: 415, code: 'type_not_allowed' });
    expect(await rowCount()).to.equal(0);
  });

  it('when one file of several is not allowed, then none of them is stored', async () => {
    const result = await upload([
      { originalName: 'ok.pdf', buffer: PDF },
      { originalName: 'bad.pdf', buffer: JPEG },
    ]);

    expect(result).to.deep.equal({ ok: false, status: 415, code: 'type_not_allowed' });
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it('when the bare EICAR test file is uploaded, then it is refused as malware with 422 and nothing is stored', async () => {
    const result = await upload([{ originalName: 'eicar.pdf', buffer: EICAR }]);

    expect(result).to.deep.equal({ ok: false, status: 422, code: 'infected' });
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it('when a PDF carries the EICAR test string, then ClamAV finds it, it is refused with 422 and no file is left on disk', async () => {
    const result = await upload([
      { originalName: 'clean.pdf', buffer: PDF },
      { originalName: 'infected.pdf', buffer: PDF_WITH_EICAR },
    ]);

    expect(result).to.deep.equal({ ok: false, status: 422, code: 'infected' });
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
    const line = ctx.logs.find((l) => l.security === 'malware_rejected');
    expect(line).to.include({ applicationId, requirement: 'cprCopy' });
    expect(String(line?.signature)).to.match(/Eicar/);
  });

  it('when the scanner cannot be reached, then the upload is refused with 503 and nothing is stored', async () => {
    documents = serviceWith(await unreachableScanner());
    const result = await upload([{ originalName: 'clean.pdf', buffer: PDF }]);

    expect(result).to.deep.equal({ ok: false, status: 503, code: 'scanner_unavailable' });
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it('when the database insert fails after the files were written, then the error surfaces and no orphan file is left', async () => {
    let error: unknown;
    try {
      await documents.accept({
        applicationId,
        requirement: requirement(),
        files: [
          { originalName: 'a.pdf', buffer: PDF },
          { originalName: 'b.pdf', buffer: PDF },
        ],
        existingCount: 0,
        uploadedBy: 987654, // no such user: the foreign key fails inside the transaction
      });
    } catch (err) {
      error = err;
    }

    expect(error).to.be.instanceOf(Error);
    // The failure came from the insert itself, i.e. after both files had been written.
    expect((error as Error).message).to.match(/foreign key/i);
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
    expect(await listOrphanFiles({ db: ctx.db, uploadDir: ctx.config.uploadDir })).to.deep.equal([]);
  });

  it('when a document is removed, then its row and its file are gone and the other documents stay', async () => {
    const result = await upload([
      { originalName: 'keep.pdf', buffer: PDF },
      { originalName: 'drop.pdf', buffer: PDF },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [keep, drop] = result.documents;
    const dropPath = (await documents.openForDownload(drop!.id))!.path;

    expect(await documents.remove(applicationId, drop!.id)).to.equal(true);

    expect((await documents.list(applicationId)).map((d) => d.id)).to.deep.equal([keep!.id]);
    expect(fs.existsSync(dropPath)).to.equal(false);
    expect(filesOnDisk()).to.deep.equal([keep!.stored_name]);
    expect(await documents.openForDownload(drop!.id)).to.equal(undefined);
    expect(await documents.remove(applicationId, drop!.id)).to.equal(false);
  });

  it('when a document is asked for under another application, then it is neither removed nor opened', async () => {
    const result = await upload([{ originalName: 'mine.pdf', buffer: PDF }]);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [doc] = result.documents;
    const other = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: (await makeResident(ctx, 'Other Person')).id,
      municipality: 'capital',
    });

    expect(await documents.remove(other.id, doc!.id)).to.equal(false);
    expect(await documents.openForDownload(doc!.id, other.id)).to.equal(undefined);
    expect(await rowCount()).to.equal(1);
    expect(filesOnDisk()).to.have.length(1);
  });

  it('when a file name carries a path, control or bidi characters or is too long, then only a clean base name is kept', async () => {
    const long = `${'ا'.repeat(300)}.pdf`;
    const result = await upload([
      { originalName: '../../etc/passwd\u202Efdp.exe', buffer: PDF },
      { originalName: long, buffer: PDF },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result));
    const [first, second] = result.documents;

    expect(first!.original_name).to.equal('passwdfdp.exe');
    expect(Array.from(second!.original_name)).to.have.length(255);
    expect(second!.original_name.endsWith('.pdf')).to.equal(true);
    expect(filesOnDisk().every((name) => /^[0-9a-f]{32}\.pdf$/.test(name))).to.equal(true);
  });

  it('when a file sits in the upload directory with no row, then it is listed as an orphan', async () => {
    const result = await upload([{ originalName: 'kept.pdf', buffer: PDF }]);
    expect(result.ok).to.equal(true);
    fs.writeFileSync(path.join(ctx.config.uploadDir, 'stray.bin'), 'x');

    expect(await listOrphanFiles({ db: ctx.db, uploadDir: ctx.config.uploadDir })).to.deep.equal([
      'stray.bin',
    ]);
  });

  it('when UPLOAD_DIR is inside public/, then the service refuses to start', () => {
    expect(() =>
      documentsService({
        db: ctx.db,
        config: { uploadDir: path.join(publicDir, 'uploads') },
        clock: ctx.clock,
        scanner: testScanner(),
      }),
    ).to.throw(/outside the public directory/);
  });

  it("when a real service's requirement is used, then its limits and types apply", async () => {
    const definition = ctx.services.registry.latest('residence-certificate')!;
    const cpr = definition.guide.documents.find((d) => d.key === 'cprCopy')!;
    const result = await upload([{ originalName: 'cpr.png', buffer: PNG }], cpr);

    expect(result.ok, JSON.stringify(result)).to.equal(true);
    const tooMany = [1, 2, 3].map((n) => ({ originalName: `${n}.png`, buffer: PNG }));
    expect(await upload(tooMany, cpr, 1)).to.deep.equal({ ok: false, status: 413, code: 'too_many' });
  });
});

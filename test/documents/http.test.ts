import fs from 'node:fs';
import { expect } from 'chai';
import express, { type Express } from 'express';
import session from 'express-session';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, type Person } from '../support/people.js';
import { PDF, PDF_WITH_EICAR, fakeExecutable, requireClamd, testScanner } from '../support/clamav.js';
import { csrfProtection } from '../../server/http/security.js';
import { registerUploadPath } from '../../server/http/upload-paths.js';
import { errorHandler } from '../../server/http/errors.js';
import {
  contentDisposition,
  createUploadParser,
  sendDocument,
  uploadedFiles,
  type UploadLimits,
} from '../../server/http/uploads.js';
import { documentsService, type DocumentsService } from '../../server/services/documents.js';
import type { DocumentRequirement } from '../../workflows/schema/service.js';

const REQUIREMENT: DocumentRequirement = {
  key: 'sitePlan',
  label: { ar: 'مخطط الموقع', en: 'Site plan' },
  required: true,
  types: ['pdf'],
  maxSizeMb: 1,
  maxFiles: 3,
};

/**
 * A small app wired the way server/app.ts will wire the real routes: session, the global CSRF
 * check, a registered upload path, parseUpload (multer, then CSRF), the documents service and
 * sendDocument, and the portal's error handler.
 */
function uploadApp(
  ctx: TestContext,
  documents: DocumentsService,
  user: Person,
  limits: Partial<UploadLimits>,
) {
  const app: Express = express();
  app.use(session({ secret: 'test-secret-0123456789-0123456789', resave: false, saveUninitialized: false }));
  app.use(express.urlencoded({ extended: false }));
  const csrf = csrfProtection();
  app.use(csrf.protect);
  app.use(csrf.exposeToken);
  registerUploadPath(/^\/applications\/\d+\/documents$/);
  const { parseUpload } = createUploadParser(csrf.afterUpload, limits);

  app.get('/token', (_req, res) => {
    res.json({ token: res.locals.csrf() });
  });
  app.post('/applications/:id/documents', parseUpload('files'), async (req, res) => {
    const applicationId = Number(req.params.id);
    const result = await documents.accept({
      applicationId,
      requirement: REQUIREMENT,
      files: uploadedFiles(req, 'files'),
      existingCount: await documents.countFor(applicationId, REQUIREMENT.key),
      uploadedBy: user.id,
    });
    if (!result.ok) {
      res.status(result.status).json({ code: result.code });
      return;
    }
    res.status(201).json({ ids: result.documents.map((d) => d.id) });
  });
  app.get('/applications/:id/documents/:documentId', async (req, res) => {
    const doc = await documents.openForDownload(Number(req.params.documentId), Number(req.params.id));
    if (!doc) {
      res.sendStatus(404);
      return;
    }
    await sendDocument(res, doc);
  });
  app.use(errorHandler(ctx.logger));
  return app;
}

describe(`Uploading and downloading documents over HTTP (${dbLabel})`, () => {
  let ctx: TestContext;
  let applicant: Person;
  let applicationId: number;
  let documents: DocumentsService;

  before(requireClamd);

  beforeEach(async () => {
    ctx = await createTestContext();
    applicant = await makeResident(ctx);
    applicationId = (
      await ctx.services.applications.createDraft({
        serviceSlug: 'residence-certificate',
        applicantId: applicant.id,
        municipality: 'capital',
      })
    ).id;
    documents = documentsService({
      db: ctx.db,
      config: ctx.config,
      clock: ctx.clock,
      scanner: testScanner(),
      logger: ctx.logger,
    });
  });
  afterEach(() => ctx.close());

  const filesOnDisk = () => (fs.existsSync(ctx.config.uploadDir) ? fs.readdirSync(ctx.config.uploadDir) : []);
  const rowCount = async () => Number((await ctx.db('documents').count({ n: '*' }))[0]?.n);

  async function agentWithToken(limits: Partial<UploadLimits> = {}) {
    const agent = request.agent(uploadApp(ctx, documents, applicant, limits));
    const token = (await agent.get('/token')).body.token as string;
    return { agent, token };
  }

  it('when a PDF is posted with the CSRF token, then it is stored and downloads as an attachment with nosniff', async () => {
    const { agent, token } = await agentWithToken();
    const name = 'مخطط الموقع "نهائي".pdf';
    const posted = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', token)
      .attach('files', PDF, { filename: name, contentType: 'application/pdf' });

    expect(posted.status, posted.text).to.equal(201);
    const [id] = posted.body.ids as number[];
    const download = await agent
      .get(`/applications/${applicationId}/documents/${id}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

    expect(download.status).to.equal(200);
    expect(download.headers['content-type']).to.equal('application/pdf');
    expect(download.headers['x-content-type-options']).to.equal('nosniff');
    expect(download.headers['content-disposition']).to.equal(contentDisposition(name));
    expect(download.headers['content-disposition']).to.match(/^attachment; /);
    expect(download.headers['content-disposition']).to.include(
      `filename*=UTF-8''${encodeURIComponent(name).replace(/'/g, '%27')}`,
    );
    expect(download.headers['cache-control']).to.equal('private, no-store');
    expect((download.body as Buffer).equals(PDF)).to.equal(true);
  });

  it('when a multipart upload has no CSRF token or a wrong one, then it is refused with 403 and nothing is stored', async () => {
    const { agent } = await agentWithToken();
    const missing = await agent
      .post(`/applications/${applicationId}/documents`)
      .attach('files', PDF, { filename: 'a.pdf' });
    const wrong = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', 'not-the-token')
      .attach('files', PDF, { filename: 'a.pdf' });

    expect(missing.status).to.equal(403);
    expect(wrong.status).to.equal(403);
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it('when a file is over the parser ceiling, then multer stops it with 413 and nothing is stored', async () => {
    const { agent, token } = await agentWithToken({ fileSizeBytes: 1024 });
    const res = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', token)
      .attach('files', Buffer.concat([PDF, Buffer.alloc(2048, 0x20)]), { filename: 'big.pdf' });

    expect(res.status).to.equal(413);
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it('when more files are posted than the parser allows, then the request is refused with 413', async () => {
    const { agent, token } = await agentWithToken({ files: 2 });
    const res = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', token)
      .attach('files', PDF, { filename: '1.pdf' })
      .attach('files', PDF, { filename: '2.pdf' })
      .attach('files', PDF, { filename: '3.pdf' });

    expect(res.status).to.equal(413);
    expect(await rowCount()).to.equal(0);
  });

  it('when more files are posted than the requirement allows, then the service refuses with 413', async () => {
    const { agent, token } = await agentWithToken();
    let req = agent.post(`/applications/${applicationId}/documents`).field('_csrf', token);
    for (const n of [1, 2, 3, 4]) req = req.attach('files', PDF, { filename: `${n}.pdf` });
    const res = await req;

    expect(res.status).to.equal(413);
    expect(res.body).to.deep.equal({ code: 'too_many' });
    expect(await rowCount()).to.equal(0);
  });

  it('when a file arrives in a field the route does not take, then it is refused with 400', async () => {
    const { agent, token } = await agentWithToken();
    const res = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', token)
      .attach('other', PDF, { filename: 'a.pdf' });

    expect(res.status).to.equal(400);
    expect(await rowCount()).to.equal(0);
  });

  it('when a renamed executable or an infected PDF is posted, then they are refused with 415 and 422', async () => {
    const { agent, token } = await agentWithToken();
    const exe = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', token)
      .attach('files', fakeExecutable(), { filename: 'setup.pdf', contentType: 'application/pdf' });
    const infected = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', token)
      .attach('files', PDF_WITH_EICAR, { filename: 'report.pdf', contentType: 'application/pdf' });

    expect([exe.status, exe.body.code]).to.deep.equal([415, 'type_not_allowed']);
    expect([infected.status, infected.body.code]).to.deep.equal([422, 'infected']);
    expect(await rowCount()).to.equal(0);
    expect(filesOnDisk()).to.deep.equal([]);
  });

  it("when a document's file is missing from disk, then the download is a 404", async () => {
    const { agent, token } = await agentWithToken();
    const posted = await agent
      .post(`/applications/${applicationId}/documents`)
      .field('_csrf', token)
      .attach('files', PDF, { filename: 'a.pdf' });
    const [id] = posted.body.ids as number[];
    fs.unlinkSync((await documents.openForDownload(id!))!.path);

    expect((await agent.get(`/applications/${applicationId}/documents/${id}`)).status).to.equal(404);
  });

  it('when a file name has characters outside ASCII, then the header carries an ASCII fallback and the UTF-8 name', () => {
    expect(contentDisposition('تقرير (1).pdf')).to.equal(
      `attachment; filename="_____ (1).pdf"; filename*=UTF-8''%D8%AA%D9%82%D8%B1%D9%8A%D8%B1%20%281%29.pdf`,
    );
  });
});

import fs from 'node:fs';
import { expect } from 'chai';
import { dbLabel, type TestContext } from '../support/context.js';
import type { Agent } from '../support/http.js';
import { closedPort, EICAR, fakeExecutable, PDF, PNG, pdfOfSize, requireClamd } from '../support/clamav.js';
import {
  START,
  openFirstPage as openFirst,
  pageFilePortal,
  postFirstPage as postFirst,
} from '../support/page-file-services.js';

// A form page's files that are refused: too large, of the wrong type, malware, too many, for a question
// the page does not have, without the CSRF token, or while the scanner cannot be reached. Nothing is stored.
describe(`Files refused with a form page (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  before(requireClamd);
  afterEach(() => ctx?.close());

  const applications = () => ctx.db('applications').select('id');
  const storedFiles = () => fs.readdirSync(ctx.config.uploadDir);
  const openFirstPage = () => openFirst(agent);
  const postFirstPage = (token: string, fields: Record<string, string>, file?: [Buffer, string]) =>
    postFirst(agent, token, fields, file);

  describe('a first page with a file field', () => {
    beforeEach(async () => {
      ({ ctx, agent } = await pageFilePortal());
    });

    for (const [name, file, status, ar] of [
      [
        'a file over the requirement’s size',
        pdfOfSize(1024 * 1024 + 1),
        413,
        'يجب ألا يزيد حجم كل ملف على 1 ميغابايت',
      ],
      ['a renamed executable', fakeExecutable(), 415, 'يجب أن يكون الملف من نوع PDF'],
      ['an image where only PDF is allowed', PNG, 415, 'يجب أن يكون الملف من نوع PDF'],
      ['the EICAR test file', EICAR, 422, 'الملف يحتوي على برمجية خبيثة'],
    ] as const) {
      it(`when ${name} is sent, then the page comes back with ${status} and its reason, and nothing is stored`, async () => {
        const { token } = await openFirstPage();
        const res = await postFirstPage(token, { action: 'continue', subject: 'A sign' }, [
          file,
          'photo.pdf',
        ]);
        expect(res.status).to.equal(status);
        expect(res.text).to.contain(ar).and.contain('value="A sign"');
        expect(await applications()).to.have.length(0);
        expect(storedFiles()).to.have.length(0);
      });
    }

    it('when two files are sent for a requirement that takes one, then 413 says how many are allowed', async () => {
      const { token } = await openFirstPage();
      await agent.get(`/lang/en?next=${encodeURIComponent(START)}`);
      const res = await agent
        .post(START)
        .field('_csrf', token)
        .field('action', 'continue')
        .field('subject', 'A sign')
        .attach('photo', PDF, 'a.pdf')
        .attach('photo', PDF, 'b.pdf');
      expect(res.status).to.equal(413);
      expect(res.text).to.contain('Photo: choose no more than 1 files in all');
      expect(await applications()).to.have.length(0);
    });

    it('when a file arrives in a field the page does not have, then it is refused with 400 and nothing is stored', async () => {
      const { token } = await openFirstPage();
      const res = await agent
        .post(START)
        .field('_csrf', token)
        .field('action', 'continue')
        .field('subject', 'A sign')
        .attach('somethingElse', PDF, 'a.pdf');
      expect(res.status).to.equal(400);
      expect(await applications()).to.have.length(0);
    });

    it('when the multipart page has no CSRF token or a wrong one, then it is refused with 403 and nothing is stored', async () => {
      await openFirstPage();
      const none = await agent.post(START).field('action', 'continue').attach('photo', PDF, 'a.pdf');
      expect(none.status).to.equal(403);
      const wrong = await agent
        .post(START)
        .field('_csrf', 'not-the-token')
        .field('action', 'continue')
        .attach('photo', PDF, 'a.pdf');
      expect(wrong.status).to.equal(403);
      // A multipart type with no body at all is checked too.
      const empty = await agent.post(START).set('Content-Type', 'multipart/form-data; boundary=x');
      expect(empty.status).to.be.oneOf([400, 403]);
      expect(await applications()).to.have.length(0);
    });
  });

  describe('with the scanner unreachable', () => {
    it('when a file is sent with a page, then it is refused with 503, saying why, and nothing is stored', async () => {
      ({ ctx, agent } = await pageFilePortal({
        CLAMAV_HOST: '127.0.0.1',
        CLAMAV_PORT: String(await closedPort()),
      }));
      const { token } = await openFirstPage();
      await agent.get(`/lang/en?next=${encodeURIComponent(START)}`);
      const res = await postFirstPage(token, { action: 'continue', subject: 'A sign' }, [PDF, 'a.pdf']);
      expect(res.status).to.equal(503);
      expect(res.text).to.contain('files cannot be checked for viruses at the moment');
      expect(await applications()).to.have.length(0);
      expect(storedFiles()).to.have.length(0);
    });
  });
});

import fs from 'node:fs';
import { expect } from 'chai';
import { dbLabel, type TestContext } from '../support/context.js';
import { csrfFrom, type Agent } from '../support/http.js';
import { makeStaff } from '../support/people.js';
import { PDF, requireClamd } from '../support/clamav.js';
import {
  FILE_ABOVE,
  FILE_FIRST,
  FILE_WHEN,
  START,
  openFirstPage as openFirst,
  pageFilePortal,
  postFirstPage as postFirst,
} from '../support/page-file-services.js';

describe(`Files sent with a form page: answers and documents saved by one request (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  before(requireClamd);

  async function setUp() {
    ({ ctx, agent } = await pageFilePortal());
  }
  afterEach(() => ctx?.close());

  const applications = () => ctx.db('applications').select('id', 'form_data', 'status');
  const documents = () =>
    ctx
      .db('documents')
      .select<{ application_id: number; requirement_key: string; original_name: string }[]>(
        'application_id',
        'requirement_key',
        'original_name',
      )
      .orderBy('id');
  const storedFiles = () => fs.readdirSync(ctx.config.uploadDir);

  const openFirstPage = () => openFirst(agent);
  const postFirstPage = (token: string, fields: Record<string, string>, file?: [Buffer, string]) =>
    postFirst(agent, token, fields, file);

  /** The conditional service's first page, answered and sent with a power of attorney. */
  async function sendWithAttorney(forOther: 'yes' | 'no') {
    const start = `/services/${FILE_WHEN.slug}/apply`;
    const res = await agent
      .post(start)
      .field('_csrf', csrfFrom((await agent.get(start)).text))
      .field('action', 'continue')
      .field('subject', 'A permit')
      .field('forOther', forOther)
      .attach('attorney', PDF, 'attorney.pdf');
    return { res, id: Number(/\/applications\/(\d+)\/check/.exec(res.headers.location as string)?.[1]) };
  }

  /** The draft's first page sent again, without a file, with another answer to "for someone else?". */
  async function answerForOther(id: number, forOther: 'yes' | 'no') {
    const page = `/applications/${id}/form/0`;
    return agent
      .post(page)
      .field('_csrf', csrfFrom((await agent.get(page)).text))
      .field('action', 'continue')
      .field('subject', 'A permit')
      .field('forOther', forOther);
  }

  /** Submits (or resubmits) from the check page, as its button does. */
  async function submitFromCheck(id: number) {
    const check = await agent.get(`/applications/${id}/check`);
    return agent
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(check.text) });
  }

  describe('a first page with a file field', () => {
    beforeEach(() => setUp());

    it('when the first page is opened, then it is a multipart form with a file input and nothing is stored', async () => {
      const guide = await agent.get(`/services/${FILE_FIRST.slug}`);
      expect(guide.text).to.contain(`href="${START}"`);
      const { page } = await openFirstPage();
      expect(page.text).to.match(new RegExp(`action="${START}" enctype="multipart/form-data"`));
      expect(page.text).to.match(
        /<input[^>]*type="file"[^>]*id="photo"[^>]*name="photo"[^>]*accept="\.pdf,application\/pdf"/,
      );
      expect(page.text).to.match(/<label[^>]*for="photo"/);
      expect(await applications()).to.have.length(0);
    });

    it("when the page is opened in Arabic and in English, then the file input's face says what to do in that language, hidden until the page's script shows it", async () => {
      for (const [lang, choose, none] of [
        ['ar', 'اختر ملفًا', 'لم تختر أي ملف'],
        ['en', 'Choose file', 'No file chosen'],
      ] as const) {
        await agent.get(`/lang/${lang}`);
        const { page } = await openFirstPage();
        const picker =
          /<div class="file-picker[^"]*" data-file-picker>([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '';
        // The real input stays inside, with its name, and the face (one file: "Choose file") beside it.
        expect(picker).to.match(/<input[^>]*type="file"[^>]*id="photo"[^>]*name="photo"/);
        expect(picker).to.match(/<span class="file-picker-face form-control" aria-hidden="true" hidden>/);
        expect(picker).to.contain(`>${choose}</span>`).and.contain(`data-none="${none}">${none}</span>`);
      }
    });

    it('when the page is continued with its answer and a PDF, then one request makes the draft with both', async () => {
      const { token } = await openFirstPage();
      const res = await postFirstPage(token, { action: 'continue', subject: 'A sign' }, [
        PDF,
        'shop-sign.pdf',
      ]);
      expect(res.status).to.equal(303);
      const [draft] = await applications();
      expect(res.headers.location).to.equal(`/applications/${draft!.id}/check`);
      expect(JSON.parse(draft!.form_data as string)).to.deep.equal({ subject: 'A sign' });
      expect(await documents()).to.deep.equal([
        { application_id: draft!.id, requirement_key: 'photo', original_name: 'shop-sign.pdf' },
      ]);
      expect(storedFiles()).to.have.length(1);
      // The draft is complete: it submits.
      const submitted = await submitFromCheck(draft!.id);
      expect(submitted.headers.location).to.equal(`/applications/${draft!.id}/submitted`);
    });

    it('when a file comes for a question that does not show with the answers, then it is not stored and the check page does not list it; when the question shows, it is', async () => {
      const { res: own, id } = await sendWithAttorney('no');
      expect(own.status).to.equal(303);
      expect(await documents()).to.deep.equal([]);
      expect(storedFiles()).to.have.length(0);
      await agent.get('/lang/en');
      expect((await agent.get(`/applications/${id}/check`)).text).not.to.contain('Power of attorney');

      const { res: forOther, id: otherId } = await sendWithAttorney('yes');
      expect(forOther.status).to.equal(303);
      expect(await documents()).to.deep.equal([
        { application_id: otherId, requirement_key: 'attorney', original_name: 'attorney.pdf' },
      ]);
      const check = await agent.get(`/applications/${otherId}/check`);
      expect(check.text).to.contain('Power of attorney').and.contain('attorney.pdf');
    });

    it("when an answer changes so that a stored file's question no longer shows, then the check page says the file will not be sent, and submitting deletes it", async () => {
      const { id } = await sendWithAttorney('yes');
      expect(await documents()).to.have.length(1);
      expect(storedFiles()).to.have.length(1);

      // The person now applies for themself: the power of attorney no longer applies.
      const changed = await answerForOther(id, 'no');
      expect(changed.status).to.equal(303);
      expect(await documents(), 'kept until submission').to.have.length(1);

      await agent.get('/lang/en');
      const check = await agent.get(`/applications/${id}/check`);
      expect(check.text).to.contain('Files that no longer apply');
      expect(check.text).to.match(/<bdi>attorney\.pdf<\/bdi> \(Power of attorney\)/);
      await agent.get('/lang/ar');
      const checkAr = await agent.get(`/applications/${id}/check`);
      expect(checkAr.text).to.contain('ملفات لم تعد مطلوبة').and.contain('(الوكالة)');

      const submitted = await submitFromCheck(id);
      expect(submitted.headers.location).to.equal(`/applications/${id}/submitted`);
      expect((await applications())[0]!.status).to.equal('submitted');
      expect(await documents()).to.deep.equal([]);
      expect(storedFiles()).to.deep.equal([]);
    });

    it('when more information is asked for and the answer that asked for a stored file changes, then resubmitting deletes that file and keeps the application in review', async () => {
      const { id } = await sendWithAttorney('yes');
      await submitFromCheck(id);
      const reviewer = await makeStaff(ctx, 'reviewer');
      for (const event of [{ type: 'START_REVIEW' }, { type: 'REQUEST_INFO', comment: 'Who is applying?' }]) {
        const done = await ctx.services.applyEvent({
          applicationId: id,
          event,
          actor: { role: 'reviewer', userId: reviewer.id },
        });
        expect(done.ok, event.type).to.equal(true);
      }
      expect(await documents()).to.have.length(1);

      await answerForOther(id, 'no');
      await agent.get('/lang/en');
      const again = await agent.get(`/applications/${id}/check`);
      expect(again.text).to.contain('Files that no longer apply').and.contain('attorney.pdf');
      const sent = await submitFromCheck(id);
      expect(sent.status).to.equal(303);
      expect((await applications())[0]!.status).to.equal('in_review');
      expect(await documents()).to.deep.equal([]);
      expect(storedFiles()).to.deep.equal([]);
    });

    it("when the stored file's question still shows, then the check page has no such notice and submitting keeps the file", async () => {
      const { id } = await sendWithAttorney('yes');
      await agent.get('/lang/en');
      const check = await agent.get(`/applications/${id}/check`);
      expect(check.text).not.to.contain('Files that no longer apply');
      await submitFromCheck(id);
      expect((await applications())[0]!.status).to.equal('submitted');
      expect(await documents()).to.have.length(1);
      expect(storedFiles()).to.have.length(1);
    });

    it('when the required file is left out, then the page says to upload it, in Arabic and English, and nothing is stored', async () => {
      const { token } = await openFirstPage();
      const ar = await postFirstPage(token, { action: 'continue', subject: 'A sign' });
      expect(ar.status).to.equal(400);
      expect(ar.text).to.contain('ارفع صورة');
      await agent.get(`/lang/en?next=${encodeURIComponent(START)}`);
      const en = await postFirstPage(token, { action: 'continue', subject: 'A sign' });
      expect(en.status).to.equal(400);
      expect(en.text).to.contain('Upload the photo').and.contain('value="A sign"');
      expect(await applications()).to.have.length(0);
    });

    it('when a good file comes with a mistake in the answers, then nothing is stored and the page asks for the file again', async () => {
      const { token } = await openFirstPage();
      const res = await postFirstPage(token, { action: 'continue', subject: 'x'.repeat(121) }, [
        PDF,
        'a.pdf',
      ]);
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('اختر الملف مرة أخرى');
      expect(await applications()).to.have.length(0);
      expect(await documents()).to.have.length(0);
      expect(storedFiles()).to.have.length(0);
    });

    it('when a file must be chosen again beside a mistake in a question below it, then the error summary lists them in the order of the page', async () => {
      const start = `/services/${FILE_ABOVE.slug}/apply`;
      await agent.get('/lang/en');
      const res = await agent
        .post(start)
        .field('_csrf', csrfFrom((await agent.get(start)).text))
        .field('action', 'continue')
        .field('subject', 'x'.repeat(121))
        .attach('photo', PDF, 'a.pdf');
      expect(res.status).to.equal(400);
      const summary = /<div class="error-summary[\s\S]*?<\/ul>/.exec(res.text)![0];
      expect([...summary.matchAll(/href="#(\w+)"/g)].map((m) => m[1])).to.deep.equal(['photo', 'subject']);
    });

    it('when "save and come back later" has a mistake in the answers, then the valid answers and the file are kept', async () => {
      const { token } = await openFirstPage();
      const res = await postFirstPage(token, { action: 'save', subject: 'x'.repeat(121) }, [PDF, 'a.pdf']);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/applications');
      const [draft] = await applications();
      expect(JSON.parse(draft!.form_data as string)).to.deep.equal({});
      expect(await documents()).to.have.length(1);
    });
  });
});

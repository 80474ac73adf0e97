import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, postAction, signedIn, signUpResident, type Agent } from '../support/http.js';
import { makeStaff, type Person } from '../support/people.js';
import { pageBody } from '../support/answers.js';
import { draftThroughPages } from '../support/applications.js';
import { PDF, PNG } from '../support/clamav.js';

/** A request for more information opens the answers the reviewer ticks, and only those (decision 0021). */
describe(`More information: the answers the reviewer opened (${dbLabel})`, () => {
  let ctx: TestContext;
  let resident: Agent;
  let reviewer: Person;
  const SLUG = 'residence-certificate';

  beforeEach(async () => {
    ctx = await createTestContext();
    resident = agentFor(ctx.app);
    await signUpResident(resident);
    reviewer = await makeStaff(ctx, 'reviewer', 'capital');
  });
  afterEach(() => ctx.close());

  const definition = () => ctx.services.catalogue.find(SLUG)!;
  const row = async (id: number) => (await ctx.services.applications.findById(id))!;
  const answers = async (id: number) => JSON.parse((await row(id)).form_data) as Record<string, unknown>;

  /** A submitted residence certificate with every page answered and its documents sent. */
  async function submittedApplication(): Promise<number> {
    const { id, token } = await draftThroughPages(resident, definition(), 2, {
      1: { addressedTo: 'Bank of Bahrain' },
    });
    await resident
      .post(`/applications/${id}/form/2`)
      .field('_csrf', token)
      .field('action', 'continue')
      .attach('cprCopyFile', PDF, 'cpr.pdf')
      .attach('tenancyProofFile', PDF, 'old-lease.pdf');
    const check = await resident.get(`/applications/${id}/check`);
    const sent = await resident
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(check.text) });
    expect(sent.status).to.equal(303);
    return id;
  }

  /** The reviewer's REQUEST_INFO form as the browser sends it: one `fields` value per ticked box. */
  async function requestInfo(agent: Agent, id: number, message: string, fields: string[]) {
    const page = await agent.get(`/backoffice/applications/${id}`);
    const body = new URLSearchParams({
      _csrf: csrfFrom(page.text),
      version: /name="version" value="(\d+)"/.exec(page.text)![1]!,
      comment: message,
    });
    for (const field of fields) body.append('fields', field);
    return agent
      .post(`/backoffice/applications/${id}/events/REQUEST_INFO`)
      .type('form')
      .send(body.toString());
  }

  /** A submitted application its reviewer has started reviewing, and the reviewer's agent. */
  async function inReview() {
    const id = await submittedApplication();
    const staff = await signedIn(ctx.app, reviewer);
    expect((await postAction(staff, id, 'START_REVIEW')).status).to.equal(303);
    return { id, staff };
  }

  async function openedFor(fields: string[]) {
    const { id, staff } = await inReview();
    const asked = await requestInfo(staff, id, 'The lease has expired; the purpose is unclear.', fields);
    expect(asked.status).to.equal(303);
    expect((await row(id)).state).to.equal('info_requested');
    return { id, staff };
  }

  it('when the reviewer ticks the lease and the purpose, then the resident is told which, and may change those and nothing else', async () => {
    const { id, staff } = await openedFor(['tenancyProofFile', 'purpose']);
    const box = await staff.get(`/backoffice/applications/${id}`);
    expect(box.text).to.contain('فُتح لمقدم الطلب:');

    const page = await resident.get(`/applications/${id}`);
    expect(page.text).to.contain('يطلب منك المراجع تغيير هذه الإجابات أو المستندات');
    expect(page.text).to.contain(`href="/applications/${id}/form/1"`);

    // The first page opened nothing: its answers are shown, with no inputs.
    const first = await resident.get(`/applications/${id}/form/0`);
    expect(first.text).to.contain('لم يُطلب منك تغيير شيء في هذه الصفحة');
    expect(first.text).to.contain('<span dir="ltr">850101234</span>');
    expect(first.text).not.to.match(/<input[^>]+name="applicantName"/);

    // A page sent with closed answers changed keeps them as they were.
    const before = await answers(id);
    const token = csrfFrom(first.text);
    const second = await resident
      .post(`/applications/${id}/form/1`)
      .type('form')
      .send(pageBody(definition(), 1, token, { purpose: 'bank', addressedTo: 'Someone else' }));
    expect(second.status).to.equal(303);
    const after = await answers(id);
    expect(after.purpose).to.equal('bank');
    expect(after.addressedTo).to.equal('Bank of Bahrain');
    const forged = await resident
      .post(`/applications/${id}/form/0`)
      .type('form')
      .send(pageBody(definition(), 0, token, { applicantName: 'Somebody Else Entirely' }));
    expect(forged.status).to.equal(303);
    expect((await answers(id)).applicantName).to.equal(before.applicantName);

    // Documents: the lease may be replaced; the ID card may not be touched.
    const docs = await resident.get(`/applications/${id}/documents`);
    const cpr = await resident
      .post(`/applications/${id}/documents`)
      .field('_csrf', csrfFrom(docs.text))
      .field('requirement', 'cprCopy')
      .attach('files', PNG, 'other.png');
    expect(cpr.status).to.equal(409);
    const files = await resident.get(`/applications/${id}/form/2`);
    expect(files.text)
      .not.to.match(/<input[^>]+id="cprCopyFile"/)
      .and.not.contain('name="cprCopyFile.remove"');
    const lease = await ctx
      .db('documents')
      .where({ application_id: id, original_name: 'old-lease.pdf' })
      .first();
    const replaced = await resident
      .post(`/applications/${id}/form/2`)
      .field('_csrf', token)
      .field('action', 'continue')
      .field('tenancyProofFile.remove', String(lease.id))
      .attach('tenancyProofFile', PDF, 'new-lease.pdf')
      .attach('cprCopyFile', PNG, 'sneaked-in.png');
    expect(replaced.status).to.equal(303);
    const names = (await ctx.db('documents').where({ application_id: id }).orderBy('id')).map(
      (d: { original_name: string }) => d.original_name,
    );
    expect(names).to.deep.equal(['cpr.pdf', 'new-lease.pdf']);

    // The check page offers "Change" only beside what was opened; then it is sent back.
    const check = await resident.get(`/applications/${id}/check`);
    expect(check.text).to.contain(`/applications/${id}/form/1?return=check#purpose`);
    expect(check.text).not.to.contain(`/applications/${id}/form/0?return=check#applicantName`);
    expect(check.text).not.to.contain(`?return=check#upload-cprCopy`);
    const resent = await resident
      .post(`/applications/${id}/submit`)
      .type('form')
      .send({ _csrf: csrfFrom(check.text) });
    expect(resent.status).to.equal(303);
    expect((await row(id)).status).to.equal('in_review');
  });

  it('when the reviewer opens the purpose, then its "other" description opens with it', async () => {
    const { id } = await openedFor(['purpose']);
    const page = await resident.get(`/applications/${id}/form/1`);
    expect(page.text).to.contain('طُلب منك تغيير بعض الإجابات في هذه الصفحة فقط');
    const sent = await resident
      .post(`/applications/${id}/form/1`)
      .type('form')
      .send(
        pageBody(definition(), 1, csrfFrom(page.text), {
          purpose: 'other',
          purposeOther: 'A visa application',
        }),
      );
    expect(sent.status).to.equal(303);
    expect(await answers(id)).to.include({ purpose: 'other', purposeOther: 'A visa application' });
  });

  it('when the reviewer ticks nothing, then every answer may be changed, as before', async () => {
    const { id } = await openedFor([]);
    const page = await resident.get(`/applications/${id}`);
    expect(page.text).not.to.contain('يطلب منك المراجع تغيير هذه');
    const first = await resident.get(`/applications/${id}/form/0`);
    expect(first.text).to.match(/<input[^>]+name="applicantName"/);
  });

  it('when the request names a field the form does not have, then it is refused and nothing changes', async () => {
    const { id, staff } = await inReview();
    const before = await row(id);
    const res = await requestInfo(staff, id, 'Please look.', ['purpose', 'notAField']);
    expect(res.status).to.equal(400);
    expect(await row(id)).to.include({ state: before.state, version: before.version });
  });

  it('when the message is missing, then the form comes back with the ticked answers still ticked', async () => {
    const { id, staff } = await inReview();
    const box = await staff.get(`/backoffice/applications/${id}`);
    expect(box.text).to.match(/name="fields" value="tenancyProofFile"/);
    expect(box.text).not.to.match(
      /value="tenancyProofFile" id="REQUEST_INFO-fields-tenancyProofFile" checked/,
    );
    const res = await requestInfo(staff, id, '  ', ['tenancyProofFile']);
    expect(res.status).to.equal(400);
    expect(res.text).to.match(/value="tenancyProofFile" id="REQUEST_INFO-fields-tenancyProofFile" checked/);
    expect(res.text).not.to.match(/value="purpose" id="REQUEST_INFO-fields-purpose" checked/);
  });
});

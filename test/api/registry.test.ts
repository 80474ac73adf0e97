import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { registryAdapter } from '../../server/services/registry.js';
import { act, localServer, signedIn, submitted, type LocalServer } from './partner-support.js';

const ADDRESS = { flat: '', building: '1234', road: '4321', block: '338', area: 'Adliya' };

describe(`Registry checks (${dbLabel})`, () => {
  let ctx: TestContext | undefined;
  let registry: LocalServer;
  let asked: { path: string; body: Record<string, unknown> }[];
  /** How the registry behaves: answer, or 'hang' to never answer. */
  let behaviour: 'answer' | 'hang' | 'error' | 'garbage';

  beforeEach(async () => {
    asked = [];
    behaviour = 'answer';
    // Another agency's registry, speaking docs/registry-contract.md.
    registry = await localServer((req, raw, res) => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      asked.push({ path: req.url ?? '', body });
      if (behaviour === 'hang') return;
      if (behaviour === 'error') return void res.writeHead(503).end();
      if (behaviour === 'garbage')
        return void res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"answer":');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (req.url === '/checks/residence') {
        const address = body.address as Record<string, string>;
        const lives = body.cpr === '850101234' && address.block === '338' && address.building === '1234';
        return void res.end(JSON.stringify({ answer: lives ? 'yes' : 'no' }));
      }
      if (req.url === '/checks/commercial-registration') {
        return void res.end(JSON.stringify({ answer: 'no', detail: 'Registration expired on 2026-01-01' }));
      }
      res.end(JSON.stringify({}));
    });
  });
  afterEach(async () => {
    await registry.close();
    await ctx?.close();
    ctx = undefined;
  });

  async function context(): Promise<TestContext> {
    ctx = await createTestContext({ env: { REGISTRY_URL: `${registry.url}/`, REGISTRY_TIMEOUT_MS: '1000' } });
    return ctx;
  }
  async function drain(c: TestContext) {
    while ((await c.services.outbox.runOnce()) > 0);
  }
  async function residence(c: TestContext, applicant: Person) {
    return submitted(c, applicant, { formData: { cpr: '850101234', address: ADDRESS } });
  }

  it('when a residence certificate is submitted, then the registry is asked once through the outbox and the reviewer sees its answer', async () => {
    const c = await context();
    const applicant = await makeResident(c);
    const reviewer = await makeStaff(c, 'reviewer', 'capital');
    const { id } = await residence(c, applicant);
    expect(asked).to.deep.equal([]);
    const staff = await signedIn(c, reviewer);
    const before = await staff.get(`/backoffice/applications/${id}`);
    expect(before.text)
      .to.contain('هل يسكن صاحب هذا الرقم الشخصي في هذا العنوان؟')
      .and.contain('بانتظار إجابة السجل');

    await drain(c);
    expect(asked).to.have.length(1);
    expect(asked[0]!.path).to.equal('/checks/residence');
    expect(asked[0]!.body).to.deep.include({
      cpr: '850101234',
      address: { flat: '', building: '1234', road: '4321', block: '338' },
    });
    expect(asked[0]!.body.requestId).to.be.a('string');
    const stored = await c.db('registry_answers').where({ application_id: id });
    expect(stored.map((r: { check_key: string; answer: string }) => [r.check_key, r.answer])).to.deep.equal([
      ['residence', 'yes'],
    ]);
    const after = await staff.get(`/backoffice/applications/${id}`);
    expect(after.text).to.match(/data-check="residence">\s*<span class="badge text-bg-success">نعم</);
    // Asking happened once: the row is done and a second pass asks nothing.
    await drain(c);
    expect(asked).to.have.length(1);
  });

  it('when the registry does not answer in time, then the reviewer sees "no answer" and the decision goes through before and after', async () => {
    behaviour = 'hang';
    const c = await context();
    const applicant = await makeResident(c);
    const reviewer = await makeStaff(c, 'reviewer', 'capital');
    const { id } = await residence(c, applicant);
    const staff = await signedIn(c, reviewer);
    expect((await act(staff, id, 'START_REVIEW')).status).to.equal(303);

    await drain(c);
    expect(asked).to.have.length(1);
    const [answer] = await c.db('registry_answers').where({ application_id: id });
    expect(answer).to.include({ answer: 'no_answer', reason: 'timeout' });
    const page = await staff.get(`/backoffice/applications/${id}`);
    expect(page.text).to.contain('لا توجد إجابة').and.contain('لم يُجب السجل في الوقت المحدد');
    await staff.get('/lang/en');
    expect((await staff.get(`/backoffice/applications/${id}`)).text)
      .to.contain('No answer')
      .and.contain('The registry did not answer in time.');

    const decided = await act(staff, id, 'ACCEPT');
    expect(decided.status).to.equal(303);
    expect((await c.services.applications.findById(id))!.status).to.equal('accepted');
  });

  it('when an investor service is submitted, then the commercial registration is checked and a "no" with its detail is shown', async () => {
    const c = await context();
    const reviewer = await makeStaff(c, 'reviewer', 'capital', 'planning');
    const [row] = await c
      .db('users')
      .insert({
        kind: 'investor',
        cr: '123456',
        name: 'Gulf Trading Co.',
        email: `investor-${Date.now()}@example.bh`,
        mobile: '+97336000001',
        preferred_lang: 'ar',
        created_at: c.clock.now(),
        updated_at: c.clock.now(),
      })
      .returning<{ id: number }[]>('id');
    const investor: Person = { id: row!.id, role: 'applicant', email: '' };
    const { id } = await submitted(c, investor, {
      slug: 'commercial-activity-approval',
      formData: { crNumber: '123456' },
    });
    await drain(c);
    expect(asked.map((a) => [a.path, a.body.cr])).to.deep.equal([
      ['/checks/commercial-registration', '123456'],
    ]);
    const staff = await signedIn(c, reviewer);
    const page = await staff.get(`/backoffice/applications/${id}`);
    expect(page.status).to.equal(200);
    expect(page.text)
      .to.contain('هل هذا السجل التجاري ساري المفعول؟')
      .and.contain('text-bg-danger">لا<')
      .and.contain('Registration expired on 2026-01-01');
  });

  it('when the registry answers with an error, unreadable JSON, nothing at all, or is not configured, then the adapter says "no answer" with the reason and never throws', async () => {
    const ask = registryAdapter({ url: registry.url, timeoutMs: 1000 });
    const question = { check: 'commercial-registration', cr: '123456' } as const;
    expect(await ask(question)).to.deep.equal({
      answer: 'no',
      reason: null,
      detail: 'Registration expired on 2026-01-01',
    });
    behaviour = 'error';
    expect(await ask(question)).to.include({ answer: 'no_answer', reason: 'http_503' });
    behaviour = 'garbage';
    expect(await ask(question)).to.include({ answer: 'no_answer', reason: 'malformed' });
    behaviour = 'hang';
    const started = Date.now();
    expect(await ask(question)).to.include({ answer: 'no_answer', reason: 'timeout' });
    expect(Date.now() - started).to.be.below(3000);
    const closed = await localServer(() => undefined);
    const gone = closed.url;
    await closed.close();
    expect(await registryAdapter({ url: gone, timeoutMs: 1000 })(question)).to.include({
      answer: 'no_answer',
      reason: 'unreachable',
    });
    expect(await registryAdapter({ url: undefined, timeoutMs: 1000 })(question)).to.include({
      answer: 'no_answer',
      reason: 'not_configured',
    });
  });

  it('when a service declares a registry check it cannot ask, then the definition checker names the problem', async () => {
    const { checkDefinition } = await import('../../workflows/check.js');
    const { sharedRegistry } = await import('../support/context.js');
    const zoning = (await sharedRegistry()).latest('zoning-certificate')!;
    const broken = {
      ...zoning,
      applicants: ['resident'],
      fields: zoning.fields.filter((f) => f.type !== 'cr'),
      registryChecks: ['commercial-registration'],
    } as typeof zoning;
    expect(checkDefinition(broken).map((p) => p.message)).to.include(
      'zoning-certificate@1: registryChecks: "commercial-registration" needs a cr field or investor applicants',
    );
    expect(checkDefinition(zoning)).to.deep.equal([]);
  });
});

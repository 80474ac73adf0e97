import { expect } from 'chai';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, signUpResident, tokenFor, VALID_PASSWORD } from '../support/http.js';

describe(`Signing up (${dbLabel})`, () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext();
  });
  afterEach(() => ctx.close());

  const userCount = async () => Number((await ctx.db('users').count({ n: '*' }))[0]?.n);

  it('when a resident signs up with valid details, then the account exists and they land on their account page', async () => {
    const agent = agentFor(ctx.app);
    const res = await signUpResident(agent);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/account');
    const user = await ctx.db('users').where({ cpr: '850101234' }).first();
    expect(user).to.include({
      kind: 'resident',
      email: 'fatima@example.bh',
      mobile: '+97336001234',
      role: null,
    });
    const page = await agent.get('/account');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('fatima@example.bh');
  });

  it('when the CPR is not 9 digits, then the form comes back with a translated error summary and nothing is created', async () => {
    const agent = agentFor(ctx.app);
    const res = await signUpResident(agent, { cpr: '12345' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('يوجد خطأ');
    expect(res.text).to.contain('أدخل الرقم الشخصي مكوّنًا من 9 أرقام');
    expect(res.text).to.match(/<title>خطأ: /);
    expect(res.text).to.contain('href="#cpr"');
    expect(res.text).to.contain('value="Fatima Ali Hasan"');
    expect(await userCount()).to.equal(0);
  });

  it('when the page is in English, then the same error is in English', async () => {
    const agent = agentFor(ctx.app);
    await agent.get('/lang/en');
    const res = await signUpResident(agent, { cpr: 'abc' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('There is a problem');
    expect(res.text).to.contain('Enter your personal number (CPR) as 9 digits');
    expect(res.text).to.match(/<title>Error: /);
  });

  it('when the e-mail is already registered, then sign-up is refused and no second account is created', async () => {
    await signUpResident(agentFor(ctx.app));
    const res = await signUpResident(agentFor(ctx.app), { cpr: '900202345', email: 'FATIMA@example.bh' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('يوجد حساب بهذا البريد الإلكتروني');
    expect(await userCount()).to.equal(1);
  });

  for (const [label, password, confirm, message] of [
    ['too short', 'short pass', 'short pass', 'يجب ألا تقل كلمة المرور عن 12 حرفًا'],
    ['a common one', 'password1234', 'password1234', 'كلمة المرور هذه شائعة جدًا'],
    [
      'containing the name',
      'Fatima-is-my-name-2026',
      'Fatima-is-my-name-2026',
      'يجب ألا تحتوي كلمة المرور على اسمك',
    ],
    ['not matching its confirmation', VALID_PASSWORD, VALID_PASSWORD + 'x', 'كلمتا المرور غير متطابقتين'],
  ] as const) {
    it(`when the password is ${label}, then sign-up is refused with a translated message and nothing is created`, async () => {
      const res = await signUpResident(agentFor(ctx.app), { password, passwordConfirm: confirm });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain(message);
      expect(await userCount()).to.equal(0);
    });
  }

  it('when an investor signs up with a commercial registration number, then the account is an investor account', async () => {
    const agent = agentFor(ctx.app);
    const token = await tokenFor(agent, '/signup/investor');
    const res = await agent.post('/signup/investor').type('form').send({
      _csrf: token,
      name: 'Yusuf Trading',
      cr: '123456-1',
      email: 'yusuf@trading.bh',
      mobile: '+973 3900 1122',
      password: VALID_PASSWORD,
      passwordConfirm: VALID_PASSWORD,
    });
    expect(res.status).to.equal(303);
    const user = await ctx.db('users').where({ email: 'yusuf@trading.bh' }).first();
    expect(user).to.include({ kind: 'investor', cr: '123456-1', cpr: null });
  });

  it('when extra fields such as role, kind or municipality are posted, then they are ignored', async () => {
    const res = await signUpResident(agentFor(ctx.app), {
      role: 'admin',
      kind: 'staff',
      municipality: 'capital',
    });
    expect(res.status).to.equal(303);
    const user = await ctx.db('users').where({ cpr: '850101234' }).first();
    expect(user).to.include({ kind: 'resident', role: null, municipality: null });
  });

  it('when a field is sent twice, then it is refused rather than guessed at', async () => {
    const agent = agentFor(ctx.app);
    const token = await tokenFor(agent, '/signup/resident');
    const res = await agent
      .post('/signup/resident')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(token)}&name=A+B+C&cpr=850101234&cpr=900202345&email=a%40b.bh&mobile=36001234&password=${encodeURIComponent(VALID_PASSWORD)}&passwordConfirm=${encodeURIComponent(VALID_PASSWORD)}`,
      );
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('أُرسل هذا الحقل أكثر من مرة');
    expect(await userCount()).to.equal(0);
  });

  it('when markup is typed as a name, then it is shown escaped', async () => {
    const agent = agentFor(ctx.app);
    const res = await signUpResident(agent, { name: '<script>alert(1)</script>', cpr: '12' });
    expect(res.text).not.to.contain('<script>alert(1)</script>');
    expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

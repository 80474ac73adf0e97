import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, cookieValue, signUpResident, type Agent } from '../support/http.js';
import { pageBody } from '../support/answers.js';
import { csrfFrom } from '../support/http.js';

const SAVED_EN = 'Your application has been saved as a draft.';

describe(`Flash messages travel in a signed cookie, not in the session (${dbLabel})`, () => {
  let ctx: TestContext;
  let agent: Agent;
  beforeEach(async () => {
    ctx = await createTestContext();
    agent = agentFor(ctx.app);
    await signUpResident(agent);
    await agent.get('/lang/en');
  });
  afterEach(() => ctx.close());

  async function saveForLater() {
    const definition = ctx.services.catalogue.find('residence-certificate')!;
    const page = await agent.get('/services/residence-certificate/apply');
    const body = pageBody(definition, 0, csrfFrom(page.text)).replace('action=continue', 'action=save');
    return agent.post('/services/residence-certificate/apply').type('form').send(body);
  }
  const storedSessions = async () =>
    (await ctx.db('sessions').select('sess')).map((r: { sess: unknown }) =>
      typeof r.sess === 'string' ? r.sess : JSON.stringify(r.sess),
    );

  it('when an action leaves a message, then the next page shows it once, and the session store never holds it', async () => {
    const saved = await saveForLater();
    expect(saved.status).to.equal(303);
    expect(cookieValue(saved.headers['set-cookie'], 'flash')).to.be.a('string').and.not.equal('');
    for (const sess of await storedSessions()) expect(sess).to.not.contain('savedForLater');

    const shown = await agent.get('/applications');
    expect(shown.text).to.contain(SAVED_EN);
    expect(cookieValue(shown.headers['set-cookie'], 'flash')).to.equal('');
    const again = await agent.get('/applications');
    expect(again.text).to.not.contain(SAVED_EN);
  });

  it('when the flash cookie was edited, then no message is shown and the page still works', async () => {
    const saved = await saveForLater();
    const cookie = cookieValue(saved.headers['set-cookie'], 'flash')!;
    const [value, mac] = decodeURIComponent(cookie).split('.');
    const forged = Buffer.from(JSON.stringify([{ kind: 'warning', key: 'signin.sessionExpired' }])).toString(
      'base64url',
    );
    const genuine = await request(ctx.app).get('/').set('Cookie', `lang=en; flash=${cookie}`);
    expect(genuine.text).to.contain(SAVED_EN);
    for (const tampered of [`${forged}.${mac}`, `${value}.AAAA`, 'not-a-flash', `${forged}`]) {
      const res = await request(ctx.app)
        .get('/')
        .set('Cookie', `lang=en; flash=${encodeURIComponent(tampered)}`);
      expect(res.status, tampered).to.equal(200);
      expect(res.text).to.not.contain('Your session has ended');
      expect(res.text).to.not.contain(SAVED_EN);
    }
  });

  it('when a visitor carries a message to a page kept for visitors, then they see it and the kept page stays without it', async () => {
    const visitor = agentFor(ctx.app);
    await visitor.get('/lang/en');
    await visitor.get('/services'); // kept for visitors
    const refused = await visitor.get('/applications');
    expect(refused.status).to.equal(303);
    expect(cookieValue(refused.headers['set-cookie'], 'flash')).to.be.a('string');
    const withMessage = await visitor.get('/services');
    expect(withMessage.text).to.contain('Please sign in to continue.');
    const other = await request(ctx.app).get('/services').set('Cookie', 'lang=en');
    expect(other.text).to.not.contain('Please sign in to continue.');
  });
});

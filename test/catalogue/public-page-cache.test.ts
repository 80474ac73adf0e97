import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signUpResident } from '../support/http.js';
import { nationalAdmin } from '../services-admin/support.js';
import express from 'express';
import cookieParser from 'cookie-parser';
import { publicPageCache, type PublicPageCache } from '../../server/http/public-page-cache.js';

const SLUG = 'residence-certificate';

describe(`Public pages kept for visitors without a session (${dbLabel})`, () => {
  let ctx: TestContext;
  let cache: PublicPageCache;
  beforeEach(async () => {
    ctx = await createTestContext();
    cache = ctx.app.locals.publicPageCache as PublicPageCache;
  });
  afterEach(() => ctx.close());

  it('when two visitors open the catalogue, then the second gets the same page from memory without a cookie', async () => {
    const first = await request(ctx.app).get('/services');
    const second = await request(ctx.app).get('/services');
    expect(first.status).to.equal(200);
    expect(second.status).to.equal(200);
    expect(second.text).to.equal(first.text);
    expect(second.headers['content-type']).to.equal(first.headers['content-type']);
    expect(second.headers['set-cookie']).to.equal(undefined);
    expect(second.headers['content-security-policy']).to.contain("default-src 'self'");
    expect(cache.stats()).to.include({ stores: 1, hits: 1 });
  });

  it('when visitors ask in Arabic and in English, then each language is kept apart', async () => {
    const ar = await request(ctx.app).get(`/services/${SLUG}`);
    const en = await request(ctx.app).get(`/services/${SLUG}`).set('Cookie', 'lang=en');
    const arAgain = await request(ctx.app).get(`/services/${SLUG}`);
    expect(ar.text).to.contain('<html lang="ar" dir="rtl">');
    expect(en.text).to.contain('<html lang="en" dir="ltr">');
    expect(arAgain.text).to.equal(ar.text);
    expect(cache.stats()).to.include({ stores: 2, hits: 1 });
  });

  it('when an administrator disables a service, then the kept catalogue is not served again and the service is gone at once', async () => {
    const before = await request(ctx.app).get('/services');
    expect(before.text).to.contain(`href="/services/${SLUG}"`);
    const admin = await nationalAdmin(ctx);
    const page = await admin.agent.get(`/admin/services/${SLUG}`);
    const res = await admin.agent
      .post(`/admin/services/${SLUG}/enabled`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), enabled: 'no' });
    expect(res.status).to.equal(303);
    const after = await request(ctx.app).get('/services');
    expect(after.text).to.not.contain(`href="/services/${SLUG}"`);
  });

  it('when a signed-in resident opens the catalogue, then they get their own page, never the visitors’ one, and nothing of theirs is kept', async () => {
    await request(ctx.app).get('/services');
    const resident = agentFor(ctx.app);
    await signUpResident(resident);
    const theirs = await resident.get('/services');
    expect(theirs.status).to.equal(200);
    expect(theirs.text).to.contain('action="/signout"');
    const stats = cache.stats();
    expect(stats).to.include({ stores: 1, hits: 0 });
    const visitor = await request(ctx.app).get('/services');
    expect(visitor.text).to.not.contain('action="/signout"');
  });

  it('when a guide is not found, then the answer is not kept', async () => {
    const missing = await request(ctx.app).get('/services/no-such-service');
    expect(missing.status).to.equal(404);
    await request(ctx.app).get('/services/no-such-service');
    expect(cache.stats()).to.include({ stores: 0, hits: 0 });
  });
});

describe('The public page cache on its own', () => {
  function appWith(options: { ttlMs?: number; maxEntries?: number; now?: () => number }) {
    let renders = 0;
    const cache = publicPageCache({
      bypassCookies: ['sid'],
      generation: () => 1,
      cacheable: () => true,
      ...options,
    });
    const app = express();
    app.use(cookieParser());
    app.use((_req, res, next) => {
      res.locals.lang = 'ar';
      next();
    });
    app.use(cache.middleware);
    app.get('/page', (req, res) => {
      renders++;
      res.type('html').send(`<p>${typeof req.query.n === 'string' ? req.query.n : ''} ${renders}</p>`);
    });
    app.get('/with-cookie', (_req, res) => {
      renders++;
      res.cookie('sid', 'x').type('html').send('<p>made a session</p>');
    });
    app.get('/json', (_req, res) => {
      renders++;
      res.json({ renders });
    });
    return { app, cache, renders: () => renders };
  }

  it('when a page sets a cookie or is not HTML, then it is rendered for every request', async () => {
    const { app, cache, renders } = appWith({});
    for (let i = 0; i < 3; i++) {
      await request(app).get('/with-cookie');
      await request(app).get('/json');
    }
    expect(renders()).to.equal(6);
    expect(cache.stats()).to.include({ stores: 0, hits: 0 });
  });

  it('when a request carries a session cookie, then the kept page is not used for it', async () => {
    const { app, renders } = appWith({});
    await request(app).get('/page');
    const withSession = await request(app).get('/page').set('Cookie', 'sid=abc');
    expect(withSession.text).to.equal('<p> 2</p>');
    expect(renders()).to.equal(2);
  });

  it('when its time is up, then the page is rendered again', async () => {
    let now = 1_000_000;
    const { app, renders } = appWith({ ttlMs: 30, now: () => now });
    await request(app).get('/page');
    now += 29;
    await request(app).get('/page');
    expect(renders()).to.equal(1);
    now += 1;
    const fresh = await request(app).get('/page');
    expect(fresh.text).to.equal('<p> 2</p>');
  });

  it('when more pages are asked for than it may hold, then the oldest are let go', async () => {
    const { app, cache, renders } = appWith({ maxEntries: 3 });
    for (let n = 0; n < 5; n++) await request(app).get('/page').query({ n });
    expect(cache.stats().size).to.equal(3);
    await request(app).get('/page').query({ n: 4 });
    expect(renders()).to.equal(5);
    await request(app).get('/page').query({ n: 0 });
    expect(renders()).to.equal(6);
  });
});

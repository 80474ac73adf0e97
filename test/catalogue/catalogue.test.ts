import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor } from '../support/http.js';
import { foldForSearch } from '../../server/services/catalogue.js';

const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');

describe(`The service catalogue and guides (${dbLabel})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  const slugsIn = (html: string) => [...html.matchAll(/href="\/services\/([a-z0-9-]+)"/g)].map((m) => m[1]);

  it('when the catalogue is opened, then every registered service is listed under its category', async () => {
    const res = await request(ctx.app).get('/services');
    expect(res.status).to.equal(200);
    const listed = slugsIn(res.text);
    for (const d of ctx.services.registry.all()) expect(listed, d.slug).to.include(d.slug);
  });

  it('when searching by an Arabic name with diacritics or with a plain ha for the ta marbuta, then the service is found', async () => {
    const residence = ctx.services.registry.latest('residence-certificate')!;
    const withDiacritics = [...residence.name.ar].map((c) => (/\s/.test(c) ? c : `${c}\u064E`)).join('');
    const plainHa = residence.name.ar.replace(/ة/g, 'ه');
    expect(withDiacritics).not.to.equal(residence.name.ar);
    for (const q of [residence.name.ar, withDiacritics, plainHa]) {
      const res = await request(ctx.app).get('/services').query({ q });
      expect(slugsIn(res.text), q).to.include('residence-certificate');
    }
  });

  it('when searching with alef and ya variants, then they match the plain letters', () => {
    expect(foldForSearch('إفادة')).to.equal(foldForSearch('افاده'));
    expect(foldForSearch('مبنى')).to.equal(foldForSearch('مبني'));
    expect(foldForSearch('آمِنَة')).to.equal('امنه');
  });

  it('when searching by English name in any case, then the service is found and others are not', async () => {
    const res = await request(ctx.app).get('/services').query({ q: 'RESIDENCE certificate' });
    const listed = slugsIn(res.text);
    expect(listed).to.include('residence-certificate');
    expect(listed).not.to.include('building-completion-certificate');
  });

  it('when nothing matches, then the page says so in the person’s language', async () => {
    const res = await request(ctx.app).get('/services').query({ q: 'zzzz-nothing' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('لا توجد خدمة تطابق');
  });

  it('when markup is searched for, then it is shown escaped', async () => {
    const res = await request(ctx.app).get('/services').query({ q: '<img src=x onerror=alert(1)>' });
    expect(res.text).not.to.contain('<img src=x');
    expect(res.text).to.contain('&lt;img src=x');
  });

  for (const lang of ['ar', 'en'] as const) {
    it(`when every service guide is opened in ${lang}, then it shows its name, documents, fee and time`, async () => {
      const agent = agentFor(ctx.app);
      await agent.get(`/lang/${lang}`);
      for (const d of ctx.services.registry.all()) {
        const res = await agent.get(`/services/${d.slug}`);
        expect(res.status, d.slug).to.equal(200);
        expect(res.text).to.contain(`<html lang="${lang}"`);
        expect(res.text).to.contain(escapeHtml(d.name[lang]));
        for (const doc of d.guide.documents) expect(res.text).to.contain(escapeHtml(doc.label[lang]));
        expect(res.text).to.contain(lang === 'ar' ? 'مدة الإنجاز' : 'How long it takes');
      }
    });
  }

  it('when a guide for an unknown service is asked for, then it is a 404', async () => {
    expect((await request(ctx.app).get('/services/no-such-service')).status).to.equal(404);
  });

  it('when the services API is called, then it describes each service exactly as its definition does', async () => {
    const res = await request(ctx.app).get('/api/v1/services');
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('application/json');
    const bySlug = new Map((res.body.services as { slug: string }[]).map((s) => [s.slug, s]));
    for (const d of ctx.services.registry.all()) {
      const s = bySlug.get(d.slug) as Record<string, unknown>;
      expect(s, d.slug).to.include({ slug: d.slug, version: d.version, slaDays: d.guide.slaDays });
      expect(s.name).to.deep.equal(d.name);
      expect(s.fee).to.deep.equal(d.guide.fee);
      expect(s.documents).to.deep.equal(JSON.parse(JSON.stringify(d.guide.documents)));
      expect((s.fields as { key: string; type: string }[]).map((f) => [f.key, f.type])).to.deep.equal(
        d.fields.map((f) => [f.key, f.type]),
      );
      const one = await request(ctx.app).get(`/api/v1/services/${d.slug}`);
      expect(one.body).to.deep.equal(s);
    }
  });

  it('when the API is asked for an unknown service, then it answers 404 in JSON with a stable code', async () => {
    const res = await request(ctx.app).get('/api/v1/services/nope');
    expect(res.status).to.equal(404);
    expect(res.body.error).to.include({ status: 404, code: 'http_404' });
  });
});

import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';

describe(`The request log (${dbLabel})`, () => {
  let ctx: TestContext;
  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  const requestLines = () => ctx.logs.filter((l) => l.msg === 'request completed');

  it('when a page is asked for with a query string, then one line names its id, method, path without the query, status and time, and nothing else', async () => {
    ctx.logs.length = 0;
    await request(ctx.app).get('/services?q=620611653').set('Cookie', 'lang=en; other=secret');
    const lines = requestLines();
    expect(lines).to.have.length(1);
    const line = lines[0]!;
    expect(line.level).to.equal(30);
    expect(line.req).to.have.all.keys('id', 'method', 'path');
    expect(line.req).to.include({ method: 'GET', path: '/services' });
    expect(line.res).to.deep.equal({ status: 200 });
    expect(line.responseTime).to.be.a('number');
    expect(JSON.stringify(line)).to.not.contain('620611653').and.not.contain('secret');
  });

  it('when static files are served, then they are not logged', async () => {
    ctx.logs.length = 0;
    const res = await request(ctx.app).get('/static/app.css');
    expect(res.status).to.equal(200);
    expect(requestLines()).to.have.length(0);
  });

  it('when a page is not found, then the line says 404 at the info level', async () => {
    ctx.logs.length = 0;
    await request(ctx.app).get('/no-such-page');
    expect(requestLines().map((l) => [l.level, (l.res as { status: number }).status])).to.deep.equal([
      [30, 404],
    ]);
  });
});

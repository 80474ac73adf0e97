import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { csrfFrom, type Agent } from '../support/http.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import {
  act,
  issueToken,
  localServer,
  nationalAdmin,
  signedIn,
  submitted,
  type LocalServer,
} from './partner-support.js';

interface Received {
  id: string;
  event: string;
  body: Record<string, unknown>;
  validSignature: boolean;
}

/** The partner's side: checks the signature and the timestamp as the API page tells partners to. */
function verify(req: IncomingMessage, raw: string, secret: string, nowSeconds: number): boolean {
  const timestamp = String(req.headers['x-webhook-timestamp'] ?? '');
  const signature = String(req.headers['x-webhook-signature'] ?? '');
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
  const fresh = Math.abs(nowSeconds - Number(timestamp)) <= 300;
  return (
    fresh &&
    signature.length === expected.length &&
    timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

describe(`Partner webhooks (${dbLabel})`, () => {
  let ctx: TestContext;
  let admin: Agent;
  let applicant: Person;
  let reviewer: Person;
  let receiver: LocalServer;
  let secret = '';
  /** Every request the receiver saw, and the events it accepted (answered 2xx to), by id. */
  let seen: Received[];
  let accepted: Map<string, Received[]>;
  /** What the receiver does on the n-th request for an event id: an HTTP status, or 'hang'. */
  let script: (attempt: number) => number | 'hang';

  beforeEach(async () => {
    ctx = await createTestContext({ env: { WEBHOOK_TIMEOUT_MS: '1000' } });
    admin = await signedIn(ctx, await nationalAdmin(ctx));
    applicant = await makeResident(ctx);
    reviewer = await makeStaff(ctx, 'reviewer', 'capital');
    seen = [];
    accepted = new Map();
    script = () => 200;
    receiver = await localServer((req, raw, res) => {
      const id = String(req.headers['x-webhook-id']);
      const entry: Received = {
        id,
        event: String(req.headers['x-webhook-event']),
        body: JSON.parse(raw) as Record<string, unknown>,
        validSignature: verify(req, raw, secret, Math.floor(ctx.clock.now().getTime() / 1000)),
      };
      seen.push(entry);
      const action = script(seen.filter((s) => s.id === id).length);
      if (action === 'hang') return;
      if (action >= 200 && action < 300 && entry.validSignature) {
        accepted.set(id, [...(accepted.get(id) ?? []), entry]);
      }
      res.writeHead(action).end();
    });
  });
  afterEach(async () => {
    await receiver.close();
    await ctx.close();
  });

  async function subscribe(token: string, events: string[]) {
    const res = await request(ctx.app)
      .post('/api/v1/webhooks')
      .set('Authorization', `Bearer ${token}`)
      .send({ url: `${receiver.url}/hooks`, events });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    secret = res.body.secret as string;
    return res.body as { id: number; secret: string };
  }

  async function drain() {
    while ((await ctx.services.outbox.runOnce()) > 0);
  }

  it('when the receiver first answers 500 and then times out, then each event is retried with backoff and accepted exactly once, signed, and the reviewer was never held up', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read', 'webhooks'] });
    const { id: subscriptionId } = await subscribe(token, ['application.submitted', 'application.decided']);
    script = (attempt) => (attempt === 1 ? 500 : attempt === 2 ? 'hang' : 200);

    const { id, reference } = await submitted(ctx, applicant);
    const staff = await signedIn(ctx, reviewer);
    expect((await act(staff, id, 'START_REVIEW')).status).to.equal(303);
    const started = Date.now();
    const decided = await act(staff, id, 'REJECT', { comment: 'The address is outside the municipality.' });
    expect(decided.status).to.equal(303);
    expect(Date.now() - started).to.be.below(2000);
    // The decision only wrote rows; nothing was sent during the reviewer's request.
    expect(seen).to.deep.equal([]);
    const rows = await ctx.db('outbox').where({ kind: 'webhook' }).orderBy('id');
    expect(rows.map((r: { status: string; attempts: number }) => [r.status, r.attempts])).to.deep.equal([
      ['pending', 0],
      ['pending', 0],
    ]);

    await drain();
    expect(seen.map((s) => s.event)).to.deep.equal(['application.submitted', 'application.decided']);
    expect(accepted.size).to.equal(0);
    // Nothing again before the backoff has passed.
    await drain();
    expect(seen).to.have.length(2);
    ctx.clock.advance(10_000);
    await drain();
    expect(seen).to.have.length(4);
    expect(accepted.size).to.equal(0);
    ctx.clock.advance(20_000);
    await drain();
    expect(seen).to.have.length(6);

    expect([...accepted.values()].map((list) => list.length)).to.deep.equal([1, 1]);
    expect(seen.every((s) => s.validSignature)).to.equal(true);
    const events = [...accepted.values()].map((list) => list[0]!.body);
    expect(events.map((e) => e.event)).to.deep.equal(['application.submitted', 'application.decided']);
    expect(events[1]!.data).to.deep.include({
      reference,
      status: 'rejected',
      decision: 'rejected',
      municipality: 'capital',
    });
    // Every attempt of an event carried the same id and the same body.
    for (const [eventId, list] of accepted) {
      const bodies = seen.filter((s) => s.id === eventId).map((s) => JSON.stringify(s.body));
      expect(new Set(bodies).size).to.equal(1);
      expect(list[0]!.body.id).to.equal(eventId);
    }
    expect(await ctx.db('outbox').where({ kind: 'webhook' }).pluck('status')).to.deep.equal(['done', 'done']);

    // The administrator sees each delivery and its attempts: 500, the timeout, the success.
    const page = await admin.get(`/admin/api/webhooks/${subscriptionId}`);
    expect(page.status).to.equal(200);
    expect(page.text.match(/class="webhook-delivery"/g)).to.have.length(2);
    expect(page.text)
      .to.contain('HTTP 500')
      .and.contain('timeout')
      .and.contain('HTTP 200')
      .and.contain('تم التسليم');
  });

  it('when the administrator redelivers a delivery, then it is sent again with the same id and the receiver can tell it is a repeat', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read', 'webhooks'] });
    const { id: subscriptionId } = await subscribe(token, ['application.submitted']);
    await submitted(ctx, applicant);
    await drain();
    expect(seen).to.have.length(1);
    const delivery = await ctx.db('webhook_deliveries').first();
    const page = await admin.get(`/admin/api/webhooks/${subscriptionId}`);
    const res = await admin
      .post(`/admin/api/webhooks/${subscriptionId}/deliveries/${delivery.id}/redeliver`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(303);
    await drain();
    expect(seen.map((s) => s.id)).to.deep.equal([delivery.event_id, delivery.event_id]);
    const forged = await admin
      .post(`/admin/api/webhooks/${subscriptionId}/deliveries/999999/redeliver`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(forged.status).to.equal(404);
  });

  it('when a delivery keeps failing, then it is marked failed after the last attempt and the administrator sees the failure', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read', 'webhooks'] });
    const { id: subscriptionId } = await subscribe(token, ['application.submitted']);
    script = () => 503;
    await submitted(ctx, applicant);
    for (let i = 0; i < 12; i++) {
      await drain();
      ctx.clock.advance(60 * 60 * 1000);
    }
    const row = await ctx.db('outbox').where({ kind: 'webhook' }).first();
    expect(row).to.include({ status: 'failed', attempts: 8 });
    expect(seen).to.have.length(8);
    const page = await admin.get(`/admin/api/webhooks/${subscriptionId}`);
    expect(page.text).to.contain('فشل').and.contain('HTTP 503');
  });

  it('when events happen, then only subscriptions whose token may read them get a delivery, and a stopped subscription gets none', async () => {
    const mine = await issueToken(admin, {
      scopes: ['applications:read', 'webhooks'],
      services: ['residence-certificate'],
    });
    const other = await issueToken(admin, {
      scopes: ['applications:read', 'webhooks'],
      services: ['zoning-certificate'],
    });
    const mineSub = await subscribe(mine, ['application.submitted']);
    await subscribe(other, ['application.submitted']);
    await submitted(ctx, applicant);
    const deliveries = await ctx.db('webhook_deliveries');
    expect(deliveries.map((d: { subscription_id: number }) => d.subscription_id)).to.deep.equal([mineSub.id]);

    const stop = await request(ctx.app)
      .delete(`/api/v1/webhooks/${mineSub.id}`)
      .set('Authorization', `Bearer ${mine}`);
    expect(stop.status).to.equal(204);
    const notTheirs = await request(ctx.app)
      .delete(`/api/v1/webhooks/${mineSub.id}`)
      .set('Authorization', `Bearer ${other}`);
    expect(notTheirs.status).to.equal(404);
    await submitted(ctx, applicant);
    expect(await ctx.db('webhook_deliveries')).to.have.length(1);
    // The pending delivery of the stopped subscription is finished without being sent.
    await drain();
    expect(seen).to.deep.equal([]);
    const list = await request(ctx.app).get('/api/v1/webhooks').set('Authorization', `Bearer ${mine}`);
    expect(list.body).to.deep.equal({ subscriptions: [] });
  });

  it('when a certificate is issued inside a transaction, then enqueue sends it to partners with certificates:read only', async () => {
    const reader = await issueToken(admin, { scopes: ['certificates:read', 'webhooks'] });
    const applicationsOnly = await issueToken(admin, { scopes: ['applications:read', 'webhooks'] });
    await subscribe(reader, ['certificate.issued']);
    const refused = await request(ctx.app)
      .post('/api/v1/webhooks')
      .set('Authorization', `Bearer ${applicationsOnly}`)
      .send({ url: `${receiver.url}/hooks`, events: ['certificate.issued'] });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('insufficient_scope');
    const written = await ctx.db.transaction((trx) =>
      ctx.services.webhooks.enqueue(
        trx,
        'certificate.issued',
        { number: 'CRT-2026-00000001' },
        { municipality: 'capital' },
      ),
    );
    expect(written).to.equal(1);
    await drain();
    expect(seen.map((s) => [s.event, (s.body.data as { number: string }).number])).to.deep.equal([
      ['certificate.issued', 'CRT-2026-00000001'],
    ]);
  });

  it('when a subscription is asked for with a bad URL, unknown events or a body that is not JSON, then it gets 400 with a stable code and nothing is stored', async () => {
    const token = await issueToken(admin, { scopes: ['applications:read', 'webhooks'] });
    const post = () => request(ctx.app).post('/api/v1/webhooks').set('Authorization', `Bearer ${token}`);
    const cases: [object | string, string][] = [
      [{ url: 'ftp://partner.example/x', events: ['application.submitted'] }, 'url_invalid'],
      [{ url: 'https://user:pw@partner.example/x', events: ['application.submitted'] }, 'url_invalid'],
      [{ url: 'https://partner.example/x', events: ['application.deleted'] }, 'events_invalid'],
      [{ url: 'https://partner.example/x', events: [] }, 'events_invalid'],
    ];
    for (const [body, code] of cases) {
      const res = await post().send(body);
      expect(res.status, code).to.equal(400);
      expect(res.body.error.code).to.equal(code);
    }
    const broken = await post().set('Content-Type', 'application/json').send('{"url": ');
    expect(broken.status).to.equal(400);
    expect(broken.body.error.code).to.equal('body_invalid');
    expect(await ctx.db('webhook_subscriptions')).to.deep.equal([]);
  });

  it('when the administrator subscribes on a partner’s behalf, then the secret is shown once and a bad address gets a translated error', async () => {
    await issueToken(admin, { name: 'Housing ministry', scopes: ['applications:read', 'webhooks'] });
    const tokenId = String((await ctx.db('api_tokens').first()).id);
    let page = await admin.get('/admin/api');
    const bad = await admin
      .post('/admin/api/webhooks')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(csrfFrom(page.text))}&tokenId=${tokenId}&url=notaurl&events=application.decided`,
      );
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('أدخل عنواناً يبدأ بـ https://');
    page = await admin.get('/admin/api');
    const ok = await admin
      .post('/admin/api/webhooks')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(csrfFrom(page.text))}&tokenId=${tokenId}&url=${encodeURIComponent(`${receiver.url}/h`)}&events=application.decided`,
      );
    expect(ok.status).to.equal(200);
    expect(ok.headers['cache-control']).to.equal('no-store');
    const shown = /id="new-webhook-secret">([^<]+)</.exec(ok.text)?.[1];
    expect(shown).to.match(/^whsec_/);
    expect((await admin.get('/admin/api')).text).not.to.contain(shown!);
    expect(await ctx.db('webhook_subscriptions').pluck('created_by')).to.have.length(1);
  });
});

import { expect } from 'chai';
import request from 'supertest';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, hiddenFields, signUpResident, tokenFor, type Agent } from '../support/http.js';
import { makeResident, makeStaff, type Person } from '../support/people.js';
import { createServices } from '../../server/services/index.js';
import { ServiceDisabledError } from '../../server/services/applications.js';
import { nationalAdmin, signedIn } from './support.js';
import { submitted as submittedFor } from '../support/applications.js';

const SLUG = 'residence-certificate';
const local = (day: string, hhmm = '10:00') => new Date(`${day}T${hhmm}:00+03:00`);

describe(`Administrators and services (${dbLabel})`, () => {
  let ctx: TestContext;
  let admin: { person: Person; agent: Agent };

  beforeEach(async () => {
    ctx = await createTestContext();
    admin = await nationalAdmin(ctx);
  });
  afterEach(() => ctx.close());

  const submitted = async (slug = SLUG) => (await submittedFor(ctx, await makeResident(ctx), { slug })).id;

  const count = async (table: string) => Number((await ctx.db(table).count({ n: '*' }).first())?.n);

  const post = async (path: string, form: Record<string, string>, agent = admin.agent) => {
    const page = await agent.get(`/admin/services/${SLUG}`);
    return agent
      .post(path)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...form });
  };

  describe('the list', () => {
    it('when an administrator opens /admin/services, then every service is listed with its version, applications in flight per version and whether it is enabled', async () => {
      await submitted();
      await submitted();
      await admin.agent.get('/lang/en');
      const page = await admin.agent.get('/admin/services');
      expect(page.status).to.equal(200);
      for (const definition of ctx.services.registry.all())
        expect(page.text).to.contain(`data-slug="${definition.slug}"`);
      const row = page.text.slice(page.text.indexOf(`data-slug="${SLUG}"`));
      expect(row).to.match(/data-version="1">version 1: 2 in flight/);
      expect(row).to.contain('Enabled');
      const nav = await admin.agent.get('/backoffice');
      expect(nav.text).to.contain('href="/admin/services"');
    });

    it('when someone who is not an administrator asks, then it is refused; a municipal administrator reads but cannot change', async () => {
      const reviewer = await signedIn(ctx, await makeStaff(ctx, 'reviewer'));
      expect((await reviewer.get('/admin/services')).status).to.equal(403);
      const municipal = await signedIn(ctx, await makeStaff(ctx, 'admin', 'capital'));
      const page = await municipal.get(`/admin/services/${SLUG}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.not.contain('id="toggle-enabled"');
      const refused = await post(`/admin/services/${SLUG}/enabled`, { enabled: 'no' }, municipal);
      expect(refused.status).to.equal(403);
      expect(ctx.services.serviceSettings.enabled(SLUG)).to.equal(true);
      expect(await count('service_setting_changes')).to.equal(0);
    });
  });

  describe('disabling a service', () => {
    it('when a service is disabled, then it leaves the catalogue and the open API, new applications are refused with a clear message, and applications in flight carry on', async () => {
      const inFlight = await submitted();
      const res = await post(`/admin/services/${SLUG}/enabled`, { enabled: 'no' });
      expect(res.status).to.equal(303);
      const audit = await ctx.db('service_setting_changes').where({ service_slug: SLUG });
      expect(audit).to.have.length(1);
      expect(audit[0]).to.include({
        setting: 'enabled',
        before: 'true',
        after: 'false',
        changed_by: admin.person.id,
      });

      const catalogue = await request(ctx.app).get('/services');
      expect(catalogue.text).to.not.contain(`href="/services/${SLUG}"`);
      expect(catalogue.text).to.contain('href="/services/building-permit"');
      const api = await request(ctx.app).get('/api/v1/services');
      expect((api.body as { services: { slug: string }[] }).services.map((s) => s.slug)).to.not.include(SLUG);
      expect((await request(ctx.app).get(`/api/v1/services/${SLUG}`)).status).to.equal(404);

      const resident = agentFor(ctx.app);
      await signUpResident(resident);
      const guide = await resident.get(`/services/${SLUG}`);
      expect(guide.status).to.equal(200);
      expect(guide.text).to.contain('لا تقبل هذه الخدمة طلبات جديدة حاليًا');
      expect(guide.text).to.not.contain(`action="/services/${SLUG}/apply"`);
      const start = await resident
        .post(`/services/${SLUG}/apply`)
        .type('form')
        .send({ _csrf: csrfFrom(guide.text) });
      expect(start.status).to.equal(409);
      expect(start.text).to.contain('لا تقبل هذه الخدمة طلبات جديدة حاليًا');
      await resident.get('/lang/en');
      const english = await resident
        .post(`/services/${SLUG}/apply`)
        .type('form')
        .send({ _csrf: await tokenFor(resident, `/services/${SLUG}`) });
      expect(english.status).to.equal(409);
      expect(english.text).to.contain('This service is not taking new applications at the moment.');
      const counted = await ctx.db('applications').where({ service_slug: SLUG }).count({ n: '*' }).first();
      expect(Number(counted?.n)).to.equal(1);
      let error: unknown;
      try {
        await ctx.services.applications.createDraft({ serviceSlug: SLUG, applicantId: admin.person.id });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ServiceDisabledError);

      const reviewer = await makeStaff(ctx, 'reviewer');
      const carried = await ctx.services.applyEvent({
        applicationId: inFlight,
        event: { type: 'START_REVIEW' },
        actor: { role: 'reviewer', userId: reviewer.id },
      });
      expect(carried.ok).to.equal(true);

      expect((await post(`/admin/services/${SLUG}/enabled`, { enabled: 'yes' })).status).to.equal(303);
      expect((await request(ctx.app).get('/services')).text).to.contain(`href="/services/${SLUG}"`);
    });
  });

  describe('settings', () => {
    const valid = {
      fee: '7.5',
      slaDays: '5',
      'guideText-ar': 'نص جديد للدليل يشرح الخدمة.',
      'guideText-en': 'New guide text explaining the service.',
      'tpl-0-event': 'REJECT',
      'tpl-0-ar': 'العنوان غير مسجل في نظام العناوين.',
      'tpl-0-en': 'The address is not in the address register.',
    };

    it('when an administrator changes the fee, the service-level days, the guide text and the reasons, then each change is audited with who, when, before and after, and they take effect', async () => {
      const res = await post(`/admin/services/${SLUG}/settings`, valid);
      expect(res.status).to.equal(303);
      const audit = await ctx.db('service_setting_changes').where({ service_slug: SLUG }).orderBy('id');
      expect(audit.map((a: { setting: string }) => a.setting)).to.have.members([
        'fee',
        'slaDays',
        'guideText',
        'reasonTemplates',
      ]);
      for (const row of audit) {
        expect(row.changed_by).to.equal(admin.person.id);
        expect(new Date(row.changed_at).toISOString()).to.equal(ctx.clock.now().toISOString());
      }
      const byName: Record<string, { before: string; after: string }> = Object.fromEntries(
        audit.map((a: { setting: string; before: string; after: string }) => [a.setting, a]),
      );
      expect(JSON.parse(byName.fee!.before)).to.equal(0);
      expect(JSON.parse(byName.fee!.after)).to.equal(7.5);
      expect(JSON.parse(byName.slaDays!.before)).to.equal(3);
      expect(JSON.parse(byName.slaDays!.after)).to.equal(5);

      // The guide, the catalogue's API and the admin page's history.
      const guide = await request(ctx.app).get(`/services/${SLUG}`).set('Cookie', 'lang=en');
      expect(guide.text).to.contain('New guide text explaining the service.');
      expect(guide.text).to.contain('5 working days');
      expect(guide.text).to.contain('7.500');
      const api = (await request(ctx.app).get(`/api/v1/services/${SLUG}`)).body as {
        fee: { amount: number };
        slaDays: number;
      };
      expect(api.fee.amount).to.equal(7.5);
      expect(api.slaDays).to.equal(5);
      await admin.agent.get('/lang/en');
      const history = await admin.agent.get(`/admin/services/${SLUG}`);
      expect(history.text).to.match(/data-setting="slaDays">[\s\S]*?3 working days[\s\S]*?5 working days/);

      // New applications get the new service-level time: Wednesday 25 November + 5 working days.
      ctx.clock.set(local('2026-11-25'));
      const id = await submitted();
      const row = (await ctx.services.applications.findById(id))!;
      expect(new Date(row.sla_due_at as Date).toISOString()).to.equal(local('2026-12-02').toISOString());

      // The back office offers the new reason, and sends it in the applicant's language.
      const reviewer = await signedIn(ctx, await makeStaff(ctx, 'reviewer'));
      const queue = await reviewer.get('/backoffice');
      await reviewer
        .post(`/backoffice/applications/${id}/claim`)
        .type('form')
        .send({ _csrf: csrfFrom(queue.text) });
      const page = await reviewer.get(`/backoffice/applications/${id}`);
      expect(page.text).to.contain('<option value="service-0">العنوان غير مسجل في نظام العناوين.</option>');
      const asked = await reviewer
        .post(`/backoffice/applications/${id}/events/REJECT`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), template: 'service-0', comment: '' });
      expect(asked.text).to.contain('العنوان غير مسجل في نظام العناوين.</blockquote>');
      const rejected = await reviewer
        .post(`/backoffice/applications/${id}/events/REJECT`)
        .type('form')
        .send({ ...hiddenFields(asked.text), confirmed: 'yes' });
      expect(rejected.status).to.equal(303);
      const event = await ctx.db('application_events').where({ application_id: id, event: 'REJECT' }).first();
      expect(event.comment).to.equal('العنوان غير مسجل في نظام العناوين.');
    });

    it('when another process changes the settings, then this one reads them from the database', async () => {
      const other = createServices({
        db: ctx.db,
        config: ctx.config,
        clock: ctx.clock,
        logger: ctx.logger,
        registry: ctx.services.registry.base,
      });
      await other.serviceSettings.load();
      expect(other.registry.latest(SLUG)!.guide.slaDays).to.equal(3);
      await post(`/admin/services/${SLUG}/settings`, valid);
      await other.serviceSettings.load();
      expect(other.registry.latest(SLUG)!.guide.slaDays).to.equal(5);
      expect(other.registry.get(SLUG, 1)!.guide.fee.amount).to.equal(7.5);
      expect(other.registry.base.latest(SLUG)!.guide.slaDays).to.equal(3);
    });

    it('when the values are bad (negative fee, zero days, a missing translation), then each is refused with a clear message and nothing changes', async () => {
      await admin.agent.get('/lang/en');
      const res = await post(`/admin/services/${SLUG}/settings`, {
        ...valid,
        fee: '-1',
        slaDays: '0',
        'guideText-en': '',
        'tpl-0-en': '',
      });
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('The fee cannot be negative');
      expect(res.text).to.contain(
        'Enter the service-level time as a whole number of working days from 1 to 365',
      );
      expect(res.text).to.contain('href="#guideText-en"');
      expect(res.text).to.contain('href="#tpl-0-en"');
      expect(res.text).to.contain('Enter the text in both Arabic and English');
      expect(res.text).to.not.match(/ZodError|\.ts:\d+|at \w+ \(\//);
      await admin.agent.get('/lang/ar');
      const arabic = await post(`/admin/services/${SLUG}/settings`, {
        ...valid,
        fee: '1.2345',
        'guideText-ar': 'English only',
      });
      expect(arabic.status).to.equal(400);
      expect(arabic.text).to.contain('للرسوم ثلاث خانات عشرية على الأكثر');
      expect(arabic.text).to.contain('يجب أن يكون النص العربي مكتوبًا بالعربية');
      expect(await count('service_settings')).to.equal(0);
      expect(await count('service_setting_changes')).to.equal(0);
      expect(ctx.services.registry.latest(SLUG)!.guide.slaDays).to.equal(3);
    });
  });
});

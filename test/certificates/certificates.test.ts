import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import jsQRModule from 'jsqr';
import { createTestContext, dbLabel, type TestContext } from '../support/context.js';
import { agentFor, csrfFrom, signIn, signUpResident, VALID_PASSWORD, type Agent } from '../support/http.js';
import { makeStaff, type Person } from '../support/people.js';
import { newReference } from '../../server/services/reference.js';
import { certificatesService, maskName, type CertificateRow } from '../../server/services/certificates.js';
import { canonicalCode, newVerificationCode, printedCode } from '../../server/services/certificate-code.js';

const run = promisify(execFile);
// jsqr is CommonJS with types that declare an ES default export: imported from ESM, the default is the function.
const jsQR = jsQRModule as unknown as typeof jsQRModule.default;

/** A residence-certificate application's answers, as the form stores them. */
const ANSWERS = {
  applicantName: 'Fatima Ali Hasan',
  cpr: '850101234',
  mobile: '36001234',
  email: 'fatima@example.bh',
  address: { flat: '', building: '1234', road: '4321', block: '338', area: 'Adliya' },
  residenceType: 'owner',
  residentSince: '2019-03-01',
  purpose: 'school',
  addressedTo: 'Ministry of Education',
};

/** The text of a PDF as pdftotext reads it, with the bidi marks it adds around Arabic removed. */
async function pdfText(pdf: Buffer): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certificate-'));
  try {
    const file = path.join(dir, 'certificate.pdf');
    fs.writeFileSync(file, pdf);
    const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    return stdout.replace(/[\u202A-\u202E\u200E\u200F]/g, '');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Renders each page (pdftoppm, PPM) and reads the QR code found on one of them. */
async function qrOf(pdf: Buffer): Promise<string | undefined> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'certificate-'));
  try {
    const file = path.join(dir, 'certificate.pdf');
    fs.writeFileSync(file, pdf);
    await run('pdftoppm', ['-r', '100', file, path.join(dir, 'page')]);
    for (const page of fs.readdirSync(dir).filter((f) => f.endsWith('.ppm'))) {
      const ppm = fs.readFileSync(path.join(dir, page));
      // P6 header: magic, width, height, maxval, each followed by one whitespace byte.
      const header = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(ppm.subarray(0, 40).toString('latin1'));
      if (!header) throw new Error('not a PPM file');
      const [width, height] = [Number(header[1]), Number(header[2])];
      const rgb = ppm.subarray(header[0].length);
      const rgba = new Uint8ClampedArray(width * height * 4);
      for (let i = 0; i < width * height; i++) {
        rgba[i * 4] = rgb[i * 3]!;
        rgba[i * 4 + 1] = rgb[i * 3 + 1]!;
        rgba[i * 4 + 2] = rgb[i * 3 + 2]!;
        rgba[i * 4 + 3] = 255;
      }
      const found = jsQR(rgba, width, height)?.data;
      if (found) return found;
    }
    return undefined;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe(`Certificates (${dbLabel})`, () => {
  let ctx: TestContext;
  let holder: Agent;
  let holderId: number;
  let reviewer: Person;
  let supervisor: Person;

  beforeEach(async () => {
    ctx = await createTestContext();
    holder = agentFor(ctx.app);
    expect((await signUpResident(holder)).status).to.equal(303);
    holderId = (await ctx.db('users').where({ email: 'fatima@example.bh' }).first()).id;
    reviewer = await makeStaff(ctx, 'reviewer', 'capital');
    supervisor = await makeStaff(ctx, 'supervisor', 'capital');
  });
  afterEach(() => ctx.close());

  async function staffAgent(p: Person): Promise<Agent> {
    const agent = agentFor(ctx.app);
    expect((await signIn(agent, p.email, VALID_PASSWORD)).status).to.equal(303);
    return agent;
  }

  /** An accepted residence certificate application of `applicantId`, its outbox delivered. */
  async function accepted(applicantId = holderId, municipality = 'capital'): Promise<number> {
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId,
      municipality,
    });
    await ctx
      .db('applications')
      .where({ id: draft.id })
      .update({ form_data: JSON.stringify(ANSWERS) });
    const staff = municipality === 'capital' ? reviewer : await makeStaff(ctx, 'reviewer', municipality);
    for (const [type, actor] of [
      ['SUBMIT', { role: 'applicant', userId: applicantId }],
      ['START_REVIEW', { role: 'reviewer', userId: staff.id }],
      ['ACCEPT', { role: 'reviewer', userId: staff.id }],
    ] as const) {
      const result = await ctx.services.applyEvent({
        applicationId: draft.id,
        event: { type },
        actor,
        ...(type === 'SUBMIT' ? { extra: { reference: newReference('residence-certificate', 2026) } } : {}),
      });
      expect(result.ok, `${type}: ${JSON.stringify(result)}`).to.equal(true);
    }
    while ((await ctx.services.outbox.runOnce()) > 0);
    return draft.id;
  }

  const certificateOf = async (applicationId: number): Promise<CertificateRow> =>
    (await ctx.db<CertificateRow>('certificates').where({ application_id: applicationId }).first())!;

  async function download(
    agent: Agent,
    url: string,
  ): Promise<{ status: number; body: Buffer; type: string }> {
    const res = await agent
      .get(url)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    return { status: res.status, body: res.body as Buffer, type: String(res.headers['content-type']) };
  }

  it("when a certificate is issued, then partners are told its reference number, never the portal's internal id", async () => {
    const id = await accepted();
    await ctx.db('certificates').where({ application_id: id }).delete();
    const told: Record<string, unknown>[] = [];
    const certificates = certificatesService({
      db: ctx.db,
      registry: ctx.services.registry,
      clock: ctx.clock,
      logger: ctx.logger,
      baseUrl: ctx.config.baseUrl,
      onChange: (_trx, _event, data) => {
        told.push(data);
        return Promise.resolve();
      },
    });
    await certificates.issueFor(id);
    const app = (await ctx.services.applications.findById(id))!;
    expect(told).to.have.length(1);
    expect(told[0]).to.include({ reference: app.reference, status: 'valid' });
    expect(told[0]).to.not.have.property('applicationId');
  });

  it('when a certificate service is accepted and its delivery runs again, then exactly one certificate exists and the holder is told once', async () => {
    const id = await accepted();
    const first = await certificateOf(id);
    expect(first.number).to.equal(`CRT-2026-${String(id).padStart(8, '0')}`);
    expect(first.holder_id).to.equal(holderId);
    // A crash after delivery but before it was marked done: the same row is delivered again.
    await ctx
      .db('outbox')
      .where({ application_id: id, kind: 'issueCertificate' })
      .update({ status: 'pending', next_attempt_at: 0, locked_until: null });
    expect(await ctx.services.outbox.runOnce()).to.equal(1);
    const again = await ctx.services.certificates.issueFor(id);
    expect(again.created).to.equal(false);
    const rows = await ctx.db('certificates').where({ application_id: id });
    expect(rows).to.have.length(1);
    expect(rows[0].code).to.equal(first.code);
    const notices = await ctx
      .db('notifications')
      .where({ user_id: holderId, template: 'certificate_issued' });
    expect(notices).to.have.length(1);
    const outcome = JSON.parse((await ctx.services.applications.findById(id))!.outcome!);
    expect(outcome.certificate.number).to.equal(first.number);
  });

  it('when the holder downloads the certificate, then its text holds the holder, number and dates in Arabic and English, and the QR code opens its verification page', async () => {
    const id = await accepted();
    const certificate = await certificateOf(id);
    const page = await holder.get(`/applications/${id}`);
    expect(page.text).to.contain(`/applications/${id}/certificate.pdf`);
    expect(page.text).to.contain(certificate.number);
    const list = await holder.get('/applications');
    expect(list.text).to.contain(`/applications/${id}/certificate.pdf`);

    const res = await download(holder, `/applications/${id}/certificate.pdf`);
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('application/pdf');
    expect(res.body.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = await pdfText(res.body);
    const count = (needle: string) => text.split(needle).length - 1;
    // Each language's section names the holder, the number and the dates.
    expect(count('Fatima Ali Hasan')).to.equal(2);
    expect(count(certificate.number)).to.be.at.least(3);
    expect(text).to.contain('Date of issue').and.to.contain('22 November 2026');
    expect(text).to.contain('Valid until').and.to.contain('22 February 2027');
    expect(text).to.contain('صاحب الشهادة').and.to.contain('رقم الشهادة').and.to.contain('صالحة حتى');
    const arabicDate = (month: string, year: string) =>
      text.split('\n').some((line) => line.includes(month) && line.includes('22') && line.includes(year));
    expect(arabicDate('نوفمبر', '2026'), 'Arabic issue date').to.equal(true);
    expect(arabicDate('فبراير', '2027'), 'Arabic validity date').to.equal(true);
    // The facts certified, in each language; contact details are not among them.
    expect(text).to.contain('Adliya').and.to.contain('Owner').and.to.contain('مالك');
    expect(text).not.to.contain('36001234');
    expect(await qrOf(res.body)).to.equal(`${ctx.config.baseUrl}/verify/${certificate.code}`);
    // Under the QR code, the address to open and the code to type there, each on a line of its own.
    expect(text.split('\n').map((line) => line.trim())).to.include.members([
      `${ctx.config.baseUrl}/verify`,
      'Verification code:',
      printedCode(certificate.code),
    ]);
    // Drawn from the row: the same bytes on every download.
    const second = await download(holder, `/applications/${id}/certificate.pdf`);
    expect(second.body.equals(res.body)).to.equal(true);
  });

  it('when the holder’s name is Arabic, then the PDF text reads it in order, ligatures included', async () => {
    const arabic = agentFor(ctx.app);
    await signUpResident(arabic, {
      name: 'صلاح عبدالله البحراني',
      cpr: '900202345',
      email: 'salah@example.bh',
    });
    const userId = (await ctx.db('users').where({ email: 'salah@example.bh' }).first()).id;
    const id = await accepted(userId);
    const res = await download(arabic, `/applications/${id}/certificate.pdf`);
    expect(res.status).to.equal(200);
    const text = await pdfText(res.body);
    expect(text.split('صلاح عبدالله البحراني').length - 1).to.equal(2);
  });

  it('when another resident or staff of another municipality asks for the certificate, then they get 404; staff of its municipality get it', async () => {
    const id = await accepted();
    const other = agentFor(ctx.app);
    await signUpResident(other, { cpr: '900202345', email: 'other@example.bh' });
    expect((await other.get(`/applications/${id}/certificate.pdf`)).status).to.equal(404);
    const muharraq = await staffAgent(await makeStaff(ctx, 'supervisor', 'muharraq'));
    expect((await muharraq.get(`/backoffice/applications/${id}/certificate.pdf`)).status).to.equal(404);
    const staff = await staffAgent(reviewer);
    const res = await download(staff, `/backoffice/applications/${id}/certificate.pdf`);
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('application/pdf');
    // An application without a certificate has none to download.
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: 'residence-certificate',
      applicantId: holderId,
      municipality: 'capital',
    });
    expect((await holder.get(`/applications/${draft.id}/certificate.pdf`)).status).to.equal(404);
  });

  it('when a certificate is verified, then the page says valid with the service, dates and masked holder, and nothing else personal', async () => {
    const id = await accepted();
    const certificate = await certificateOf(id);
    const result = await ctx.services.certificates.verify(certificate.code);
    expect(result).to.deep.equal({
      status: 'valid',
      number: certificate.number,
      service: {
        slug: 'residence-certificate',
        name: { ar: 'شهادة إثبات السكن', en: 'Residence certificate' },
      },
      municipality: { code: 'capital', name: { ar: 'أمانة العاصمة', en: 'Capital Municipality' } },
      issuedAt: '2026-11-22T08:00:00.000Z',
      validUntil: '2027-02-22T08:00:00.000Z',
      holderMasked: 'F*** A*** H***',
    });
    const res = await agentFor(ctx.app).get(`/verify/${certificate.code}`).set('Cookie', 'lang=en');
    expect(res.status).to.equal(200);
    expect(res.headers['x-robots-tag']).to.contain('noindex');
    expect(res.headers['cache-control']).to.contain('no-store');
    expect(res.text).to.contain('data-status="valid"').and.to.contain('genuine and valid');
    expect(res.text).to.contain(certificate.number).and.to.contain('Residence certificate');
    expect(res.text).to.contain('22 November 2026').and.to.contain('22 February 2027');
    expect(res.text).to.contain('F*** A*** H***');
    for (const personal of [
      'Fatima',
      'Hasan',
      '850101234',
      '36001234',
      'fatima@example.bh',
      'Adliya',
      '4321',
    ]) {
      expect(res.text, personal).not.to.contain(personal);
    }
    const arabic = await agentFor(ctx.app).get(`/verify/${certificate.code}`);
    expect(arabic.text).to.contain('lang="ar"').and.to.contain('هذه الشهادة صحيحة وسارية');
  });

  it('when someone opens the verification page without a code, then they can type the printed code or paste the address, and an empty one gets a translated error', async () => {
    const id = await accepted();
    const { code } = await certificateOf(id);
    const home = await agentFor(ctx.app).get('/').set('Cookie', 'lang=en');
    expect(home.text).to.contain('<a href="/verify">Certificate verification</a>');
    const page = await agentFor(ctx.app).get('/verify').set('Cookie', 'lang=en');
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/<form method="get" action="\/verify"/);
    expect(page.text).to.match(/<label[^>]*for="code">Verification code</);
    expect(page.text).not.to.contain('data-status=');

    const typed = await agentFor(ctx.app).get(`/verify?code=${encodeURIComponent(` ${code} `)}`);
    expect(typed.status).to.equal(303);
    expect(typed.headers.location).to.equal(`/verify/${code}`);
    // As printed, in groups, typed in lower case.
    const fromPaper = await agentFor(ctx.app).get(
      `/verify?code=${encodeURIComponent(printedCode(code).toLowerCase())}`,
    );
    expect(fromPaper.headers.location).to.equal(`/verify/${code}`);
    const pasted = await agentFor(ctx.app).get(
      `/verify?code=${encodeURIComponent(`${ctx.config.baseUrl}/verify/${code}`)}`,
    );
    expect(pasted.headers.location).to.equal(`/verify/${code}`);
    const result = await agentFor(ctx.app).get(`/verify/${code}`).set('Cookie', 'lang=en');
    expect(result.text).to.contain('data-status="valid"').and.to.contain('Check another certificate');

    const empty = await agentFor(ctx.app).get('/verify?code=+').set('Cookie', 'lang=en');
    expect(empty.status).to.equal(400);
    expect(empty.text).to.contain('Enter the verification code printed on the certificate');
    const emptyAr = await agentFor(ctx.app).get('/verify?code=');
    expect(emptyAr.status).to.equal(400);
    expect(emptyAr.text).to.contain('أدخل رمز التحقق المطبوع على الشهادة');
  });

  it('when a code is tampered with, malformed or made up, then verification says unknown', async () => {
    const id = await accepted();
    const { code } = await certificateOf(id);
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    const tampered = [
      code.slice(0, -1) + flip(code.slice(-1)),
      flip(code[0]!) + code.slice(1),
      code.slice(0, 10) + flip(code[10]!) + code.slice(11),
    ];
    for (const bad of [...tampered, code.slice(1), `${code}A`, 'not-a-code', "x' or '1'='1"]) {
      expect(await ctx.services.certificates.verify(bad), bad).to.deep.equal({ status: 'unknown' });
      const res = await agentFor(ctx.app)
        .get(`/verify/${encodeURIComponent(bad)}`)
        .set('Cookie', 'lang=en');
      expect(res.status, bad).to.equal(404);
      expect(res.text).to.contain('data-status="unknown"').and.not.to.contain(id.toString().padStart(8, '0'));
    }
  });

  it('when the validity has passed, then verification says expired', async () => {
    const id = await accepted();
    const { code } = await certificateOf(id);
    ctx.clock.advance(93 * 24 * 60 * 60 * 1000);
    expect((await ctx.services.certificates.verify(code)).status).to.equal('expired');
    const res = await agentFor(ctx.app).get(`/verify/${code}`).set('Cookie', 'lang=en');
    expect(res.text).to.contain('data-status="expired"').and.to.contain('expired on 22 February 2027');
  });

  it('when staff revoke a certificate, then a reason and a supervisor are needed, verification shows it revoked, and the holder is told and can no longer download it', async () => {
    const id = await accepted();
    const { code } = await certificateOf(id);
    const revoke = async (agent: Agent, reason: string) => {
      const page = await agent.get(`/backoffice/applications/${id}`);
      return agent
        .post(`/backoffice/applications/${id}/certificate/revoke`)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), reason });
    };
    // A reviewer may see and download it but not revoke it; no form is offered to them.
    const reviewerAgent = await staffAgent(reviewer);
    expect((await reviewerAgent.get(`/backoffice/applications/${id}`)).text).not.to.contain(
      'certificate/revoke',
    );
    expect((await revoke(reviewerAgent, 'Wrong address')).status).to.equal(403);
    // A supervisor of another municipality does not find it.
    const muharraq = await staffAgent(await makeStaff(ctx, 'supervisor', 'muharraq'));
    expect((await revoke(muharraq, 'Wrong address')).status).to.equal(404);
    expect((await certificateOf(id)).revoked_at).to.equal(null);

    const agent = await staffAgent(supervisor);
    for (const reason of ['', '   ', 'x'.repeat(1001)]) {
      const res = await revoke(agent, reason);
      expect(res.status).to.equal(400);
      expect(res.text).to.contain('id="revoke-reason-error"');
      expect((await certificateOf(id)).revoked_at).to.equal(null);
    }
    const done = await revoke(agent, 'The lease shown was forged.');
    expect(done.status).to.equal(303);
    const revoked = await certificateOf(id);
    expect(revoked.revoked_by).to.equal(supervisor.id);
    expect(revoked.revoke_reason).to.equal('The lease shown was forged.');
    expect(new Date(revoked.revoked_at!).toISOString()).to.equal('2026-11-22T08:00:00.000Z');
    expect((await revoke(agent, 'Again')).status).to.equal(303);
    expect((await certificateOf(id)).revoke_reason).to.equal('The lease shown was forged.');

    const verification = await ctx.services.certificates.verify(code);
    expect(verification).to.include({ status: 'revoked', revokedAt: '2026-11-22T08:00:00.000Z' });
    const page = await agentFor(ctx.app).get(`/verify/${code}`).set('Cookie', 'lang=en');
    expect(page.text).to.contain('data-status="revoked"').and.to.contain('revoked on 22 November 2026');
    expect(page.text).not.to.contain('forged');

    while ((await ctx.services.outbox.runOnce()) > 0);
    const notices = await ctx
      .db('notifications')
      .where({ user_id: holderId, template: 'certificate_revoked' });
    expect(notices).to.have.length(1);
    expect(ctx.mail.some((m) => m.to === 'fatima@example.bh' && m.subject.includes('أُلغيت شهادتك'))).to.equal(
      true,
    );
    const own = await holder.get(`/applications/${id}`);
    expect(own.text).to.contain('The lease shown was forged.');
    expect(own.text).not.to.contain(`/applications/${id}/certificate.pdf`);
    expect((await holder.get(`/applications/${id}/certificate.pdf`)).status).to.equal(404);
    const staffPage = await agent.get(`/backoffice/applications/${id}`);
    expect(staffPage.text).to.contain('The lease shown was forged.').and.not.to.contain('certificate/revoke');
  });

  it('when one address asks to verify too often, then it is refused with 429', async () => {
    await ctx.close();
    ctx = await createTestContext({ limits: { verify: { windowMs: 60_000, limit: 3 } } });
    const agent = agentFor(ctx.app);
    for (let i = 0; i < 3; i++)
      expect((await agent.get('/verify/AAAAAAAAAAAAAAAAAAAAAA')).status).to.equal(404);
    const refused = await agent.get('/verify/AAAAAAAAAAAAAAAAAAAAAA');
    expect(refused.status).to.equal(429);
    expect(ctx.logs.some((l) => l.security === 'rate_limited' && l.limiter === 'verify')).to.equal(true);
  });

  it('when a name is masked, then only the initial of each word is left', () => {
    expect(maskName('Fatima Ali Hasan')).to.equal('F*** A*** H***');
    expect(maskName('  زينب   علي ')).to.equal('ز*** ع***');
    expect(maskName('Ali')).not.to.contain('Ali');
  });
});

describe('Certificate verification codes', () => {
  it('when a code is made, then it is 25 characters a person can read out, printed in groups of five', () => {
    const codes = Array.from({ length: 200 }, newVerificationCode);
    for (const code of codes) expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{25}$/);
    expect(new Set(codes).size).to.equal(200);
    expect(printedCode('7KQ4M9X2AB0000011111ZZZZZ')).to.equal('7KQ4M-9X2AB-00000-11111-ZZZZZ');
  });

  it('when a code is typed, then case, spaces, dashes and look-alike letters do not matter; an earlier code is taken as it is', () => {
    expect(canonicalCode(' 7kq4m-9x2ab-ooooo-iiiii-zzzzz ')).to.equal('7KQ4M9X2AB0000011111ZZZZZ');
    expect(canonicalCode('7KQ4M 9X2AB 00000 LLLLL ZZZZZ')).to.equal('7KQ4M9X2AB0000011111ZZZZZ');
    expect(canonicalCode('3YQtDiPZAeLxOSHz7qnIZg')).to.equal('3YQtDiPZAeLxOSHz7qnIZg');
    for (const bad of ['7KQ4M9X2AB0000011111ZZZZ', '7KQ4M9X2AB0000011111ZZZZZU', "x' or '1'='1", ''])
      expect(canonicalCode(bad), bad).to.equal(null);
  });
});

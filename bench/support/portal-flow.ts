import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { hashPassword } from '../../server/security/passwords.js';
import { formSteps } from '../../workflows/form/form.js';
import type { ServiceDefinition } from '../../workflows/types.js';
import { pageBody } from '../../test/support/answers.js';
import { csrfFrom, expectRedirect, type HttpClient, type UploadFile } from './http-client.js';

/** What the applicant flow scripts need of the portal: residents, sign-in, the apply steps. */

export const BENCH_PASSWORD = 'bench password that is long enough';

export interface Resident {
  id: number;
  cpr: string;
}

/**
 * Inserts `count` residents straight into the database (sign-up over HTTP is rate limited).
 * `tag` (0–99) keeps CPRs and e-mail addresses apart between batches in one database.
 */
export async function createResidents(db: Knex, count: number, tag = 0): Promise<Resident[]> {
  const passwordHash = await hashPassword(BENCH_PASSWORD);
  const now = new Date();
  const residents: Resident[] = [];
  for (let i = 0; i < count; i++) {
    const serial = String(tag * 100_000 + i).padStart(7, '0');
    const cpr = `70${serial}`;
    const [row] = await db('users')
      .insert({
        kind: 'resident',
        cpr,
        name: `Bench Resident ${tag}-${i}`,
        email: `bench-${tag}-${i}@example.bh`,
        mobile: `+9733${serial}`,
        password_hash: passwordHash,
        preferred_lang: 'ar',
        created_at: now,
        updated_at: now,
      })
      .returning<{ id: number }[]>('id');
    residents.push({ id: Number(row!.id), cpr });
  }
  return residents;
}

/** Signs in over HTTP and returns the session's CSRF token for the forms that follow. */
export async function signIn(client: HttpClient, resident: Resident): Promise<string> {
  const page = await client.get('/signin');
  const res = await client.postForm('/signin', {
    _csrf: csrfFrom(page.body),
    identifier: resident.cpr,
    password: BENCH_PASSWORD,
  });
  const landing = expectRedirect(res, 'sign-in');
  return csrfFrom((await client.get(landing)).body);
}

export interface UploadedDocument {
  requirement: string;
  size: number;
  sha256: string;
}

export const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** POST /services/:slug/apply: a new draft; returns its id. */
export async function startDraft(client: HttpClient, slug: string, csrf: string): Promise<number> {
  const location = expectRedirect(
    await client.postForm(`/services/${slug}/apply`, { _csrf: csrf }),
    `apply ${slug}`,
    /^\/applications\/\d+\/form\/0$/,
  );
  return Number(/\/applications\/(\d+)\//.exec(location)![1]);
}

/**
 * POST /services/:slug/apply with the first page's answers, and its files when it has file fields
 * (multipart, as the page's form sends them): the draft is made with them. Returns its id.
 */
export async function saveFirstPage(
  client: HttpClient,
  slug: string,
  csrf: string,
  answers: Record<string, string>,
  next: RegExp,
  files: UploadFile[] = [],
): Promise<number> {
  const fields = { _csrf: csrf, action: 'continue', ...answers };
  const location = expectRedirect(
    files.length > 0
      ? await client.postMultipart(`/services/${slug}/apply`, fields, files)
      : await client.postForm(`/services/${slug}/apply`, fields),
    `first page of ${slug}`,
    next,
  );
  return Number(/\/applications\/(\d+)\//.exec(location)![1]);
}

/** POST /applications/:id/documents: one PDF for one requirement. */
export async function uploadDocument(
  client: HttpClient,
  applicationId: number,
  csrf: string,
  requirement: string,
  pdf: Buffer,
): Promise<UploadedDocument> {
  const res = await client.postMultipart(
    `/applications/${applicationId}/documents`,
    { _csrf: csrf, requirement },
    [{ field: 'files', filename: `${requirement}.pdf`, contentType: 'application/pdf', data: pdf }],
  );
  expectRedirect(res, `upload ${requirement}`, /\/documents/);
  return { requirement, size: pdf.length, sha256: sha256(pdf) };
}

/** POSTs every page of the form with valid answers. */
export async function answerAllPages(
  client: HttpClient,
  definition: ServiceDefinition,
  applicationId: number,
  csrf: string,
): Promise<void> {
  const pages = formSteps(definition).length;
  for (let page = 0; page < pages; page++) {
    const res = await client.postForm(
      `/applications/${applicationId}/form/${page}`,
      pageBody(definition, page, csrf),
    );
    expectRedirect(res, `page ${page}`);
  }
}

/** POST /applications/:id/submit: true on the 303 to the submitted page. */
export async function submit(client: HttpClient, applicationId: number, csrf: string): Promise<void> {
  expectRedirect(
    await client.postForm(`/applications/${applicationId}/submit`, { _csrf: csrf }),
    'submit',
    new RegExp(`^/applications/${applicationId}/submitted$`),
  );
}

const REFERENCE = /\b([A-Z]{1,4}-\d{4}-[2-9A-HJKMNP-Z]{6})\b/;

/** GET /applications/:id/submitted: the reference number the page shows. */
export async function readReference(client: HttpClient, applicationId: number): Promise<string> {
  const res = await client.get(`/applications/${applicationId}/submitted`);
  const m = res.status === 200 ? REFERENCE.exec(res.body) : null;
  if (!m?.[1]) throw new Error(`submitted page: status ${res.status}, no reference shown`);
  return m[1];
}

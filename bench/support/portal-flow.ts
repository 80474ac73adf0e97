import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { hashPassword } from '../../server/security/passwords.js';
import { fieldsOfStep, formSteps } from '../../workflows/form/form.js';
import type { FieldDef, ServiceDefinition } from '../../workflows/types.js';
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

/**
 * Every page of the form as the resident's browser sends it: the first page to
 * `/services/:slug/apply` (it makes the draft), the others to `/applications/:id/form/:page`, each
 * with valid answers and, on a page with file fields, the files of `fileFor` for the required
 * ones, sent with the page as multipart (decision 0012). Returns the draft's id and the files sent.
 */
export async function answerPagesWithFiles(
  client: HttpClient,
  definition: ServiceDefinition,
  csrf: string,
  fileFor: (field: FieldDef) => Buffer,
): Promise<{ applicationId: number; documents: UploadedDocument[] }> {
  const documents: UploadedDocument[] = [];
  let applicationId = 0;
  for (const [page, step] of formSteps(definition).entries()) {
    const path =
      page === 0 ? `/services/${definition.slug}/apply` : `/applications/${applicationId}/form/${page}`;
    const body = new URLSearchParams(pageBody(definition, page, csrf));
    const files: UploadFile[] = [];
    for (const field of fieldsOfStep(definition, step)) {
      if (field.type !== 'file' || field.required === false) continue;
      const data = fileFor(field);
      files.push({ field: field.key, filename: `${field.key}.pdf`, contentType: 'application/pdf', data });
      documents.push({ requirement: field.document, size: data.length, sha256: sha256(data) });
    }
    const res =
      files.length > 0 ? await client.postMultipart(path, body, files) : await client.postForm(path, body);
    const location = expectRedirect(res, `page ${page}`, /^\/applications\/\d+\/(form\/\d+|check)$/);
    applicationId = Number(/\/applications\/(\d+)\//.exec(location)![1]);
  }
  return { applicationId, documents };
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

/**
 * The endpoints of the load benchmark (bench/load.bench.ts) and the people and rows they need: a
 * signed-in resident with a draft, a reviewer per municipality with the submitted applications to
 * decide (each once), a supervisor, a visitor with a tracking reference. `stepRequest` turns a step
 * into the request autocannon sends.
 */
import { createDb } from '../../db/connection.js';
import { Browser } from '../../test/scale/support.js';
import { csrfFrom } from '../../test/support/http.js';
import { pdfOfSize } from '../../test/support/clamav.js';
import { pageBody } from '../../test/support/answers.js';
import { loadRegistry } from '../../server/boot.js';
import { fieldsOfStep, formSteps } from '../../workflows/form/form.js';
import { multipartBody } from './http-client.js';

const PASSWORD = process.env.GENERATED_PASSWORD ?? 'Generated-Portal-2026';
const ONLY = process.env.ENDPOINTS?.split(',');
const SLUG = 'residence-certificate';
/** The residence certificate's page with its file fields. */
const FILES_PAGE = 2;
const PDF = pdfOfSize(100 * 1024);
const MUNICIPALITIES = ['capital', 'muharraq', 'northern', 'southern'];

export interface Step {
  method: 'GET' | 'POST';
  path: string | ((i: number, context: Record<string, string>) => string);
  body?: Buffer | string;
  contentType?: string;
  cookie: string;
  /** Reads the draft id from the answer's Location into the context. */
  keepDraft?: boolean;
}

export interface Endpoint {
  name: string;
  steps: Step[];
  /**
   * Requests to send instead of loading for DURATION seconds: for decisions, one per submitted
   * application (a second START_REVIEW on the same one is refused, so more would measure refusals).
   */
  amount?: number;
}

export interface Fixtures {
  endpoints: Endpoint[];
  /** The applications the decisions have taken so far, the portal's and the floor's. */
  decided: () => { portal: number[]; floor: number[] };
}

async function signedIn(base: URL, email: string): Promise<{ browser: Browser; csrf: string }> {
  const browser = new Browser();
  const res = await browser.signIn(base, email, PASSWORD);
  if (res.status !== 303) throw new Error(`sign-in of ${email}: ${res.status}`);
  const account = await browser.get(base, '/account');
  return { browser, csrf: csrfFrom(account.text) };
}

/** Signs people in and finds the rows the endpoints need. */
export async function fixtures(base: URL, databaseUrl: string): Promise<Fixtures> {
  const db = createDb(databaseUrl);
  try {
    const resident = (await db('users')
      .where({ kind: 'resident' })
      .whereNotNull('password_hash')
      .orderBy('id')
      .first<{ email: string } | undefined>('email'))!;
    const tracked = (await db('applications as a')
      .join('users as u', 'u.id', 'a.applicant_id')
      .whereNotNull('a.reference')
      .whereNotNull('u.cpr')
      .orderBy('a.id', 'desc')
      .first<{ reference: string; cpr: string } | undefined>('a.reference', 'u.cpr'))!;
    const submitted: Record<string, number[]> = {};
    for (const m of MUNICIPALITIES) {
      const rows = await db('applications')
        .where({ state: 'submitted', municipality: m })
        .orderBy('id')
        .select<{ id: number }[]>('id');
      submitted[m] = rows.map((r) => Number(r.id));
    }
    const applicant = await signedIn(base, resident.email);
    const supervisor = await signedIn(base, 'supervisor1.capital@staff.example.bh');
    const reviewers = await Promise.all(
      MUNICIPALITIES.map((m) => signedIn(base, `reviewer1.${m}@staff.example.bh`)),
    );
    const visitor = new Browser();
    const trackCsrf = csrfFrom((await visitor.get(base, '/track')).text);
    const draft = await applicant.browser.post(base, `/services/${SLUG}/apply`, { _csrf: applicant.csrf });
    const draftPath = draft.location!.replace(/\/form\/0$/, '');
    const definition = (await loadRegistry()).latest(SLUG)!;
    const firstPage = pageBody(definition, 0, applicant.csrf);
    // The files page as its form sends it: a 100 KB PDF for each required file field.
    const upload = multipartBody(
      { _csrf: applicant.csrf, action: 'continue' },
      fieldsOfStep(definition, formSteps(definition)[FILES_PAGE]!)
        .filter((f) => f.type === 'file' && f.required !== false)
        .map((f) => ({ field: f.key, filename: `${f.key}.pdf`, contentType: 'application/pdf', data: PDF })),
    );
    // Decisions: each request takes the next submitted application, municipality by municipality.
    // The floor replays the portal's writes on applications of its own (decision 0016): every
    // other one, so both sides get the same mix of municipalities, services and versions.
    const all = MUNICIPALITIES.flatMap((m, k) => submitted[m]!.map((id) => ({ id, k })));
    all.sort((a, b) => a.id - b.id);
    const queue = all.filter((_, i) => i % 2 === 0);
    const floorQueue = all.filter((_, i) => i % 2 === 1);
    let decided = 0;
    let floorDecided = 0;
    const nextDecision = () => queue[decided++ % Math.max(1, queue.length)];
    const nextFloorDecision = () => floorQueue[floorDecided++ % Math.max(1, floorQueue.length)];
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const urlencoded = 'application/x-www-form-urlencoded';
    console.log(
      `  fixtures: resident ${resident.email}, ${all.length} submitted applications to decide (${queue.length} by the portal, ${floorQueue.length} by the floor), tracking ${tracked.reference}`,
    );
    const endpoints: Endpoint[] = [
      { name: 'catalogue', steps: [{ method: 'GET', path: '/services', cookie: '' }] },
      { name: 'guide', steps: [{ method: 'GET', path: `/services/${SLUG}`, cookie: '' }] },
      {
        name: 'form page',
        steps: [{ method: 'GET', path: `${draftPath}/form/0`, cookie: applicant.browser.cookieHeader() }],
      },
      {
        name: 'submit with file',
        steps: [
          {
            method: 'POST',
            path: `/services/${SLUG}/apply`,
            body: firstPage,
            contentType: urlencoded,
            cookie: applicant.browser.cookieHeader(),
            keepDraft: true,
          },
          {
            method: 'POST',
            path: (_i, context) => `/applications/${context.draft}/form/${FILES_PAGE}`,
            body: upload.body,
            contentType: upload.contentType,
            cookie: applicant.browser.cookieHeader(),
          },
        ],
      },
      {
        name: 'queue',
        steps: [{ method: 'GET', path: '/backoffice', cookie: reviewers[0]!.browser.cookieHeader() }],
      },
      {
        name: 'decision',
        // Each application once: the recording takes the portal's first, the runs the rest.
        amount: Math.max(1, Math.min(queue.length - 1, floorQueue.length)),
        steps: [
          {
            method: 'POST',
            path: (_i, context) => {
              // The floor's requests take the floor's applications; the path's id is its argument.
              const next = context.floor ? nextFloorDecision() : nextDecision();
              context.k = String(next?.k ?? 0);
              return `/backoffice/applications/${next?.id ?? 0}/events/START_REVIEW`;
            },
            // Body and cookie are chosen per request by the reviewer of that municipality.
            body: '',
            contentType: urlencoded,
            cookie: '',
          },
        ],
      },
      {
        name: 'dashboard',
        steps: [{ method: 'GET', path: '/reports', cookie: supervisor.browser.cookieHeader() }],
      },
      {
        name: 'tracking',
        steps: [
          {
            method: 'POST',
            path: '/track',
            body: form({ _csrf: trackCsrf, reference: tracked.reference, identifier: tracked.cpr }),
            contentType: urlencoded,
            cookie: visitor.cookieHeader(),
          },
        ],
      },
    ];
    decisionSessions = reviewers.map((r) => ({
      cookie: r.browser.cookieHeader(),
      body: form({ _csrf: r.csrf }),
    }));
    const taken = (list: { id: number }[], n: number) =>
      list.slice(0, Math.min(n, list.length)).map((a) => a.id);
    return {
      endpoints: ONLY ? endpoints.filter((e) => ONLY.includes(e.name)) : endpoints,
      decided: () => ({ portal: taken(queue, decided), floor: taken(floorQueue, floorDecided) }),
    };
  } finally {
    await db.destroy();
  }
}

let decisionSessions: { cookie: string; body: string }[] = [];

export function stepRequest(
  step: Step,
  context: Record<string, string>,
): {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
} {
  const p = typeof step.path === 'function' ? step.path(0, context) : step.path;
  const headers: Record<string, string> = { accept: 'text/html' };
  let body = step.body;
  let cookie = step.cookie;
  if (context.k !== undefined && p.includes('/events/')) {
    const session = decisionSessions[Number(context.k)]!;
    cookie = session.cookie;
    body = session.body;
  }
  if (cookie) headers.cookie = cookie;
  if (body !== undefined) headers['content-type'] = step.contentType ?? 'application/x-www-form-urlencoded';
  return { method: step.method, path: p, headers, body };
}

import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';

export type Agent = ReturnType<typeof request.agent>;

/** Reads the CSRF token out of a page's form, as a browser would submit it. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token on the page');
  return m[1];
}

export async function tokenFor(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path);
  return csrfFrom(res.text);
}

export function agentFor(app: Express): Agent {
  return request.agent(app);
}

export function cookieValue(setCookie: string[] | string | undefined, name: string): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of list) {
    const [pair] = c.split(';');
    const [k, v] = (pair ?? '').split('=');
    if (k === name) return v;
  }
  return undefined;
}

export const VALID_PASSWORD = 'correct horse battery staple';

export async function signUpResident(
  agent: Agent,
  overrides: Record<string, string> = {},
): Promise<request.Response> {
  const token = await tokenFor(agent, '/signup/resident');
  return agent
    .post('/signup/resident')
    .type('form')
    .send({
      _csrf: token,
      name: 'Fatima Ali Hasan',
      cpr: '850101234',
      email: 'fatima@example.bh',
      mobile: '36001234',
      password: VALID_PASSWORD,
      passwordConfirm: VALID_PASSWORD,
      ...overrides,
    });
}

export async function signIn(agent: Agent, identifier: string, password: string): Promise<request.Response> {
  const token = await tokenFor(agent, '/signin');
  return agent.post('/signin').type('form').send({ _csrf: token, identifier, password });
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/** The hidden fields of a page's form, as a browser would send them back (values unescaped). */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!.replace(/&(?:(amp|lt|gt|quot)|#(\d+));/g, (_, name?: string, code?: string) =>
      name ? HTML_ENTITIES[name]! : String.fromCharCode(Number(code)),
    );
  }
  return fields;
}

/**
 * A member of staff takes a workflow action from the application page as a person does: the
 * action's form, then, for a decision, "yes" on the confirmation page that follows.
 */
/** One POST of an action's form from the back office's application page, as the browser sends it. */
export async function postAction(
  agent: Agent,
  id: number,
  event: string,
  fields: Record<string, string> = {},
): Promise<request.Response> {
  const page = await agent.get(`/backoffice/applications/${id}`);
  const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
  return agent
    .post(`/backoffice/applications/${id}/events/${event}`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), version, ...fields });
}

export async function takeAction(
  agent: Agent,
  id: number,
  event: string,
  fields: Record<string, string> = {},
): Promise<request.Response> {
  const first = await postAction(agent, id, event, fields);
  if (first.status !== 200 || !first.text.includes('name="confirmed" value="yes"')) return first;
  return agent
    .post(`/backoffice/applications/${id}/events/${event}`)
    .type('form')
    .send({ ...hiddenFields(first.text), confirmed: 'yes' });
}

/** A person signed in through the sign-in form (password VALID_PASSWORD). */
export async function signedIn(app: Express, person: { email: string }): Promise<Agent> {
  const agent = agentFor(app);
  const res = await signIn(agent, person.email, VALID_PASSWORD);
  expect(res.status).to.equal(303);
  return agent;
}

/** "Start" on a service's guide: the draft made by an empty first page. Returns its id. */
export async function startApplication(agent: Agent, slug: string): Promise<number> {
  const token = await tokenFor(agent, `/services/${slug}`);
  const res = await agent.post(`/services/${slug}/apply`).type('form').send({ _csrf: token });
  expect(res.status, slug).to.equal(303);
  return Number(/\/applications\/(\d+)\/form\/0/.exec(res.headers.location as string)?.[1]);
}

/** Files for one document requirement through the application's documents page. */
export async function uploadDocuments(
  agent: Agent,
  id: number,
  requirement: string,
  files: { name: string; buffer: Buffer }[],
): Promise<request.Response> {
  const token = await tokenFor(agent, `/applications/${id}/documents`);
  let req = agent
    .post(`/applications/${id}/documents`)
    .field('_csrf', token)
    .field('requirement', requirement);
  for (const f of files) req = req.attach('files', f.buffer, f.name);
  return req;
}

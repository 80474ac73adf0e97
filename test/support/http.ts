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

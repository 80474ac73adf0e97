import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { TestContext } from '../support/context.js';
import { csrfFrom, signedIn as signedInTo, VALID_PASSWORD, type Agent } from '../support/http.js';
import type { Person } from '../support/people.js';

export const signedIn = (ctx: TestContext, person: Person): Promise<Agent> => signedInTo(ctx.app, person);

/** A national administrator (no municipality). */
export async function nationalAdmin(ctx: TestContext): Promise<Person> {
  const email = `national-admin-${Date.now()}-${Math.random().toString(36).slice(2)}@gov.bh`;
  const id = await ctx.services.accounts.createStaff({
    name: 'National Admin',
    email,
    password: VALID_PASSWORD,
    role: 'admin',
    municipality: null,
    department: null,
  });
  return { id, role: 'admin', email };
}

/** Issues a token through the admin page, as an administrator would, and reads it off the page once. */
export async function issueToken(
  admin: Agent,
  fields: { name?: string; scopes: string[]; services?: string[]; lifetime?: string },
): Promise<string> {
  const page = await admin.get('/admin/api');
  expect(page.status).to.equal(200);
  const body = new URLSearchParams({ _csrf: csrfFrom(page.text), name: fields.name ?? 'Partner system' });
  for (const s of fields.scopes) body.append('scopes', s);
  body.append('allServices', fields.services ? 'no' : 'yes');
  for (const s of fields.services ?? []) body.append('services', s);
  body.append('lifetime', fields.lifetime ?? '30');
  const res = await admin.post('/admin/api/tokens').type('form').send(body.toString());
  expect(res.status).to.equal(200);
  const token = /id="new-token">([^<]+)</.exec(res.text)?.[1];
  expect(token, 'the token is on the page').to.match(/^mep_/);
  return token!;
}

export { submitted } from '../support/applications.js';

/** Takes a back-office action from the application page, as a reviewer does (decisions confirmed). */
export { takeAction as act } from '../support/http.js';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/** A small HTTP server on a free local port, for a partner's receiver or another agency's registry. */
export async function localServer(
  handle: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void,
): Promise<LocalServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

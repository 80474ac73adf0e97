import http from 'node:http';
import { randomBytes } from 'node:crypto';

/**
 * A small cookie-keeping HTTP/1.1 client for load scripts: keep-alive sockets, no redirects
 * followed, bodies read whole. Lighter than fetch, so the load generator takes less of the
 * machine's two cores from the server it measures.
 */

export interface HttpResponse {
  status: number;
  location: string | undefined;
  body: string;
}

export interface UploadFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export type FormFields = Record<string, string> | URLSearchParams | string;

export class HttpClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly baseUrl: URL,
    private readonly agent: http.Agent,
  ) {}

  get(path: string): Promise<HttpResponse> {
    return this.send('GET', path);
  }

  /** POST application/x-www-form-urlencoded. */
  postForm(path: string, fields: FormFields): Promise<HttpResponse> {
    const body =
      typeof fields === 'string'
        ? fields
        : (fields instanceof URLSearchParams ? fields : new URLSearchParams(fields)).toString();
    return this.send('POST', path, Buffer.from(body, 'utf8'), 'application/x-www-form-urlencoded');
  }

  /** POST multipart/form-data with text fields (repeated keys from URLSearchParams) and files. */
  postMultipart(
    path: string,
    fields: Record<string, string> | URLSearchParams,
    files: UploadFile[],
  ): Promise<HttpResponse> {
    const { body, contentType } = multipartBody(fields, files);
    return this.send('POST', path, body, contentType);
  }

  private send(method: string, path: string, body?: Buffer, contentType?: string): Promise<HttpResponse> {
    const headers: http.OutgoingHttpHeaders = { accept: 'text/html' };
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (body) {
      headers['content-type'] = contentType;
      headers['content-length'] = body.length;
    }
    return new Promise<HttpResponse>((resolve, reject) => {
      const req = http.request(
        {
          protocol: this.baseUrl.protocol,
          hostname: this.baseUrl.hostname,
          port: this.baseUrl.port,
          method,
          path,
          headers,
          agent: this.agent,
        },
        (res) => {
          this.keepCookies(res.headers['set-cookie']);
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              location: res.headers.location,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  private keepCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const pair = line.split(';')[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // An expired or emptied cookie (sign-out, clearCookie) is dropped.
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/** A keep-alive agent for `sockets` concurrent clients. */
/** A multipart/form-data body: the text fields (repeated keys from URLSearchParams), then the files. */
export function multipartBody(
  fields: Record<string, string> | URLSearchParams,
  files: UploadFile[],
): { body: Buffer; contentType: string } {
  const boundary = `----bench${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  const entries = fields instanceof URLSearchParams ? [...fields] : Object.entries(fields);
  for (const [name, value] of entries) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/** Reads the CSRF token out of a page's form. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no CSRF token on the page');
  return m[1];
}

/** Throws with the method, path and status when a response is not the expected redirect. */
export function expectRedirect(res: HttpResponse, what: string, pattern?: RegExp): string {
  if (res.status !== 303 || !res.location || (pattern && !pattern.test(res.location))) {
    const excerpt = res.body.replace(/\s+/g, ' ').slice(0, 300);
    throw new Error(
      `${what}: expected 303${pattern ? ` to ${String(pattern)}` : ''}, got ${res.status} ${res.location ?? ''} ${excerpt}`,
    );
  }
  return res.location;
}

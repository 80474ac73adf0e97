import type { Request, RequestHandler, Response } from 'express';

/**
 * Public pages as a visitor without a session sees them (home, catalogue, a service's guide), kept
 * in this process's memory for a few seconds, so a burst of visitors on a deadline day costs one
 * rendering per page and language rather than one per visitor (docs/decisions/0009).
 *
 * What makes this safe:
 * - Only GET requests that carry no session cookie are looked up or stored, so nothing a signed-in
 *   person (or anyone with a CSRF session) sees is ever cached or served from the cache.
 * - A page is stored only if it was a 200 HTML answer that set no cookie: a page that made a session
 *   (a form with a CSRF token, a flash message) is never kept.
 * - The key is the page's language, its whole URL and the generation of the service settings: when an
 *   administrator changes a service, or this process reads the settings again, older pages are
 *   no longer found.
 * - Entries expire after `ttlMs`, and there are at most `maxEntries` (the oldest go first), so search
 *   queries cannot grow it without bound.
 */
export interface PublicPageCacheOptions {
  /** Cookies (the session's, the flash message's) whose presence means the page is not the same for everyone. */
  bypassCookies: string[];
  /** Changes whenever what the pages show may have changed (the settings' generation). */
  generation: () => number;
  ttlMs?: number;
  maxEntries?: number;
  /** Milliseconds now (tests pass their own clock). */
  now?: () => number;
  /** The paths whose GET answers may be cached (matched against the path without the query). */
  cacheable: (path: string) => boolean;
}

interface Entry {
  body: string;
  contentType: string;
  storedAt: number;
}

export interface PublicPageCache {
  middleware: RequestHandler;
  /** Hits and stores since start: for tests and the benchmark. */
  stats: () => { hits: number; stores: number; size: number };
  clear: () => void;
}

export function publicPageCache(options: PublicPageCacheOptions): PublicPageCache {
  const ttlMs = options.ttlMs ?? 5000;
  const clock = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 500;
  const entries = new Map<string, Entry>();
  let hits = 0;
  let stores = 0;

  const keyOf = (req: Request, res: Response) =>
    `${String(res.locals.lang)}|${options.generation()}|${req.originalUrl}`;

  const middleware: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' || !options.cacheable(req.path)) return next();
    const cookies = req.cookies as Record<string, unknown> | undefined;
    if (options.bypassCookies.some((name) => cookies?.[name] !== undefined)) return next();

    const key = keyOf(req, res);
    const now = clock();
    const found = entries.get(key);
    if (found && now - found.storedAt < ttlMs) {
      hits++;
      res.type(found.contentType).send(found.body);
      return;
    }
    if (found) entries.delete(key);

    let body: string | undefined;
    const send = res.send.bind(res);
    res.send = (value?: unknown) => {
      if (typeof value === 'string') body = value;
      return send(value);
    };
    res.on('finish', () => {
      const contentType = res.getHeader('content-type');
      if (
        body === undefined ||
        res.statusCode !== 200 ||
        res.getHeader('set-cookie') !== undefined ||
        typeof contentType !== 'string' ||
        !contentType.startsWith('text/html')
      ) {
        return;
      }
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, { body, contentType, storedAt: now });
      stores++;
    });
    next();
  };

  return {
    middleware,
    stats: () => ({ hits, stores, size: entries.size }),
    clear: () => entries.clear(),
  };
}

import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';

/**
 * Gives each request an id (res.locals.requestId, also in error logs) and, when it is answered,
 * writes one line: `{"req":{"id","method","path"},"res":{"status"},"responseTime"}`. The path
 * only: no query string, headers or cookies, which may carry personal data. Static files are
 * not logged. 5xx answers are logged as errors, the rest as info; nothing is built when the level
 * is off (pino-http made a child logger per request even then; such layers are most of a
 * request's cost).
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = randomUUID();
    res.locals.requestId = id;
    if (req.url.startsWith('/static/') || !logger.isLevelEnabled('error')) return next();
    const started = performance.now();
    res.on('finish', () => {
      const status = res.statusCode;
      const level = status >= 500 ? 'error' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: { id, method: req.method, path: req.originalUrl.split('?')[0] },
          res: { status },
          responseTime: Math.round(performance.now() - started),
        },
        'request completed',
      );
    });
    next();
  };
}

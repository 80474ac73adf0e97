import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import { securityEvent } from '../logger.js';

/** An error with a status a person should see (404, 409, …); its message is never shown. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message = `HTTP ${status}`,
  ) {
    super(message);
  }
}

/** An API error with a stable code and a message for the partner's developers (English). */
export class ApiError extends HttpError {
  constructor(
    status: number,
    readonly code: string,
    message: string,
  ) {
    super(status, message);
  }
}

const SHOWN_STATUSES = new Set([400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503]);

export const notFound: RequestHandler = (_req, _res, next) => {
  next(new HttpError(404, 'no route'));
};

interface ErrorLike {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
}

function statusOf(err: unknown): number {
  const e = err as ErrorLike;
  const status = e.status ?? e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 600) {
    return SHOWN_STATUSES.has(status) ? status : status < 500 ? 400 : 500;
  }
  return 500;
}

/**
 * The one error handler: a friendly, translated page (or JSON for the API) with the request id,
 * never a stack or an internal message, in every mode.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = statusOf(err);
    const e = err as ErrorLike;
    if (e.code === 'EBADCSRFTOKEN' || (status === 403 && /csrf/i.test(String((err as Error).message)))) {
      securityEvent(logger, 'csrf_failure', {
        path: req.path,
        method: req.method,
        ip: req.ip,
        requestId: res.locals.requestId,
      });
    } else if (status >= 500) {
      logger.error({ err, requestId: res.locals.requestId, path: req.path }, 'request failed');
    } else if (status === 403) {
      securityEvent(logger, 'access_denied', {
        path: req.path,
        method: req.method,
        ip: req.ip,
        userId: res.locals.user?.id ?? null,
      });
    }
    if (res.headersSent) return;
    res.status(status);
    if (req.path.startsWith('/api/')) {
      const api = err instanceof ApiError ? err : null;
      res.json({
        error: {
          status,
          code: api?.code ?? `http_${status}`,
          ...(api ? { message: api.message } : {}),
          requestId: res.locals.requestId,
        },
      });
      return;
    }
    if (!res.locals.t) {
      res.type('text/plain').send(`Error ${status}`);
      return;
    }
    res.render('error', { status, title: res.locals.t(`errors.http.${status}.title`) }, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr }, 'error page failed to render');
        res.type('text/plain').send(`Error ${status}`);
        return;
      }
      res.send(html);
    });
  };
}

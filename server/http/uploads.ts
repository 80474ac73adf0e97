import { pipeline } from 'node:stream/promises';
import fs from 'node:fs/promises';
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { HttpError } from './errors.js';
import { isMultipart } from './security.js';
import type { DownloadableDocument, IncomingFile } from '../services/documents.js';

/**
 * Multipart uploads. Bodies are parsed into memory (never onto disk under a client-chosen name)
 * within hard ceilings, and only then, once the `_csrf` field can be read, is the CSRF token
 * checked (`csrfProtection().afterUpload`). Per-requirement limits (size, count, type, malware)
 * are the documents service's job; these ceilings only stop abuse before it reaches memory.
 *
 * A route that takes uploads also calls `registerUploadPath(/^…$/)` for its path, so the global
 * CSRF check lets its multipart body through to this parser.
 */

export interface UploadLimits {
  /** Per file. Keep at or above the largest `maxSizeMb` of the requirements the route serves. */
  fileSizeBytes: number;
  /** Files per request. */
  files: number;
  /** Non-file fields per request. */
  fields: number;
  /** Bytes per non-file field. */
  fieldSizeBytes: number;
}

const MB = 1024 * 1024;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  fileSizeBytes: 25 * MB,
  files: 20,
  fields: 50,
  fieldSizeBytes: 100 * 1024,
};

/** Multer limit codes that mean "the request is too big" (413); other codes are a bad request (400). */
const TOO_LARGE_CODES = new Set([
  'LIMIT_PART_COUNT',
  'LIMIT_FILE_SIZE',
  'LIMIT_FILE_COUNT',
  'LIMIT_FIELD_KEY',
  'LIMIT_FIELD_VALUE',
  'LIMIT_FIELD_COUNT',
]);

/** A multer or busboy error as the status a person should see; its message is never shown. */
export function uploadError(err: unknown): Error {
  if (err instanceof HttpError) return err;
  if (err instanceof multer.MulterError) {
    return Object.assign(new HttpError(TOO_LARGE_CODES.has(err.code) ? 413 : 400, `upload: ${err.code}`), {
      code: err.code,
    });
  }
  // Malformed multipart (missing boundary, unexpected end of form, aborted request …).
  return Object.assign(new HttpError(400, 'upload: malformed multipart body'), { cause: err });
}

/**
 * Returns `parseUpload(...fieldNames)`: a middleware that parses a multipart body with files in
 * the named fields, maps multer's limit errors to 413, then runs the CSRF check.
 *
 * In server/app.ts: `const { parseUpload } = createUploadParser(csrf.afterUpload);`
 */
export function createUploadParser(afterUpload: RequestHandler, limits: Partial<UploadLimits> = {}) {
  const l = { ...DEFAULT_UPLOAD_LIMITS, ...limits };
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: {
      fileSize: l.fileSizeBytes,
      files: l.files,
      fields: l.fields,
      fieldSize: l.fieldSizeBytes,
      fieldNameSize: 100,
      parts: l.files + l.fields,
    },
    // Browsers send UTF-8 file names (Arabic ones included) without an explicit charset.
    defParamCharset: 'utf8',
  });

  function parseUpload(...fieldNames: string[]): RequestHandler {
    if (fieldNames.length === 0) throw new Error('parseUpload needs at least one file field name');
    const parse = upload.fields(fieldNames.map((name) => ({ name, maxCount: l.files })));
    return (req, res, next) => {
      void parse(req, res, (err?: unknown) => {
        if (err) {
          next(uploadError(err));
          return;
        }
        void afterUpload(req, res, next);
      });
    };
  }

  /**
   * For a form page whose form may carry files (`enctype="multipart/form-data"`): files in any
   * field, which the route matches against the page's file fields. A body that is not multipart
   * passes untouched (its CSRF token was checked with every other form).
   */
  const parseAny = upload.any();
  const parsePageUpload: RequestHandler = (req, res, next) => {
    // The same test as the CSRF check's, so a multipart body skipped there is always checked here.
    if (!isMultipart(req.get('content-type'))) return next();
    void parseAny(req, res, (err?: unknown) => {
      if (err) {
        next(uploadError(err));
        return;
      }
      void afterUpload(req, res, next);
    });
  };

  return { parseUpload, parsePageUpload, limits: l };
}

/** The files parsed for one field, in the shape the documents service takes. */
export function uploadedFiles(req: Request, field: string): IncomingFile[] {
  const files = req.files;
  if (!files) return [];
  const list = Array.isArray(files) ? files.filter((f) => f.fieldname === field) : (files[field] ?? []);
  return list.map((f) => ({ originalName: f.originalname, buffer: f.buffer }));
}

/** RFC 8187 value-chars: everything but unreserved characters percent-encoded as UTF-8. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** A plain-ASCII stand-in for clients that ignore `filename*`. */
function asciiFallback(value: string): string {
  const ascii = value.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return ascii.trim() || 'document';
}

export function contentDisposition(originalName: string): string {
  return `attachment; filename="${asciiFallback(originalName)}"; filename*=UTF-8''${encodeRfc8187(originalName)}`;
}

/**
 * Streams a stored document as a download: always `attachment`, with the type detected at upload,
 * nosniff, no caching and a sandboxing CSP, so a browser never renders it inside the portal.
 * A file missing from disk is a 404.
 */
export async function sendDocument(
  res: Response,
  doc: DownloadableDocument,
  options: { inline?: boolean } = {},
): Promise<void> {
  let handle;
  try {
    handle = await fs.open(doc.path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new HttpError(404, 'document file missing');
    throw err;
  }
  try {
    const { size } = await handle.stat();
    res.status(200);
    res.setHeader('Content-Type', doc.mediaType);
    res.setHeader('Content-Length', String(size));
    // Staff preview PDFs and images in the browser (inline); everything else is a download.
    res.setHeader(
      'Content-Disposition',
      options.inline
        ? contentDisposition(doc.originalName).replace(/^attachment/, 'inline')
        : contentDisposition(doc.originalName),
    );
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, no-store');
    // Images may be shown in the portal's own pages; nothing in a document may run or be framed elsewhere.
    res.setHeader(
      'Content-Security-Policy',
      options.inline ? "default-src 'none'; frame-ancestors 'self'" : "default-src 'none'; sandbox",
    );
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    await pipeline(handle.createReadStream({ autoClose: false }), res);
  } finally {
    await handle.close();
  }
}

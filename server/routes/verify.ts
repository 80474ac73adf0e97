import { Router, type RequestHandler, type Response } from 'express';
import type { Services } from '../services/index.js';
import { canonicalCode } from '../services/certificate-code.js';

/**
 * Certificate verification, what the QR code on a certificate opens: valid, revoked, expired or
 * unknown, with the service, dates and the holder's initials, and nothing else about the holder.
 * Public, rate limited per address (a code has 128 random bits, but nobody needs to try many),
 * never cached (a revocation shows at once) and kept out of search engines.
 */
export function verifyRoutes(services: Services, limiter: RequestHandler): Router {
  const router = Router();

  // Where a code printed on a certificate is typed (or its whole address pasted).
  router.get('/verify', (req, res) => {
    const typed = typeof req.query.code === 'string' ? req.query.code.trim() : undefined;
    const last = typed?.split('/').pop()?.trim();
    // Typed from paper: "7kq4m-9x2ab-…" opens the same page as the QR code's address.
    if (last) return res.redirect(303, `/verify/${encodeURIComponent(canonicalCode(last) ?? last)}`);
    res.set('X-Robots-Tag', 'noindex, nofollow');
    res.status(typed === undefined ? 200 : 400).render('certificates/verify', {
      title: `${typed === undefined ? '' : res.locals.t('errors.titlePrefix')}${res.locals.t('certificates.verify.title')}`,
      verification: null,
      errors:
        typed === undefined
          ? []
          : [{ field: 'code', href: '#code', text: res.locals.t('certificates.verify.codeRequired') }],
    });
  });

  router.get('/verify/:code', limiter, async (req, res) => {
    const verification = await services.certificates.verify(String(req.params.code));
    res.set('X-Robots-Tag', 'noindex, nofollow');
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    res.status(verification.status === 'unknown' ? 404 : 200).render('certificates/verify', {
      title: res.locals.t('certificates.verify.title'),
      verification,
      errors: [],
    });
  });

  return router;
}

/** A certificate download: an attachment, never cached by a shared cache. */
export function sendPdf(res: Response, pdf: Buffer, fileName: string): void {
  res.set('Content-Type', 'application/pdf');
  res.set('Content-Disposition', `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.set('Cache-Control', 'private, no-store');
  res.set('X-Content-Type-Options', 'nosniff');
  res.send(pdf);
}

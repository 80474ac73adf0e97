import { Router, type RequestHandler, type Response } from 'express';
import type { Services } from '../services/index.js';

/**
 * Certificate verification, what the QR code on a certificate opens: valid, revoked, expired or
 * unknown, with the service, dates and the holder's initials, and nothing else about the holder.
 * Public, rate limited per address (a code has 128 random bits, but nobody needs to try many),
 * never cached (a revocation shows at once) and kept out of search engines.
 */
export function verifyRoutes(services: Services, limiter: RequestHandler): Router {
  const router = Router();

  router.get('/verify/:code', limiter, async (req, res) => {
    const verification = await services.certificates.verify(String(req.params.code));
    res.set('X-Robots-Tag', 'noindex, nofollow');
    res.set('Cache-Control', 'no-store');
    res.set('Referrer-Policy', 'no-referrer');
    res.status(verification.status === 'unknown' ? 404 : 200).render('certificates/verify', {
      title: res.locals.t('certificates.verify.title'),
      verification,
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

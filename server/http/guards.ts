import type { RequestHandler } from 'express';
import type { StaffRole } from '../../workflows/municipalities.js';
import { HttpError } from './errors.js';
import { addFlash } from './session.js';

/** Anonymous visitors are sent to sign in and brought back afterwards. */
export const requireSignIn: RequestHandler = (req, res, next) => {
  if (res.locals.user) return next();
  if (req.method === 'GET') {
    addFlash(req, 'info', 'signin.signInRequired');
    return res.redirect(303, `/signin?next=${encodeURIComponent(req.originalUrl)}`);
  }
  next(new HttpError(401, 'sign-in required'));
};

/** Only staff (optionally of the given roles); residents and investors get 403. */
export function requireStaff(...roles: StaffRole[]): RequestHandler {
  return (req, res, next) => {
    const user = res.locals.user;
    if (!user) return requireSignIn(req, res, next);
    if (user.kind !== 'staff' || (roles.length > 0 && !roles.includes(user.role as StaffRole))) {
      return next(new HttpError(403, 'staff only'));
    }
    next();
  };
}

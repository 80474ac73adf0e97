import type { UserRow } from '../../db/repositories/users.js';
import type { Lang, Translate } from '../i18n.js';
import type { answerFormatter, dateFormatter } from './formatting.js';
import type { LazyLocals } from './render.js';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the person signed in (ms); the session ends 12 hours later whatever happens. */
    signedInAt?: number;
  }
}

declare module 'express-serve-static-core' {
  interface Locals {
    lang: Lang;
    dir: 'rtl' | 'ltr';
    t: Translate;
    user: UserRow | null;
    csrf: () => string;
    requestId: string;
    currentPath: string;
    pick: (value: { ar: string; en: string }) => string;
    takeFlash: () => { kind: string; key: string }[];
    formatDate: ReturnType<typeof dateFormatter>;
    formatMoney: (amount: number) => string;
    formatAnswer: ReturnType<typeof answerFormatter>;
    displayMobile: (value: string | null | undefined) => string;
    localMobile: (value: string | null | undefined) => string;
    partsOfDate: (value: unknown) => { day: string; month: string; year: string };
    unread: number;
    /** Values the layout fetches only when it renders (server/http/render.ts). */
    lazy?: LazyLocals;
  }
}

export {};

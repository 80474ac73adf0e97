/**
 * The back office's browser journeys (backoffice-journey.test.ts, backoffice-uphold.test.ts) share
 * their people, a submitted application, signing in, and the checks every page must pass.
 */
import { expect } from 'chai';
import type { BrowserContext as PlaywrightContext, Locator, Page } from 'playwright-core';
import {
  expectNoAxeViolations,
  screenshot,
  startBrowserSession,
  useLanguage,
  watchConsoleErrors,
  type BrowserContext,
} from '../../support/browser.js';
import { requireClamd } from '../../support/clamav.js';
import { VALID_PASSWORD } from '../../support/http.js';
import { completedThroughServices } from '../../support/applications.js';
import { EVENT_LABELS } from '../../../workflows/standard-review-labels.js';
import { translator, type Lang } from '../../../server/i18n.js';
import type { ServiceDefinition } from '../../../workflows/types.js';
import type { ApplicationRow } from '../../../db/repositories/applications.js';
import type { UserRow } from '../../../db/repositories/users.js';

/** One resident per language, who reads the back office's messages in that language. */
export const RESIDENTS = {
  ar: { name: 'فاطمة علي حسن', cpr: '850101234', email: 'fatima@example.bh', mobile: '36001234' },
  en: { name: 'Fatima Ali Hasan', cpr: '900202345', email: 'fatima.en@example.bh', mobile: '66001234' },
} as const;

export const STAFF = {
  reviewer: { name: 'ريم المراجعة', email: 'reem@capital.bh', role: 'reviewer' },
  supervisor: { name: 'سارة المشرفة', email: 'sara@capital.bh', role: 'supervisor' },
  secondSupervisor: { name: 'سلمان المشرف', email: 'salman@capital.bh', role: 'supervisor' },
  counter: { name: 'خالد الكاونتر', email: 'khalid@capital.bh', role: 'counter' },
} as const;

export type Who = keyof typeof STAFF | 'resident';

/** The text direction the browser computed for an element (what a reader sees, not the attribute). */
export const directionOf = (locator: Locator) => locator.evaluate((el) => getComputedStyle(el).direction);

export const leftOf = async (locator: Locator) => (await locator.boundingBox())!.x;

/** Presses a form's button and waits for the page the server answers with to load. */
export async function submit(page: Page, control: Locator): Promise<void> {
  await Promise.all([page.waitForEvent('load'), control.click()]);
}

/**
 * Registers the suite's hooks in the calling describe (a browser and the app, the residents and
 * staff, a fresh browser context per test, no console errors) and returns what its tests use.
 */
export function backofficeFixture() {
  let b: BrowserContext;
  let definition: ServiceDefinition;
  const residents = {} as Record<Lang, UserRow>;
  let contexts: PlaywrightContext[] = [];
  let consoleErrors: string[][] = [];

  /** A complete residence-certificate application, submitted through the services. */
  async function submittedApplication(user: UserRow, lang: Lang): Promise<ApplicationRow> {
    const own: Record<string, string> = {
      applicantName: RESIDENTS[lang].name,
      cpr: RESIDENTS[lang].cpr,
      mobile: RESIDENTS[lang].mobile,
      email: RESIDENTS[lang].email,
    };
    return completedThroughServices(b.ctx, definition, user, own);
  }

  const stored = async (id: number) => (await b.ctx.services.applications.findById(id))!;

  /** A browser of one's own: signs in through /signin, then reads the pages in `lang`. */
  async function signIn(who: Who, lang: Lang): Promise<Page> {
    const context = await b.browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    consoleErrors.push(watchConsoleErrors(page));
    await page.goto(`${b.baseUrl}/signin`);
    await page.locator('#identifier').fill(who === 'resident' ? RESIDENTS[lang].email : STAFF[who].email);
    await page.locator('#password').fill(VALID_PASSWORD);
    await page.locator('main button[type=submit]').click();
    await page.waitForURL(who === 'resident' ? /\/account$/ : /\/staff$/);
    await useLanguage(page, b.baseUrl, lang);
    expect(await page.getAttribute('html', 'lang')).to.equal(lang);
    return page;
  }

  before(async () => {
    await requireClamd();
    b = await startBrowserSession();
    const { services } = b.ctx;
    definition = services.registry.latest('residence-certificate')!;
    for (const lang of ['ar', 'en'] as const) {
      const person = RESIDENTS[lang];
      const signedUp = await services.accounts.signUp(
        'resident',
        { ...person, password: VALID_PASSWORD, passwordConfirm: VALID_PASSWORD },
        lang,
      );
      if (!signedUp.ok) throw new Error(JSON.stringify(signedUp.errors));
      residents[lang] = signedUp.value;
    }
    for (const person of Object.values(STAFF)) {
      await services.accounts.createStaff({
        ...person,
        password: VALID_PASSWORD,
        municipality: 'capital',
        department: 'customer-services',
      });
    }
  });
  after(() => b?.close());
  beforeEach(() => {
    contexts = [];
    consoleErrors = [];
  });
  afterEach(async function () {
    for (const context of contexts) await context.close();
    if (this.currentTest?.state === 'failed') {
      // What the server logged as an error says more than the browser's "status of 500".
      const errors = b.ctx.logs.filter((line) => Number(line.level) >= 50);
      for (const line of errors) console.error(JSON.stringify(line));
    }
    expect(consoleErrors.flat(), 'console errors (CSP violations included)').to.deep.equal([]);
  });

  return {
    get b() {
      return b;
    },
    get definition() {
      return definition;
    },
    residents,
    submittedApplication,
    stored,
    signIn,
  };
}

/** What the journeys do and check on a page, in one language. */
export function pageHelpers(lang: Lang) {
  const t = translator(lang);
  const label = (event: keyof typeof EVENT_LABELS) => EVENT_LABELS[event][lang];

  /** What every page a person sees must pass: axe, and nothing wider than the window. */
  async function looksRight(page: Page, what: string) {
    await expectNoAxeViolations(page, `${what} (${lang})`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `${what} (${lang}) is wider than the window`).to.be.at.most(0);
  }
  const menu = (page: Page, key: string) =>
    page.getByRole('navigation', { name: t('nav.main') }).getByRole('link', { name: t(key), exact: true });
  const flash = (page: Page) => page.locator('main > .alert[role=status]').first().textContent();
  const badge = (page: Page) => page.locator('#state-title .badge, main h2 .badge').first().textContent();
  const button = (page: Page, event: keyof typeof EVENT_LABELS) =>
    page.getByRole('button', { name: label(event), exact: true });
  const queueRow = (page: Page, reference: string) =>
    page.locator('table.queue tbody tr', { hasText: reference });

  /** The queue as a member of staff reaches it from the menu, with the application's row on it. */
  async function openQueue(page: Page, reference: string, who: string): Promise<Locator> {
    await menu(page, 'nav.backoffice').click();
    await page.waitForURL(/\/backoffice$/);
    expect(await page.locator('h1').textContent()).to.equal(t('backoffice.queueTitle'));
    await looksRight(page, `the queue of the ${who}`);
    const row = queueRow(page, reference);
    expect(await row.count()).to.equal(1);
    return row;
  }

  /** The reference and the CPR read left to right, and the columns run the language's way. */
  async function expectQueueLayout(page: Page, row: Locator, cpr: string) {
    expect(await directionOf(row.getByRole('link'))).to.equal('ltr');
    expect(await directionOf(row.locator('[dir=ltr]', { hasText: cpr }))).to.equal('ltr');
    const [reference, service] = [page.locator('thead th').nth(0), page.locator('thead th').nth(1)];
    if (lang === 'ar') expect(await leftOf(reference)).to.be.greaterThan(await leftOf(service));
    else expect(await leftOf(reference)).to.be.lessThan(await leftOf(service));
    // The search field (with its hint above it) lines up with the other filters at the bottom.
    const bottomOf = async (locator: Locator) => ((box) => box!.y + box!.height)(await locator.boundingBox());
    expect(await bottomOf(page.locator('#q'))).to.be.closeTo(await bottomOf(page.locator('#service')), 1);
    const table = page.locator('.table-responsive');
    const scroll = await table.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(scroll, 'the queue table scrolls sideways at 1280px').to.be.at.most(0);
  }

  /** The reference heading reads left to right, and the side column sits on the reading end. */
  async function expectApplicationLayout(page: Page, reference: string, cpr: string) {
    const heading = page.locator('h1 [dir=ltr]');
    expect(await heading.textContent()).to.equal(reference);
    expect(await directionOf(heading)).to.equal('ltr');
    const aside = page.locator('main aside');
    expect(await directionOf(aside.locator('[dir=ltr]', { hasText: cpr }))).to.equal('ltr');
    // An answer that reads left to right stays beside its label, on the page's side.
    const answer = page.locator('section[aria-labelledby=answers-title] dd', { hasText: cpr });
    expect(await directionOf(answer.locator('[dir=ltr]'))).to.equal('ltr');
    const label = answer.locator('xpath=preceding-sibling::dt[1]');
    expect((await answer.boundingBox())!.y).to.be.closeTo((await label.boundingBox())!.y, 2);
    if (lang === 'ar') expect(await leftOf(answer)).to.be.lessThan(await leftOf(label));
    else expect(await leftOf(answer)).to.be.greaterThan(await leftOf(label));
    const content = page.locator('#actions-title');
    if (lang === 'ar') expect(await leftOf(aside)).to.be.lessThan(await leftOf(content));
    else expect(await leftOf(aside)).to.be.greaterThan(await leftOf(content));
  }

  /** Takes an action; a decision first shows its confirmation page, which must read well, then "yes". */
  async function act(page: Page, event: keyof typeof EVENT_LABELS, what: string) {
    await submit(page, button(page, event));
    const yes = page.locator('button[name=confirmed][value=yes]');
    if ((await yes.count()) > 0) {
      expect(await page.locator('h1').textContent()).to.equal(
        t('backoffice.confirm.heading', { action: label(event) }),
      );
      await looksRight(page, `the confirmation before ${what}`);
      await screenshot(page, `backoffice-${lang}-confirm-${event.toLowerCase()}`);
      await submit(page, yes);
    }
    expect(await flash(page), what).to.equal(t('backoffice.done'));
    await looksRight(page, what);
  }

  return {
    t,
    label,
    looksRight,
    menu,
    flash,
    badge,
    button,
    queueRow,
    openQueue,
    expectQueueLayout,
    expectApplicationLayout,
    act,
  };
}

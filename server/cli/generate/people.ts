import type { Knex } from 'knex';
import { clientOf } from '../../../db/connection.js';
import { DAY_MS } from '../../../workflows/calendar.js';
import { type MunicipalityCode } from '../../../workflows/municipalities.js';
import { FRONT_OFFICE, MUNICIPALITY_WEIGHTS, SHARES, STAFF_PLAN } from './shape.js';
import type { Rng } from './random.js';
import { Weighted, int, pick, rngFrom } from './random.js';
import { USER_COLUMNS, insertAll } from './rows.js';

/** Staff and applicants of the generated data, created once per database. (Part of server/cli/generate-applications.ts.) */

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

/** Arabic and Latin spellings. */
export type Pair = readonly [ar: string, latin: string];
export const pairs = (list: string): Pair[] => list.split(',').map((p) => p.split(':') as [string, string]);
export const ARABIC_MALE = pairs(
  'محمد:Mohamed,أحمد:Ahmed,علي:Ali,حسن:Hasan,حسين:Hussain,عبدالله:Abdulla,يوسف:Yousif,خالد:Khalid,إبراهيم:Ebrahim,جاسم:Jassim,سلمان:Salman,عيسى:Isa,راشد:Rashid,فيصل:Faisal,عمر:Omar,ناصر:Nasser,محمود:Mahmood,صالح:Saleh',
);
export const ARABIC_FEMALE = pairs(
  'فاطمة:Fatima,مريم:Maryam,زينب:Zainab,نورة:Noora,عائشة:Aysha,هدى:Huda,سارة:Sara,ليلى:Layla,آمنة:Amna,شيخة:Shaikha,منى:Muna,رقية:Ruqaya',
);
export const ARABIC_FAMILY = pairs(
  'آل خليفة:Alkhalifa,الدوسري:Aldosari,الموسوي:Almosawi,البنعلي:Albinali,الجودر:Aljowder,العلوي:Alalawi,الشيخ:Alshaikh,المناعي:Almannai,السيد:Alsayed,الحايكي:Alhaiki,عبدالرحمن:Abdulrahman,كانو:Kanoo,المحميد:Almahmeed,الكعبي:Alkaabi,الستري:Alsitri,الجمري:Aljamri,المرباطي:Almerbati,الزياني:Alzayani',
);
export const LATIN_FIRST = [
  'Rajesh',
  'Priya',
  'Maria',
  'Jose',
  'John',
  'Sarah',
  'Imran',
  'Ayesha',
  'Anil',
  'Grace',
];
export const LATIN_FAMILY = [
  'Kumar',
  'Nair',
  'Santos',
  'Reyes',
  'Smith',
  'Khan',
  'Fernandes',
  'Das',
  'Thomas',
];
export const COMPANY_WORDS = pairs(
  'النور:Al Noor,الخليج:Gulf,اللؤلؤ:Pearl,الواحة:Oasis,المنامة:Manama,دلمون:Dilmun,الأفق:Horizon,البحرين:Bahrain',
);
export const COMPANY_KINDS = pairs(
  'للمقاولات:Contracting,للتجارة:Trading,للخدمات الهندسية:Engineering Services,للعقارات:Properties,للمطاعم:Restaurants',
);

export interface Applicant {
  id: number;
  kind: 'resident' | 'investor';
  name: string;
  cpr: string | null;
  cr: string | null;
  email: string;
  mobile: string;
  home: MunicipalityCode;
  /** The language the person reads the portal in: staff write to them in it, and they write in it. */
  lang: 'ar' | 'en';
}

export interface Staff {
  id: number;
  role: 'reviewer' | 'supervisor' | 'counter' | 'admin';
  municipality: MunicipalityCode;
  department: string;
  email: string;
}

export interface Population {
  residents: Applicant[];
  investors: Applicant[];
  staff: Staff[];
  /** Reviewers of a municipality by department (customer-services: the front office). */
  reviewers: Map<string, Staff[]>;
  supervisors: Map<MunicipalityCode, Staff[]>;
  counter: Map<MunicipalityCode, Staff[]>;
}

export const municipalities = Object.keys(MUNICIPALITY_WEIGHTS) as MunicipalityCode[];

export function personName(rng: Rng): { name: string; latin: string } {
  if (rng() < 0.25) {
    const first = pick(rng, LATIN_FIRST);
    const family = pick(rng, LATIN_FAMILY);
    return { name: `${first} ${family}`, latin: `${first}.${family}` };
  }
  const [first, firstLatin] = pick(rng, rng() < 0.55 ? ARABIC_MALE : ARABIC_FEMALE);
  const [father, fatherLatin] = pick(rng, ARABIC_MALE);
  const [family, familyLatin] = pick(rng, ARABIC_FAMILY);
  return { name: `${first} ${father} ${family}`, latin: `${firstLatin}.${fatherLatin}.${familyLatin}` };
}

export function companyName(rng: Rng): { name: string; latin: string } {
  const [word, wordLatin] = pick(rng, COMPANY_WORDS);
  const [kind, kindLatin] = pick(rng, COMPANY_KINDS);
  return rng() < 0.6
    ? { name: `شركة ${word} ${kind} ذ.م.م`, latin: `${wordLatin}.${kindLatin}` }
    : { name: `${wordLatin} ${kindLatin} W.L.L.`, latin: `${wordLatin}.${kindLatin}` };
}

export const emailLocal = (latin: string) => latin.toLowerCase().replace(/[^a-z.]+/g, '');
export const mobileOf = (rng: Rng) =>
  `+973${pick(rng, ['3', '6'])}${String(int(rng, 0, 9_999_999)).padStart(7, '0')}`;

/** A CPR: two digits of the birth year, the month, then five digits. */
export function cprOf(rng: Rng): string {
  const year = int(rng, 40, 105) % 100;
  return `${String(year).padStart(2, '0')}${String(int(rng, 1, 12)).padStart(2, '0')}${String(int(rng, 0, 99_999)).padStart(5, '0')}`;
}

/**
 * Identities follow the seed and their index, so a second run with the same seed finds the same
 * accounts (by e-mail) and reuses them; a number taken by someone else is drawn again.
 */
export async function createPopulation(
  db: Knex,
  options: { seed: number; applicants: number; now: Date; passwordHash: string; departments: string[] },
  log: (line: string) => void,
): Promise<Population> {
  const rng = rngFrom(options.seed, 1);
  const redraw = rngFrom(options.seed, 5);
  const existing = await db('users').select<ExistingUser[]>(
    'id',
    'email',
    'cpr',
    'cr',
    'name',
    'mobile',
    'preferred_lang',
  );
  const byEmail = new Map(existing.map((u) => [u.email, u]));
  const cprs = new Set(existing.map((u) => u.cpr).filter(Boolean));
  const crs = new Set(existing.map((u) => u.cr).filter(Boolean));
  let nextId = existing.reduce((max, u) => Math.max(max, Number(u.id)), 0) + 1;
  const inserts: Record<string, unknown>[] = [];
  const insert = (row: Record<string, unknown>): number => {
    const id = nextId++;
    const at = new Date(options.now.getTime() - int(redraw, 30, 730) * DAY_MS);
    inserts.push({ id, ...row, created_at: at, updated_at: at });
    return id;
  };

  const residents: Applicant[] = [];
  const investors: Applicant[] = [];
  const homes = new Weighted(Object.entries(MUNICIPALITY_WEIGHTS) as [MunicipalityCode, number][]);
  for (let i = 0; i < options.applicants; i++) {
    const r = rng();
    // At least one of each, however few are asked for.
    const investor = i === 1 || (i !== 0 && r < SHARES.investors);
    const who = investor ? companyName(rng) : personName(rng);
    const email = `${emailLocal(who.latin)}.${i + 1}@example.bh`;
    const cprDrawn = cprOf(rng);
    const crDrawn = `${int(rng, 10_000, 199_999)}-${int(rng, 1, 3)}`;
    const mobile = mobileOf(rng);
    const lang = rng() < 0.7 ? 'ar' : 'en';
    const home = homes.draw(rng);
    const kind = investor ? 'investor' : 'resident';
    const found = byEmail.get(email);
    let person: Applicant;
    if (found) {
      const { id, name, cpr, cr } = found;
      const reads =
        found.preferred_lang === 'en' || found.preferred_lang === 'ar' ? found.preferred_lang : lang;
      person = {
        id: Number(id),
        kind,
        name,
        cpr,
        cr,
        email,
        mobile: found.mobile ?? mobile,
        home,
        lang: reads,
      };
    } else {
      let cpr: string | null = null;
      let cr: string | null = null;
      if (investor) {
        cr = crDrawn;
        while (crs.has(cr)) cr = `${int(redraw, 10_000, 199_999)}-${int(redraw, 1, 3)}`;
        crs.add(cr);
      } else {
        cpr = cprDrawn;
        while (cprs.has(cpr)) cpr = cprOf(redraw);
        cprs.add(cpr);
      }
      const id = insert({
        kind,
        cpr,
        cr,
        name: who.name,
        email,
        mobile,
        password_hash: options.passwordHash,
        preferred_lang: lang,
      });
      person = { id, kind, name: who.name, cpr, cr, email, mobile, home, lang };
    }
    (investor ? investors : residents).push(person);
  }

  const staff: Staff[] = [];
  for (const municipality of municipalities) {
    const size = municipality === 'capital' ? 0 : 1;
    const add = (role: Staff['role'], department: string, email: string) => {
      const who = personName(rng);
      const lang = rng() < 0.8 ? 'ar' : 'en';
      const id =
        byEmail.get(email)?.id ??
        insert({
          kind: 'staff',
          name: who.name,
          email,
          password_hash: options.passwordHash,
          preferred_lang: lang,
          role,
          municipality,
          department,
        });
      staff.push({ id: Number(id), role, municipality, department, email });
    };
    for (let n = 1; n <= STAFF_PLAN.frontOfficeReviewers[size]; n++)
      add('reviewer', FRONT_OFFICE, `reviewer${n}.${municipality}@staff.example.bh`);
    for (const department of options.departments.filter((d) => d !== FRONT_OFFICE))
      for (let n = 1; n <= STAFF_PLAN.departmentReviewers[size]; n++)
        add('reviewer', department, `reviewer.${department}${n}.${municipality}@staff.example.bh`);
    for (let n = 1; n <= STAFF_PLAN.supervisors[size]; n++)
      add('supervisor', FRONT_OFFICE, `supervisor${n}.${municipality}@staff.example.bh`);
    for (let n = 1; n <= STAFF_PLAN.counter[size]; n++)
      add('counter', FRONT_OFFICE, `counter${n}.${municipality}@staff.example.bh`);
    add('admin', 'information-technology', `admin.${municipality}@staff.example.bh`);
  }

  await db.transaction((trx) =>
    insertAll(
      trx,
      'users',
      USER_COLUMNS,
      inserts.map((u) => USER_COLUMNS.map((c) => u[c] ?? null)),
    ),
  );
  if (clientOf(db) === 'pg' && inserts.length > 0)
    await db.raw(`select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from users))`);
  log(
    `people: ${inserts.length} accounts created, ${options.applicants + staff.length - inserts.length} reused ` +
      `(${residents.length} residents, ${investors.length} investors, ${staff.length} staff)`,
  );

  const group = <K>(list: Staff[], key: (s: Staff) => K) => {
    const map = new Map<K, Staff[]>();
    for (const s of list) map.set(key(s), [...(map.get(key(s)) ?? []), s]);
    return map;
  };
  return {
    residents,
    investors,
    staff,
    reviewers: group(
      staff.filter((s) => s.role === 'reviewer'),
      (s) => `${s.municipality}/${s.department}`,
    ),
    supervisors: group(
      staff.filter((s) => s.role === 'supervisor'),
      (s) => s.municipality,
    ),
    counter: group(
      staff.filter((s) => s.role === 'counter'),
      (s) => s.municipality,
    ),
  };
}

export interface ExistingUser {
  id: number;
  email: string;
  cpr: string | null;
  cr: string | null;
  name: string;
  mobile: string | null;
  preferred_lang: string | null;
}

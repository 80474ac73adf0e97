/**
 * Generates realistic applications directly in the database, for benchmarks and for trying the
 * back office with a year's worth of work in it:
 *
 *   npx tsx server/cli/generate-applications.ts --count 1000000 [--database-url URL] [--seed 42]
 *       [--now 2026-11-22T00:00:00+03:00] [--applicants 4000] [--quiet]
 *
 * What it writes (appending to whatever is there; run it with no other writer):
 * - staff for every municipality (customer-services and departmental reviewers, supervisors,
 *   counter staff, an administrator) and a few thousand residents and investors, all with the
 *   password GENERATED_PASSWORD (default below); accounts that exist already (same e-mail) are reused;
 * - applications over the 12 months before --now: services in the published proportions
 *   (the design notes' SERVICES.md), the capital largest, mostly on the web, each following a
 *   timeline through its real workflow (review, requests for information, inspections,
 *   clearances, fees, payouts, rejections, queries, withdrawals, late ones escalated) cut at --now;
 * - per application one SUBMIT audit row (drafts, 2 %, have none, as in the portal), the open
 *   deadlines the sweeper would hold, and for accepted certificates and accounts their outcome.
 *
 * Every workflow path is driven once through the real engine (`planEvent`) and its snapshot
 * reused, with the application's own people and due times filled in; the row's columns are set
 * exactly as server/services/apply-event.ts sets them, due times in working days of the
 * configured calendar. The same --seed and --now give the same data. Rows go in as multi-row
 * INSERTs, a transaction per 5,000 applications, written while the next 5,000 are generated. At
 * the end PostgreSQL gets VACUUM ANALYZE (what autovacuum would do); SQLite is left without
 * planner statistics, as the portal leaves it. bench/queue/verify-generated.ts checks the result.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import argon2 from 'argon2';
import type { Knex } from 'knex';
import { clientOf, createDb, migrateLatest } from '../../db/connection.js';
import { QUEUE_NO_DUE } from '../../db/repositories/applications.js';
import { loadConfig } from '../config.js';
import { loadRegistry } from '../boot.js';
import { ARGON2_PARAMS } from '../security/passwords.js';
import { QUEUE_STATUSES } from '../services/apply-event.js';
import { rebuildCounters } from '../services/stats-counters.js';
import { REFERENCE_ALPHABET, servicePrefix } from '../services/reference.js';
import { initialSnapshot, planEvent } from '../../workflows/engine.js';
import {
  addWorkingDays,
  addWorkingMs,
  createCalendar,
  DAY_MS,
  isWorkingDay,
  localDate,
  workingMsBetween,
  type Calendar,
} from '../../workflows/calendar.js';
import { formSteps, validateStep, type Answers } from '../../workflows/form/form.js';
import { municipalityOfBlock, type MunicipalityCode } from '../../workflows/municipalities.js';
import type { Registry } from '../../workflows/registry.js';
import type { StandardReviewOptions } from '../../workflows/standard-review.js';
import type {
  FieldDef,
  PersistedSnapshot,
  Role,
  ServiceDefinition,
  SlaState,
} from '../../workflows/types.js';

export const DEFAULT_PASSWORD = 'Generated-Portal-2026';

const USAGE = `Generates realistic applications (with their applicants and staff) in the database.

  npx tsx server/cli/generate-applications.ts --count 1000000 [--database-url URL] [--seed 42]
      [--now ISO-INSTANT] [--applicants 4000] [--quiet]

--database-url  defaults to DATABASE_URL (or data/portal.sqlite)
--seed          random seed (default 42); the same seed and --now give the same data
--now           the end of the 12 months generated (default: the start of today, Bahrain time)
--applicants    residents and investors to create (default 4000)
--quiet         no progress bar
Generated accounts get the password in GENERATED_PASSWORD (default ${DEFAULT_PASSWORD}).`;
const HOUR_MS = 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const YEAR_DAYS = 365;
/** Rows per INSERT statement and statements per transaction. */
const BATCH = 500;
const BATCHES_PER_TRANSACTION = 10;

// ---------------------------------------------------------------------------------------------
// The shape of the data: published proportions and plausible shares
// ---------------------------------------------------------------------------------------------

/** e-transactions per service (SERVICES.md, first five; the 740 "others" split by plausibility). */
export const SERVICE_WEIGHTS: Record<string, number> = {
  'residence-certificate': 1751,
  'municipal-account-opening': 550,
  'insurance-refund': 453,
  'excavation-permit': 284,
  'building-completion-certificate': 250,
  'building-permit': 90,
  'violation-report': 80,
  'municipal-account-transfer': 60,
  'municipal-account-closure': 55,
  'fees-clearance-certificate': 55,
  'bulk-waste-collection': 50,
  'commercial-activity-approval': 45,
  'pest-control-request': 45,
  'tree-removal-request': 35,
  'road-occupancy-permit': 35,
  'building-number-plate': 30,
  'land-survey-certificate': 30,
  'zoning-certificate': 30,
  'advertisement-permit': 25,
  'boundary-wall-permit': 25,
  'demolition-permit': 20,
  'temporary-event-permit': 20,
  'kiosk-permit': 10,
};

/** By population: the capital largest. */
const MUNICIPALITY_WEIGHTS: Record<MunicipalityCode, number> = {
  capital: 37,
  northern: 27,
  southern: 19,
  muharraq: 17,
};

const CHANNEL_WEIGHTS = { web: 80, counter: 12, phone: 3, email: 3, partner: 2 } as const;
type Channel = keyof typeof CHANNEL_WEIGHTS;

/** Staff per municipality: [capital, others]. */
const STAFF_PLAN = {
  frontOfficeReviewers: [8, 4],
  departmentReviewers: [2, 1],
  supervisors: [3, 2],
  counter: [6, 3],
} as const;
const FRONT_OFFICE = 'customer-services';

/** How often things happen (shares of applications, or of those that reach that point). */
const SHARES = {
  /** Started and never submitted. */
  draft: 0.02,
  investors: 0.18,
  /** Applications about an address in the applicant's own municipality. */
  homeMunicipality: 0.85,
  /** Open for ever: nobody picked it up or decided it (the backlog). */
  stuck: 0.003,
  withdrawEarly: 0.025,
  withdrawLate: 0.02,
  reject: 0.12,
  requestInfo: 0.12,
  /** Of the requests for information: never answered, waiting for ever. */
  neverAnswers: 0.05,
  /** Of the accepted applications with a fee: never paid. */
  neverPays: 0.02,
  /** Of the rejections: a query raised in the window (then upheld). */
  raisesQuery: 0.2,
  /** Of the applications nobody started reviewing: assigned by a supervisor already. */
  assignedBeforeReview: 0.1,
  /** Who reviews: a supervisor, the front office, otherwise the service's department. */
  reviewedBySupervisor: 0.05,
  reviewedByFrontOffice: 0.25,
};

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32: small, fast and good enough for test data. */
export function rngFrom(seed: number, stream: number): Rng {
  let a = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(stream, 0xc2b2ae35)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const int = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
/** Fisher–Yates, in place. */
function shuffle<T>(rng: Rng, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

/** Draws from weighted choices by binary search over the cumulative weights. */
export class Weighted<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  constructor(entries: [T, number][]) {
    this.items = entries.map(([item]) => item);
    let sum = 0;
    this.cumulative = entries.map(([, w]) => (sum += w));
    if (!(sum > 0)) throw new Error('weighted choice with no weight');
  }
  draw(rng: Rng): T {
    const x = rng() * this.cumulative.at(-1)!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

// ---------------------------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------------------------

/** Arabic and Latin spellings. */
type Pair = readonly [ar: string, latin: string];
const pairs = (list: string): Pair[] => list.split(',').map((p) => p.split(':') as [string, string]);
const ARABIC_MALE = pairs(
  'محمد:Mohamed,أحمد:Ahmed,علي:Ali,حسن:Hasan,حسين:Hussain,عبدالله:Abdulla,يوسف:Yousif,خالد:Khalid,إبراهيم:Ebrahim,جاسم:Jassim,سلمان:Salman,عيسى:Isa,راشد:Rashid,فيصل:Faisal,عمر:Omar,ناصر:Nasser,محمود:Mahmood,صالح:Saleh',
);
const ARABIC_FEMALE = pairs(
  'فاطمة:Fatima,مريم:Maryam,زينب:Zainab,نورة:Noora,عائشة:Aysha,هدى:Huda,سارة:Sara,ليلى:Layla,آمنة:Amna,شيخة:Shaikha,منى:Muna,رقية:Ruqaya',
);
const ARABIC_FAMILY = pairs(
  'آل خليفة:Alkhalifa,الدوسري:Aldosari,الموسوي:Almosawi,البنعلي:Albinali,الجودر:Aljowder,العلوي:Alalawi,الشيخ:Alshaikh,المناعي:Almannai,السيد:Alsayed,الحايكي:Alhaiki,عبدالرحمن:Abdulrahman,كانو:Kanoo,المحميد:Almahmeed,الكعبي:Alkaabi,الستري:Alsitri,الجمري:Aljamri,المرباطي:Almerbati,الزياني:Alzayani',
);
const LATIN_FIRST = ['Rajesh', 'Priya', 'Maria', 'Jose', 'John', 'Sarah', 'Imran', 'Ayesha', 'Anil', 'Grace'];
const LATIN_FAMILY = ['Kumar', 'Nair', 'Santos', 'Reyes', 'Smith', 'Khan', 'Fernandes', 'Das', 'Thomas'];
const COMPANY_WORDS = pairs(
  'النور:Al Noor,الخليج:Gulf,اللؤلؤ:Pearl,الواحة:Oasis,المنامة:Manama,دلمون:Dilmun,الأفق:Horizon,البحرين:Bahrain',
);
const COMPANY_KINDS = pairs(
  'للمقاولات:Contracting,للتجارة:Trading,للخدمات الهندسية:Engineering Services,للعقارات:Properties,للمطاعم:Restaurants',
);

interface Applicant {
  id: number;
  kind: 'resident' | 'investor';
  name: string;
  cpr: string | null;
  cr: string | null;
  email: string;
  mobile: string;
  home: MunicipalityCode;
}

interface Staff {
  id: number;
  role: 'reviewer' | 'supervisor' | 'counter' | 'admin';
  municipality: MunicipalityCode;
  department: string;
  email: string;
}

interface Population {
  residents: Applicant[];
  investors: Applicant[];
  staff: Staff[];
  /** Reviewers of a municipality by department (customer-services: the front office). */
  reviewers: Map<string, Staff[]>;
  supervisors: Map<MunicipalityCode, Staff[]>;
  counter: Map<MunicipalityCode, Staff[]>;
}

const municipalities = Object.keys(MUNICIPALITY_WEIGHTS) as MunicipalityCode[];

function personName(rng: Rng): { name: string; latin: string } {
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

function companyName(rng: Rng): { name: string; latin: string } {
  const [word, wordLatin] = pick(rng, COMPANY_WORDS);
  const [kind, kindLatin] = pick(rng, COMPANY_KINDS);
  return rng() < 0.6
    ? { name: `شركة ${word} ${kind} ذ.م.م`, latin: `${wordLatin}.${kindLatin}` }
    : { name: `${wordLatin} ${kindLatin} W.L.L.`, latin: `${wordLatin}.${kindLatin}` };
}

const emailLocal = (latin: string) => latin.toLowerCase().replace(/[^a-z.]+/g, '');
const mobileOf = (rng: Rng) =>
  `+973${pick(rng, ['3', '6'])}${String(int(rng, 0, 9_999_999)).padStart(7, '0')}`;

/** A CPR: two digits of the birth year, the month, then five digits. */
function cprOf(rng: Rng): string {
  const year = int(rng, 40, 105) % 100;
  return `${String(year).padStart(2, '0')}${String(int(rng, 1, 12)).padStart(2, '0')}${String(int(rng, 0, 99_999)).padStart(5, '0')}`;
}

/**
 * Identities follow the seed and their index, so a second run with the same seed finds the same
 * accounts (by e-mail) and reuses them; a number taken by someone else is drawn again.
 */
async function createPopulation(
  db: Knex,
  options: { seed: number; applicants: number; now: Date; passwordHash: string; departments: string[] },
  log: (line: string) => void,
): Promise<Population> {
  const rng = rngFrom(options.seed, 1);
  const redraw = rngFrom(options.seed, 5);
  const existing = await db('users').select<ExistingUser[]>('id', 'email', 'cpr', 'cr', 'name', 'mobile');
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
      person = { id: Number(id), kind, name, cpr, cr, email, mobile: found.mobile ?? mobile, home };
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
      person = { id, kind, name: who.name, cpr, cr, email, mobile, home };
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

interface ExistingUser {
  id: number;
  email: string;
  cpr: string | null;
  cr: string | null;
  name: string;
  mobile: string | null;
}

// ---------------------------------------------------------------------------------------------
// JSON templates with slots
// ---------------------------------------------------------------------------------------------

const SLOT_MARK = '@@slot:';
const slot = (name: string) => `${SLOT_MARK}${name}@@`;
const SLOT_PATTERN = /"@@slot:([^@"]+)@@"/;

/** JSON with named holes, filled per row by string concatenation (no per-row stringify of the whole). */
export class JsonTemplate {
  private readonly parts: string[];
  private readonly names: string[];
  constructor(value: unknown) {
    const pieces = JSON.stringify(value).split(SLOT_PATTERN);
    this.parts = pieces.filter((_, i) => i % 2 === 0);
    this.names = pieces.filter((_, i) => i % 2 === 1);
  }
  fill(values: Record<string, unknown>): string {
    let out = this.parts[0]!;
    for (let i = 0; i < this.names.length; i++) {
      const v = values[this.names[i]!];
      if (v === undefined) throw new Error(`template slot "${this.names[i]}" has no value`);
      out += JSON.stringify(v) + this.parts[i + 1]!;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Workflow paths driven through the real engine
// ---------------------------------------------------------------------------------------------

/** Stand-in user ids while driving the engine; replaced by slots in the stored snapshot. */
const SENTINEL = {
  applicant: 900_000_001,
  reviewer: 900_000_002,
  supervisor: 900_000_003,
  counter: 900_000_004,
};

const ACTOR_OF: Record<string, { role: Role; who: keyof typeof SENTINEL | null }> = {
  SUBMIT: { role: 'applicant', who: 'applicant' },
  RESUBMIT: { role: 'applicant', who: 'applicant' },
  WITHDRAW: { role: 'applicant', who: 'applicant' },
  RAISE_QUERY: { role: 'applicant', who: 'applicant' },
  START_REVIEW: { role: 'reviewer', who: 'reviewer' },
  REQUEST_INFO: { role: 'reviewer', who: 'reviewer' },
  SCHEDULE_INSPECTION: { role: 'reviewer', who: 'reviewer' },
  INSPECTION_PASSED: { role: 'reviewer', who: 'reviewer' },
  REQUEST_CLEARANCES: { role: 'reviewer', who: 'reviewer' },
  APPROVE_CLEARANCE: { role: 'reviewer', who: 'reviewer' },
  ACCEPT: { role: 'reviewer', who: 'reviewer' },
  REJECT: { role: 'reviewer', who: 'reviewer' },
  FEE_PAID: { role: 'counter', who: 'counter' },
  PAYOUT_DONE: { role: 'supervisor', who: 'supervisor' },
  UPHOLD: { role: 'supervisor', who: 'supervisor' },
  SLA_ESCALATE: { role: 'system', who: null },
  QUERY_WINDOW_CLOSE: { role: 'system', who: null },
};

const COMMENTS: Record<string, string> = {
  REQUEST_INFO: 'Please upload a clearer copy of the document.',
  REJECT: 'The address is outside the municipality.',
  RAISE_QUERY: 'I live at this address; please look again.',
  UPHOLD: 'The documents do not show residence at this address.',
};

interface PathEvent {
  type: string;
  department?: string;
}

interface Step {
  type: string;
  fromStatus: string;
  toStatus: string;
  sla: SlaState;
  final: boolean;
  /** The snapshot holds an SLA due time after this step. */
  slaDue: boolean;
}

/** One workflow path's outcome: its steps, and the final snapshot with slots. */
export interface PathTemplate {
  state: string;
  status: string;
  final: boolean;
  sla: SlaState;
  escalated: boolean;
  steps: Step[];
  deadlines: string[];
  snapshot: JsonTemplate;
}

const DECIDED = new Set(['accepted', 'rejected']);
const WAITING = 'waiting_on_applicant';
/** A working day in the template run, so every guard sees plausible times. */
const TEMPLATE_START = Date.parse('2026-01-04T06:00:00Z');

/**
 * A driven snapshot with holes where each application has its own values: the stand-in user ids,
 * the deadlines' due times, the SLA time left while paused, the inspection date.
 */
function slotify(value: unknown, path: string[]): unknown {
  const parent = path.at(-2);
  const key = path.at(-1);
  if (parent === 'deadlines' && path.at(-3) === 'clock') return slot(`due:${key}`);
  if (key === 'slaRemainingMs' && value !== null) return slot('remaining');
  if (parent === 'inspection' && key === 'date') return slot('inspectionDate');
  if (typeof value === 'number') {
    const who = (Object.keys(SENTINEL) as (keyof typeof SENTINEL)[]).find((k) => SENTINEL[k] === value);
    return who ? slot(who) : value;
  }
  if (Array.isArray(value)) return value.map((v, i) => slotify(v, [...path, String(i)]));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, slotify(v, [...path, k])]));
  return value;
}

interface Driven {
  persisted: PersistedSnapshot;
  steps: Step[];
  state: string;
  status: string;
  final: boolean;
  sla: SlaState;
}

/**
 * Every workflow path an application takes, driven through the engine once: each prefix is
 * cached, so a path costs one `planEvent` per step no other path has taken before. Throws if the
 * workflow refuses a step.
 */
export class WorkflowPaths {
  private readonly driven = new Map<string, Driven>();
  private readonly templates = new Map<string, PathTemplate>();
  constructor(private readonly calendar: Calendar) {}

  get size(): number {
    return this.templates.size;
  }

  /** The template for what happened; SLA_ESCALATE only sets a flag, so it is driven right after SUBMIT. */
  template(definition: ServiceDefinition, happened: PathEvent[]): PathTemplate {
    const path = happened.filter((e) => e.type !== 'SLA_ESCALATE');
    const escalated = path.length < happened.length;
    const key = `${definition.slug}|${escalated}|${path.map(label).join(',')}`;
    let template = this.templates.get(key);
    if (!template) {
      const driven = this.drive(
        definition,
        escalated ? [path[0]!, { type: 'SLA_ESCALATE' }, ...path.slice(1)] : path,
      );
      const context = driven.persisted.context as {
        escalated?: boolean;
        clock?: { deadlines: Record<string, string> };
      };
      template = {
        state: driven.state,
        status: driven.status,
        final: driven.final,
        sla: driven.sla,
        escalated: context.escalated === true,
        steps: driven.steps.filter((s) => s.type !== 'SLA_ESCALATE'),
        deadlines: Object.keys(context.clock?.deadlines ?? {}),
        snapshot: new JsonTemplate(slotify(driven.persisted, [])),
      };
      this.templates.set(key, template);
    }
    return template;
  }

  private drive(definition: ServiceDefinition, path: PathEvent[]): Driven {
    const keyOf = (n: number) => `${definition.slug}|${path.slice(0, n).map(label).join(',')}`;
    let n = path.length;
    while (n > 0 && !this.driven.has(keyOf(n))) n--;
    let current: Driven = this.driven.get(keyOf(n)) ?? {
      persisted: initialSnapshot(definition, { applicantId: SENTINEL.applicant }),
      steps: [],
      state: 'draft',
      status: 'draft',
      final: false,
      sla: 'stopped',
    };
    for (; n < path.length; n++) {
      const e = path[n]!;
      const actor = ACTOR_OF[e.type];
      if (!actor) throw new Error(`no actor known for ${e.type}`);
      const event: Record<string, unknown> & { type: string } = { type: e.type };
      if (COMMENTS[e.type]) event.comment = COMMENTS[e.type];
      if (e.department) event.department = e.department;
      if (e.type === 'SCHEDULE_INSPECTION')
        Object.assign(event, { date: '2026-01-06', inspector: 'Site team' });
      const plan = planEvent({
        definition,
        persisted: current.persisted,
        event,
        actor: { role: actor.role, userId: actor.who ? SENTINEL[actor.who] : null },
        now: new Date(TEMPLATE_START + n * HOUR_MS),
        calendar: this.calendar,
      });
      if (!plan.ok)
        throw new Error(
          `${definition.slug}: ${path.map(label).join(' → ')} refused at ${e.type}: ${plan.message}`,
        );
      const clock = (plan.persisted.context as { clock?: { deadlines: Record<string, string> } }).clock;
      current = {
        persisted: plan.persisted,
        steps: [
          ...current.steps,
          {
            type: e.type,
            fromStatus: plan.fromStatus,
            toStatus: plan.toStatus,
            sla: plan.sla,
            final: plan.final,
            slaDue: Boolean(clock?.deadlines.sla),
          },
        ],
        state: plan.to,
        status: plan.toStatus,
        final: plan.final,
        sla: plan.sla,
      };
      this.driven.set(keyOf(n + 1), current);
    }
    return current;
  }
}

const label = (e: PathEvent) => (e.department ? `${e.type}:${e.department}` : e.type);

// ---------------------------------------------------------------------------------------------
// Form answers
// ---------------------------------------------------------------------------------------------

/** Days from the submission date each date field is answered with (past, future, after another). */
function dateOffsets(definition: ServiceDefinition): Map<string, number> {
  const offsets = new Map<string, number>();
  for (const field of definition.fields) {
    if (field.type !== 'date') continue;
    const after = field.notBefore;
    if (after && after !== 'today') offsets.set(field.key, (offsets.get(after.field) ?? 14) + 30);
    else if (after === 'today') offsets.set(field.key, 14);
    else if (field.notAfter === 'today') offsets.set(field.key, -400);
    else offsets.set(field.key, 10);
  }
  return offsets;
}

function rawAnswer(field: FieldDef, date: (key: string) => string): unknown {
  switch (field.type) {
    case 'text':
      return 'Municipal services request'.slice(0, field.maxLength);
    case 'longtext':
      return 'Work as described in the attached drawings; the site will be left clean.'.slice(
        0,
        field.maxLength,
      );
    case 'location':
      return 'Next to the health centre, behind the mosque';
    case 'number':
    case 'money': {
      const n = Math.max(field.min ?? 0, field.type === 'money' ? 10 : 1);
      return String(field.max !== undefined ? Math.min(n, field.max) : n);
    }
    case 'date':
      return date(field.key);
    case 'select':
    case 'radio':
      return field.options[0]!.value;
    case 'checkbox':
      return [field.options[0]!.value];
    case 'yesno':
      return 'yes';
    case 'cpr':
      return '850101234';
    case 'cr':
      return '123456';
    case 'mobile':
      return '36001234';
    case 'email':
      return 'applicant@example.bh';
    case 'address':
      return { flat: '', building: '1234', road: '4321', block: '338', area: '' };
    case 'file':
      return undefined;
  }
}

/** The stored answers of a complete form, validated by the real form rules, with slots per person. */
function formTemplate(definition: ServiceDefinition): { form: JsonTemplate; dates: Map<string, number> } {
  const dates = dateOffsets(definition);
  const today = '2026-01-04';
  const date = (key: string) => shiftDate(today, dates.get(key) ?? 0);
  const documentCounts = Object.fromEntries(definition.guide.documents.map((d) => [d.key, 1]));
  let answers: Answers = {};
  for (const step of formSteps(definition)) {
    const raw = Object.fromEntries(
      definition.fields.filter((f) => f.step === step).map((f) => [f.key, rawAnswer(f, date)]),
    );
    const result = validateStep(definition, step, raw, answers, { today, documentCounts });
    if (result.problems.length > 0)
      throw new Error(`${definition.slug}: generated answers invalid: ${JSON.stringify(result.problems)}`);
    answers = result.answers;
  }
  for (const field of definition.fields) {
    if (!(field.key in answers)) continue;
    if (field.prefill) answers[field.key] = slot(field.prefill);
    else if (field.type === 'address') answers[field.key] = slot('address');
    else if (field.type === 'date') answers[field.key] = slot(`date:${field.key}`);
  }
  return { form: new JsonTemplate(answers), dates };
}

function shiftDate(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// One application's timeline
// ---------------------------------------------------------------------------------------------

interface Planned extends PathEvent {
  at: number;
  /** On REJECT: when the query window closes. */
  closes?: number;
}

interface Timed extends Planned {
  /** The SLA due time in force after this event (ms), when the clock has one. */
  due: number | null;
  remaining: number | null;
}

interface ServiceInfo {
  definition: ServiceDefinition;
  options: StandardReviewOptions;
  slaDays: number;
  queryDays: number;
  form: JsonTemplate;
  dates: Map<string, number>;
  prefix: string;
  applicantKinds: ('resident' | 'investor')[];
}

/**
 * The calendar's working days (`isWorkingDay` of the configured calendar) in a table, so that a
 * million due times cost no date walking: `after` and `between` are `addWorkingMs` and
 * `workingMsBetween` on that table. At start-up they are compared with the calendar module on
 * random instants, and every 64th SLA due time is computed both ways; any difference stops the run.
 */
export class WorkingDays {
  private readonly offset: number;
  private readonly firstDay: number;
  private readonly working: Uint8Array;
  private readonly dates: string[] = [];
  private checked = 0;
  constructor(
    private readonly calendar: Calendar,
    from: Date,
    to: Date,
  ) {
    this.offset = calendar.utcOffsetMinutes * MINUTE_MS;
    this.firstDay = Math.floor((from.getTime() + this.offset) / DAY_MS);
    const lastDay = Math.floor((to.getTime() + this.offset) / DAY_MS);
    this.working = new Uint8Array(lastDay - this.firstDay + 1);
    for (let d = 0; d < this.working.length; d++) {
      const start = new Date((this.firstDay + d) * DAY_MS - this.offset);
      this.working[d] = isWorkingDay(start, calendar) ? 1 : 0;
      this.dates.push(localDate(start, calendar));
    }
  }

  /** `addWorkingMs(start, ms)`; outside the table, the calendar module answers. */
  after(start: number, ms: number): number {
    let remaining = Math.round(ms);
    if (remaining === 0) return start;
    let position = start + this.offset;
    for (;;) {
      const day = Math.floor(position / DAY_MS);
      const flag = this.working[day - this.firstDay];
      if (flag === undefined)
        return addWorkingMs(new Date(position - this.offset), remaining, this.calendar).getTime();
      const dayEnd = (day + 1) * DAY_MS;
      if (flag === 1) {
        if (remaining <= dayEnd - position) return position + remaining - this.offset;
        remaining -= dayEnd - position;
      }
      position = dayEnd;
    }
  }

  /** `workingMsBetween(a, b)` for a ≤ b. */
  between(a: number, b: number): number {
    const end = b + this.offset;
    let position = a + this.offset;
    let total = 0;
    while (position < end) {
      const day = Math.floor(position / DAY_MS);
      const flag = this.working[day - this.firstDay];
      if (flag === undefined)
        return total + workingMsBetween(new Date(position - this.offset), new Date(b), this.calendar);
      const dayEnd = Math.min((day + 1) * DAY_MS, end);
      if (flag === 1) total += dayEnd - position;
      position = dayEnd;
    }
    return total;
  }

  /** `addWorkingDays(start, days)`, checked against the calendar module every 64th time. */
  addDays(start: number, days: number): number {
    const due = this.after(start, days * DAY_MS);
    if (this.checked++ % 64 === 0) this.expect(addWorkingDays(new Date(start), days, this.calendar), due);
    return due;
  }

  /** The local date ('YYYY-MM-DD') of an instant. */
  dateOf(instant: number): string {
    return (
      this.dates[Math.floor((instant + this.offset) / DAY_MS) - this.firstDay] ??
      localDate(new Date(instant), this.calendar)
    );
  }

  /** Compares the table with the calendar module on random instants and spans. */
  selfTest(rng: Rng, from: number, to: number): void {
    for (let i = 0; i < 2000; i++) {
      const start = from + Math.floor(rng() * (to - from));
      const ms = Math.floor(rng() * 30 * DAY_MS);
      this.expect(addWorkingMs(new Date(start), ms, this.calendar), this.after(start, ms));
      this.expect(
        new Date(workingMsBetween(new Date(start), new Date(start + ms), this.calendar)),
        this.between(start, start + ms),
      );
      const date = localDate(new Date(start), this.calendar);
      if (this.dateOf(start) !== date) throw new Error(`working-day table: ${this.dateOf(start)} ≠ ${date}`);
    }
  }

  private expect(real: Date, table: number): void {
    if (real.getTime() !== table)
      throw new Error(
        `working-day table disagrees with the calendar: ${new Date(table).toISOString()} ≠ ${real.toISOString()}`,
      );
  }
}

/** The events an application goes through, planned from its submission; later cut at `now`. */
function planTimeline(rng: Rng, service: ServiceInfo, submittedAt: number, days: WorkingDays): Timed[] {
  const { options, slaDays } = service;
  const at = (from: number, workingMs: number) => days.after(from, Math.max(MINUTE_MS, workingMs));
  const events: Planned[] = [{ type: 'SUBMIT', at: submittedAt }];
  const add = (type: string, time: number, department?: string) =>
    events.push({ type, at: time, ...(department ? { department } : {}) });
  const done = () => withSla(events, service, days);

  // How long the decision takes, as a share of the service-level time: mostly within it.
  const u = rng();
  const share = u < 0.85 ? 0.1 + 0.85 * rng() ** 1.3 : u < 0.97 ? 1 + 1.5 * rng() : 2.5 + 5 * rng();
  let left = share * slaDays * DAY_MS;
  const stuck = rng() < SHARES.stuck;
  if (rng() < SHARES.withdrawEarly) {
    add('WITHDRAW', at(submittedAt, rng() * 0.5 * left));
    return done();
  }
  const pickedUp = (0.05 + 0.25 * rng()) * left;
  let t = at(submittedAt, pickedUp);
  left -= pickedUp;
  if (stuck && rng() < 0.5) return done();
  add('START_REVIEW', t);
  if (stuck) return done();

  const outcome = rng();
  if (outcome < SHARES.withdrawLate) {
    add('WITHDRAW', at(t, rng() * left));
    return done();
  }
  const rejected = outcome < SHARES.withdrawLate + SHARES.reject;
  if (rng() < SHARES.requestInfo) {
    t = at(t, 0.3 * left);
    add('REQUEST_INFO', t);
    left *= 0.7;
    if (rng() < SHARES.neverAnswers) return done();
    t = at(t, (0.2 + 6 * rng() ** 2) * DAY_MS);
    add('RESUBMIT', t);
  }
  if (!rejected && options.siteInspection) {
    t = at(t, 0.2 * left);
    add('SCHEDULE_INSPECTION', t);
    t = at(t, 0.3 * left);
    add('INSPECTION_PASSED', t);
    left *= 0.5;
  }
  const bodies = options.clearances ?? [];
  if (!rejected && bodies.length > 0) {
    t = at(t, 0.1 * left);
    add('REQUEST_CLEARANCES', t);
    for (const body of bodies) {
      t = at(t, (0.6 / bodies.length) * left);
      add('APPROVE_CLEARANCE', t, body);
    }
    left *= 0.3;
  }
  t = at(t, left);
  if (rejected) {
    const closes = days.addDays(t, service.queryDays);
    events.push({ type: 'REJECT', at: t, closes });
    if (rng() < SHARES.raisesQuery) {
      const raised = t + Math.max(MINUTE_MS, rng() * 0.7 * (closes - t));
      add('RAISE_QUERY', raised);
      add('UPHOLD', at(raised, (0.5 + 5 * rng()) * DAY_MS));
    } else add('QUERY_WINDOW_CLOSE', closes);
    return done();
  }
  add('ACCEPT', t);
  if (options.fee) {
    if (rng() < SHARES.neverPays) return done();
    t += Math.round((0.05 + 12 * rng() ** 2) * DAY_MS);
    add('FEE_PAID', t);
  }
  if (options.payout) add('PAYOUT_DONE', t + Math.round((1 + 19 * rng()) * DAY_MS));
  return done();
}

/**
 * Follows the SLA clock as the engine keeps it (armed at submission, paused while the applicant
 * answers, resumed with what was left, stopped at the decision) and adds the SLA_ESCALATE the
 * deadline sweeper sends when a due time passes while the clock runs.
 */
function withSla(planned: Planned[], service: ServiceInfo, days: WorkingDays): Timed[] {
  const out: Timed[] = [];
  let due: number | null = null;
  let remaining: number | null = null;
  let running = false;
  let fired = false;
  for (const e of planned) {
    if (running && !fired && due !== null && due <= e.at) {
      out.push({ type: 'SLA_ESCALATE', at: due, due, remaining });
      fired = true;
    }
    switch (e.type) {
      case 'SUBMIT':
        due = days.addDays(e.at, service.slaDays);
        running = true;
        break;
      case 'REQUEST_INFO':
        remaining = due! > e.at ? days.between(e.at, due!) : 0;
        due = null;
        running = false;
        break;
      case 'RESUBMIT':
        due = days.after(e.at, remaining ?? 0);
        remaining = null;
        running = true;
        fired = false;
        break;
      case 'ACCEPT':
      case 'REJECT':
      case 'WITHDRAW':
        running = false;
        break;
    }
    out.push({ ...e, due, remaining });
  }
  if (running && !fired && due !== null) out.push({ type: 'SLA_ESCALATE', at: due, due, remaining });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------------

const APPLICATION_COLUMNS = (
  'id reference service_slug service_version applicant_id created_by channel municipality department ' +
  'state status snapshot form_data outcome assigned_to sla_due_at escalated submitted_at decided_at ' +
  'created_at updated_at version in_queue queue_due_at waiting_since waited_ms'
).split(' ');
const EVENT_COLUMNS =
  'application_id actor_id actor_role event from_state to_state from_status to_status comment payload created_at'.split(
    ' ',
  );
const DEADLINE_COLUMNS = ['application_id', 'key', 'event', 'due_at', 'created_at'];
const USER_COLUMNS =
  'id kind cpr cr name email mobile password_hash preferred_lang role municipality department created_at updated_at'.split(
    ' ',
  );

type Row = unknown[];

/** Multi-row INSERT … VALUES, values in column order (knex's SQLite builder would use UNION ALL). */
async function insertRows(trx: Knex, table: string, columns: string[], rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  await trx.raw(
    `insert into ${table} (${columns.join(',')}) values ${rows.map(() => tuple).join(',')}`,
    rows.flat() as Knex.RawBinding[],
  );
}

/** Inserts in statements of BATCH rows. */
async function insertAll(trx: Knex, table: string, columns: string[], rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH)
    await insertRows(trx, table, columns, rows.slice(i, i + BATCH));
}

/** A simple text progress bar on stderr, redrawn in place. */
export class ProgressBar {
  private readonly started = Date.now();
  private last = 0;
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(
    private readonly total: number,
    private readonly label: string,
    private readonly quiet = false,
  ) {}
  update(done: number, force = false): void {
    const now = Date.now();
    if (this.quiet || (!force && now - this.last < (this.tty ? 200 : 5000))) return;
    this.last = now;
    const share = this.total ? done / this.total : 1;
    const width = 30;
    const filled = Math.round(share * width);
    const elapsed = (now - this.started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (this.total - done) / rate : 0;
    const line =
      `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(1).padStart(5)}%` +
      `  ${done.toLocaleString('en')}/${this.total.toLocaleString('en')}` +
      `  ${Math.round(rate).toLocaleString('en')}/s  ${done >= this.total ? 'took' : 'ETA'} ${clockTime(done >= this.total ? elapsed : eta)}`;
    process.stderr.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
  finish(): void {
    this.update(this.total, true);
    if (this.tty && !this.quiet) process.stderr.write('\n');
  }
}

function clockTime(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export interface GenerateOptions {
  databaseUrl: string;
  count: number;
  seed: number;
  now: Date;
  applicants: number;
  password: string;
  quiet: boolean;
  /** Exactly these many submitted applications per service (and no drafts), instead of `count` drawn by weight. */
  exactCounts?: Record<string, number>;
  /** Submissions from this day on (default: the 12 months before `now`). */
  since?: Date;
}

export interface GenerateSummary {
  applications: number;
  seconds: number;
  byStatus: Record<string, number>;
  inQueue: Record<string, number>;
}

export async function generateApplications(
  options: GenerateOptions,
  log: (line: string) => void = (line) => console.error(line),
): Promise<GenerateSummary> {
  const config = loadConfig({ ...process.env, DATABASE_URL: options.databaseUrl });
  const calendar = createCalendar(config.calendar);
  const registry = await loadRegistry();
  const db = createDb(options.databaseUrl);
  const pg = clientOf(db) === 'pg';
  try {
    await migrateLatest(db);
    if (!pg) {
      // A bigger page cache for the bulk load only (this connection; the file is unchanged).
      await db.raw('PRAGMA cache_size = -262144');
    }
    const services = serviceInfo(registry);
    // A salt from the seed, so the same seed writes the same hash.
    const saltRng = rngFrom(options.seed, 4);
    const salt = Buffer.from(Array.from({ length: 16 }, () => Math.floor(saltRng() * 256)));
    const passwordHash = await argon2.hash(options.password, { ...ARGON2_PARAMS, salt });
    const departments = [...new Set([...services.values()].map((s) => s.definition.department))];
    const people = await createPopulation(
      db,
      { seed: options.seed, applicants: options.applicants, now: options.now, passwordHash, departments },
      log,
    );
    const started = Date.now();
    const summary = await writeApplications(db, options, services, people, calendar);
    log('report counters…');
    await rebuildCounters(db, calendar);
    if (pg) {
      await db.raw(
        `select setval(pg_get_serial_sequence('applications', 'id'), (select max(id) from applications))`,
      );
      // What autovacuum would have done by the time anyone looks: statistics and the visibility
      // map (without it PostgreSQL cannot use index-only scans).
      log('vacuum analyze…');
      await db.raw('vacuum analyze applications, application_events, deadlines, users');
    } else await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    return { ...summary, seconds: (Date.now() - started) / 1000 };
  } finally {
    await db.destroy();
  }
}

function serviceInfo(registry: Registry): Map<string, ServiceInfo> {
  const services = new Map<string, ServiceInfo>();
  for (const slug of Object.keys(SERVICE_WEIGHTS)) {
    const definition = registry.latest(slug);
    if (!definition) throw new Error(`service ${slug} is not in the registry`);
    if (definition.workflow.kind !== 'standard-review')
      throw new Error(`${slug}: only standard-review workflows are generated`);
    services.set(slug, {
      definition,
      options: definition.workflow.options,
      slaDays: definition.guide.slaDays,
      queryDays: definition.guide.queryWindowDays,
      ...formTemplate(definition),
      prefix: servicePrefix(slug),
      applicantKinds: [...definition.applicants] as ('resident' | 'investor')[],
    });
  }
  // A service added since the weights were published has no weight yet: it is simply not
  // generated (weight 0), so adding a service never needs an edit here.
  return services;
}

/** Local (UTC+3) days of the last 12 months, weighted: more e-services lately, few on days off. */
function dayWeights(now: Date, calendar: Calendar, assisted: boolean, since?: Date): Weighted<number> {
  const offset = calendar.utcOffsetMinutes * MINUTE_MS;
  const today = Math.floor((now.getTime() + offset) / DAY_MS);
  const first = since ? Math.floor((since.getTime() + offset) / DAY_MS) : today - YEAR_DAYS;
  const days: [number, number][] = [];
  for (let d = first; d <= today; d++) {
    const start = d * DAY_MS - offset;
    const working = isWorkingDay(new Date(start), calendar);
    if (assisted && !working) continue;
    const growth = 0.6 + (0.8 * (d - today + YEAR_DAYS)) / YEAR_DAYS;
    days.push([start, growth * (working ? 1 : 0.35)]);
  }
  return new Weighted(days);
}

/** Web submissions through the day and evening; counters, phones and partners in office hours. */
const WEB_HOURS = new Weighted(
  [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 4, 6, 7, 7, 6, 5, 4, 4, 4, 5, 6, 7, 7, 6, 4, 2].map(
    (w, h) => [h, w] as [number, number],
  ),
);

async function writeApplications(
  db: Knex,
  options: GenerateOptions,
  services: Map<string, ServiceInfo>,
  people: Population,
  calendar: Calendar,
): Promise<Omit<GenerateSummary, 'seconds'>> {
  const rng = rngFrom(options.seed, 2);
  const now = options.now.getTime();
  const days = new WorkingDays(
    calendar,
    new Date(now - (YEAR_DAYS + 30) * DAY_MS),
    new Date(now + 2 * YEAR_DAYS * DAY_MS),
  );
  days.selfTest(rngFrom(options.seed, 6), now - YEAR_DAYS * DAY_MS, now + YEAR_DAYS * DAY_MS);
  const serviceDraw = new Weighted(
    [...services.values()].map((s) => [s, SERVICE_WEIGHTS[s.definition.slug]!]),
  );
  const municipalityDraw = new Weighted(Object.entries(MUNICIPALITY_WEIGHTS) as [MunicipalityCode, number][]);
  const channelDraw = new Weighted(Object.entries(CHANNEL_WEIGHTS) as [Channel, number][]);
  const webDays = dayWeights(options.now, calendar, false, options.since);
  const officeDays = dayWeights(options.now, calendar, true, options.since);
  // With exact counts: every service as often as asked, in a shuffled order.
  const exact = options.exactCounts
    ? shuffle(
        rngFrom(options.seed, 7),
        Object.entries(options.exactCounts).flatMap(([slug, n]) => {
          const service = services.get(slug);
          if (!service) throw new Error(`service ${slug} is not in the registry`);
          return Array.from({ length: n }, () => service);
        }),
      )
    : null;
  const total = exact ? exact.length : options.count;
  const blocks = new Map<MunicipalityCode, number[]>();
  for (let b = 100; b <= 1400; b++) {
    const m = municipalityOfBlock(b);
    if (m) blocks.set(m, [...(blocks.get(m) ?? []), b]);
  }
  const paths = new WorkflowPaths(calendar);
  const drafts = new Map<string, JsonTemplate>();
  const draftSnapshot = (service: ServiceInfo) => {
    const slug = service.definition.slug;
    if (!drafts.has(slug))
      drafts.set(
        slug,
        new JsonTemplate(
          slotify(initialSnapshot(service.definition, { applicantId: SENTINEL.applicant }), []),
        ),
      );
    return drafts.get(slug)!;
  };
  const references = await referenceDrawer(db, rngFrom(options.seed, 3));
  const maxRow = await db('applications').max<{ id: number | string | null }[]>({ id: 'id' });
  let nextId = Number(maxRow[0]?.id ?? 0) + 1;

  const byStatus: Record<string, number> = {};
  const inQueue: Record<string, number> = {};
  const bar = new ProgressBar(total, 'applications', options.quiet);
  let written = 0;
  let writing = Promise.resolve();
  for (let done = 0; done < total;) {
    const inThis = Math.min(BATCH * BATCHES_PER_TRANSACTION, total - done);
    const apps: Row[] = [];
    const audit: Row[] = [];
    const deadlines: Row[] = [];
    for (let i = 0; i < inThis; i++) {
      const service = exact ? exact[done + i]! : serviceDraw.draw(rng);
      const kinds = service.applicantKinds;
      const kind = kinds.length === 1 ? kinds[0]! : rng() < 0.85 ? 'resident' : 'investor';
      const applicant = pick(rng, kind === 'resident' ? people.residents : people.investors);
      const municipality = rng() < SHARES.homeMunicipality ? applicant.home : municipalityDraw.draw(rng);
      const channel = channelDraw.draw(rng);
      const clerk = channel === 'web' ? null : pick(rng, people.counter.get(municipality)!);
      let submittedAt: number;
      do {
        const day = (clerk ? officeDays : webDays).draw(rng);
        const minute = clerk ? int(rng, 7 * 60 + 30, 14 * 60) : WEB_HOURS.draw(rng) * 60 + int(rng, 0, 59);
        submittedAt = day + minute * MINUTE_MS + int(rng, 0, 59) * 1000;
      } while (submittedAt >= now);
      const createdAt = submittedAt - (clerk ? int(rng, 5, 25) : int(rng, 3, 90)) * MINUTE_MS;
      const form = service.form.fill(
        formValues(
          service,
          applicant,
          pick(rng, blocks.get(municipality)!),
          municipality,
          submittedAt,
          days,
          rng,
        ),
      );
      const id = nextId++;

      if (!exact && rng() < SHARES.draft) {
        // prettier-ignore
        apps.push([
          id, null, service.definition.slug, service.definition.version, applicant.id, clerk?.id ?? null,
          channel, rng() < 0.6 ? municipality : null, service.definition.department, 'draft', 'draft',
          draftSnapshot(service).fill({ applicant: applicant.id }), form, null, null, null, false, null, null,
          new Date(createdAt), new Date(createdAt + int(rng, 1, 20) * MINUTE_MS), int(rng, 1, 3), false,
          QUEUE_NO_DUE, null, 0,
        ]);
        byStatus.draft = (byStatus.draft ?? 0) + 1;
        continue;
      }

      const planned = planTimeline(rng, service, submittedAt, days);
      const happened = planned.filter((e) => e.at <= now);
      const template = paths.template(service.definition, happened);
      const reviewed = happened.some((e) => e.type === 'START_REVIEW');
      const reviewer =
        reviewed || rng() < SHARES.assignedBeforeReview
          ? reviewerFor(rng, people, municipality, service)
          : null;
      // Four eyes: the supervisor who upholds a rejection is not the one who rejected.
      const supervisor = pick(
        rng,
        people.supervisors.get(municipality)!.filter((s) => s.id !== reviewer?.id),
      );

      // The columns apply-event.ts writes, event by event (SLA_ESCALATE changes only updated_at).
      const steps = happened.filter((e) => e.type !== 'SLA_ESCALATE');
      let slaDueAt: number | null = null;
      let decidedAt: number | null = null;
      let waitingSince: number | null = null;
      let waitedMs = 0;
      for (const [n, e] of steps.entries()) {
        const step = template.steps[n]!;
        if (step.slaDue) slaDueAt = e.due;
        else if (step.sla === 'paused') slaDueAt = null;
        if (DECIDED.has(step.toStatus) && step.toStatus !== step.fromStatus) decidedAt = e.at;
        if (step.toStatus === WAITING && step.fromStatus !== WAITING) waitingSince = e.at;
        else if (step.fromStatus === WAITING && step.toStatus !== WAITING && waitingSince !== null) {
          waitedMs += workingMsBetween(new Date(waitingSince), new Date(e.at), calendar);
          waitingSince = null;
        }
      }
      const current = steps.at(-1)!;
      const rejection = happened.find((e) => e.type === 'REJECT');
      const slaRunning = template.deadlines.includes('sla') && template.sla === 'running';
      const queued = QUEUE_STATUSES.has(template.status) && !template.final;
      const snapshot = template.snapshot.fill({
        applicant: applicant.id,
        reviewer: reviewer?.id ?? null,
        supervisor: supervisor.id,
        counter: clerk?.id ?? null,
        'due:sla': current.due === null ? null : new Date(current.due).toISOString(),
        'due:queryWindow': rejection?.closes ? new Date(rejection.closes).toISOString() : null,
        remaining: current.remaining,
        inspectionDate: days.dateOf(inspectionAt(planned) ?? now),
      });
      const reference = references(service.prefix, days.dateOf(submittedAt).slice(0, 4));
      const outcome =
        template.final && template.status === 'accepted'
          ? outcomeOf(service, id, municipality, decidedAt)
          : null;
      // prettier-ignore
      apps.push([
        id, reference, service.definition.slug, service.definition.version, applicant.id, clerk?.id ?? null,
        channel, municipality, service.definition.department, template.state, template.status, snapshot, form,
        outcome, reviewer?.id ?? null, dateOrNull(slaDueAt), template.escalated, new Date(submittedAt),
        dateOrNull(decidedAt), new Date(createdAt), new Date(happened.at(-1)!.at),
        3 + happened.length + (reviewer ? 1 : 0), queued,
        slaRunning && current.due !== null ? current.due : QUEUE_NO_DUE, dateOrNull(waitingSince), waitedMs,
      ]);
      // prettier-ignore
      audit.push([
        id, clerk?.id ?? applicant.id, clerk ? 'counter' : 'applicant', 'SUBMIT', 'draft', 'submitted',
        'draft', 'submitted', null, null, new Date(submittedAt),
      ]);
      // Deadlines still armed: the SLA while it is not yet due, the query window while it is open.
      if (slaRunning && current.due !== null && current.due > now) {
        const armed = steps.findLast((e) => e.type === 'SUBMIT' || e.type === 'RESUBMIT')!;
        deadlines.push([id, 'sla', 'SLA_ESCALATE', current.due, new Date(armed.at)]);
      }
      if (template.deadlines.includes('queryWindow') && rejection?.closes)
        deadlines.push([id, 'queryWindow', 'QUERY_WINDOW_CLOSE', rejection.closes, new Date(rejection.at)]);
      byStatus[template.status] = (byStatus[template.status] ?? 0) + 1;
      if (queued) inQueue[municipality] = (inQueue[municipality] ?? 0) + 1;
    }
    // Written while the next chunk is generated (the drivers work off the main thread).
    await writing;
    writing = writeChunk(db, apps, audit, deadlines).then(() => {
      written += apps.length;
      bar.update(written);
    });
    done += inThis;
  }
  await writing;
  bar.finish();
  return { applications: total, byStatus, inQueue };
}

const dateOrNull = (ms: number | null) => (ms === null ? null : new Date(ms));

/** Unique reference numbers in the portal's format; those already in the database are avoided. */
async function referenceDrawer(db: Knex, rng: Rng): Promise<(prefix: string, year: string) => string> {
  const used = new Set(await db('applications').whereNotNull('reference').pluck<string[]>('reference'));
  return (prefix, year) => {
    for (;;) {
      let code = '';
      for (let i = 0; i < 6; i++) code += REFERENCE_ALPHABET[Math.floor(rng() * REFERENCE_ALPHABET.length)];
      const reference = `${prefix}-${year}-${code}`;
      if (!used.has(reference)) {
        used.add(reference);
        return reference;
      }
    }
  };
}

/** One transaction per chunk: its applications, their audit rows and their open deadlines. */
async function writeChunk(db: Knex, apps: Row[], audit: Row[], deadlines: Row[]): Promise<void> {
  await db.transaction(async (trx) => {
    // A bulk load: a crash loses at most the last chunks, never consistency.
    if (clientOf(db) === 'pg') await trx.raw('set local synchronous_commit = off');
    await insertAll(trx, 'applications', APPLICATION_COLUMNS, apps);
    await insertAll(trx, 'application_events', EVENT_COLUMNS, audit);
    await insertAll(trx, 'deadlines', DEADLINE_COLUMNS, deadlines);
  });
}

function inspectionAt(planned: Timed[]): number | undefined {
  const passed = planned.find((e) => e.type === 'INSPECTION_PASSED');
  const booked = planned.find((e) => e.type === 'SCHEDULE_INSPECTION');
  return passed?.at ?? (booked ? booked.at + 2 * DAY_MS : undefined);
}

function reviewerFor(
  rng: Rng,
  people: Population,
  municipality: MunicipalityCode,
  service: ServiceInfo,
): Staff {
  const department = service.definition.department;
  const x = rng();
  if (x < SHARES.reviewedBySupervisor) return pick(rng, people.supervisors.get(municipality)!);
  const own = people.reviewers.get(`${municipality}/${department}`);
  const front = people.reviewers.get(`${municipality}/${FRONT_OFFICE}`)!;
  return pick(rng, own && x > SHARES.reviewedBySupervisor + SHARES.reviewedByFrontOffice ? own : front);
}

function formValues(
  service: ServiceInfo,
  applicant: Applicant,
  block: number,
  municipality: MunicipalityCode,
  submittedAt: number,
  days: WorkingDays,
  rng: Rng,
): Record<string, unknown> {
  const values: Record<string, unknown> = {
    name: applicant.name,
    cpr: applicant.cpr ?? cprOf(rng),
    cr: applicant.cr ?? String(int(rng, 10_000, 199_999)),
    mobile: applicant.mobile,
    email: applicant.email,
    address: {
      flat: rng() < 0.3 ? String(int(rng, 1, 40)) : '',
      building: String(int(rng, 1, 3999)),
      road: String(int(rng, 1, 4999)),
      block: String(block),
      area: '',
      municipality,
    },
  };
  for (const [key, offset] of service.dates)
    values[`date:${key}`] = days.dateOf(submittedAt + offset * DAY_MS);
  return values;
}

/** What the outbox's deliveries record on an accepted application (server/services/deliveries.ts). */
function outcomeOf(
  service: ServiceInfo,
  id: number,
  municipality: string,
  decidedMs: number | null,
): string | null {
  const decidedAt = decidedMs === null ? null : new Date(decidedMs);
  const options = service.options;
  if (options.certificate && decidedAt)
    return JSON.stringify({
      certificate: {
        number: `CRT-${decidedAt.getUTCFullYear()}-${String(id).padStart(8, '0')}`,
        issuedAt: new Date(decidedAt.getTime() + 30_000).toISOString(),
      },
    });
  if (options.accountNumber)
    return JSON.stringify({
      accountNumber: `${municipality.slice(0, 3).toUpperCase()}-${String(id).padStart(8, '0')}`,
    });
  return null;
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

/** The start of today in Bahrain: the default end of the generated year, stable through the day. */
function startOfToday(calendar: Calendar): Date {
  return new Date(`${localDate(new Date(), calendar)}T00:00:00+03:00`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string' },
      'database-url': { type: 'string' },
      seed: { type: 'string', default: '42' },
      now: { type: 'string' },
      applicants: { type: 'string', default: '4000' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const count = Number(values.count);
  if (values.help || !Number.isSafeInteger(count) || count < 1) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const config = loadConfig();
  if (config.production) throw new Error('Refusing to generate test data with NODE_ENV=production.');
  const now = values.now ? new Date(values.now) : startOfToday(createCalendar(config.calendar));
  if (Number.isNaN(now.getTime())) throw new Error(`--now "${values.now}" is not a date`);
  const seed = Number(values.seed);
  const applicants = Number(values.applicants);
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
  if (!Number.isSafeInteger(applicants) || applicants < 10)
    throw new Error('--applicants must be at least 10');
  const databaseUrl = values['database-url'] ?? config.databaseUrl;
  const password = process.env.GENERATED_PASSWORD ?? DEFAULT_PASSWORD;
  console.error(
    `Generating ${count.toLocaleString('en')} applications in ${databaseUrl.replace(/\/\/[^@/]*@/, '//…@')} ` +
      `(seed ${seed}, up to ${now.toISOString()})`,
  );
  const summary = await generateApplications({
    databaseUrl,
    count,
    seed,
    now,
    applicants,
    password,
    quiet: values.quiet,
  });
  const rate = Math.round(summary.applications / summary.seconds).toLocaleString('en');
  console.log(
    `Done: ${summary.applications.toLocaleString('en')} applications in ${summary.seconds.toFixed(1)} s (${rate}/s).`,
  );
  console.log(
    `By status: ${Object.entries(summary.byStatus)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}`,
  );
  console.log(
    `In the queue: ${Object.entries(summary.inQueue)
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}`,
  );
  console.log(
    `Sign in as e.g. reviewer1.capital@staff.example.bh or supervisor1.capital@staff.example.bh ` +
      `with the password ${process.env.GENERATED_PASSWORD ? 'in GENERATED_PASSWORD' : DEFAULT_PASSWORD}.`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}

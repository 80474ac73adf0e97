import { type MunicipalityCode } from '../../../workflows/municipalities.js';

/** The shape of the generated data: published proportions, shares and plausible rates. (Part of server/cli/generate-applications.ts.) */

export const DEFAULT_PASSWORD = 'Generated-Portal-2026';

export const USAGE = `Generates realistic applications (with their applicants and staff) in the database.

  npx tsx server/cli/generate-applications.ts --count 1000000 [--database-url URL] [--seed 42]
      [--now ISO-INSTANT] [--applicants 4000] [--quiet]

--database-url  defaults to DATABASE_URL (or data/portal.sqlite)
--seed          random seed (default 42); the same seed and --now give the same data
--now           the end of the 12 months generated (default: the start of today, Bahrain time)
--applicants    residents and investors to create (default 4000)
--quiet         no progress bar
Generated accounts get the password in GENERATED_PASSWORD (default ${DEFAULT_PASSWORD}).`;
export const HOUR_MS = 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;
export const YEAR_DAYS = 365;
/** Rows per INSERT statement and statements per transaction. */
export const BATCH = 500;
export const BATCHES_PER_TRANSACTION = 10;

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
export const MUNICIPALITY_WEIGHTS: Record<MunicipalityCode, number> = {
  capital: 37,
  northern: 27,
  southern: 19,
  muharraq: 17,
};

export const CHANNEL_WEIGHTS = { web: 80, counter: 12, phone: 3, email: 3, partner: 2 } as const;
export type Channel = keyof typeof CHANNEL_WEIGHTS;

/** Staff per municipality: [capital, others]. */
export const STAFF_PLAN = {
  frontOfficeReviewers: [8, 4],
  departmentReviewers: [2, 1],
  supervisors: [3, 2],
  counter: [6, 3],
} as const;
export const FRONT_OFFICE = 'customer-services';

/** How often things happen (shares of applications, or of those that reach that point). */
export const SHARES = {
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

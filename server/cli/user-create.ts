import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createDb, migrateLatest } from '../../db/connection.js';
import { createServices } from '../services/index.js';
import { systemClock } from '../clock.js';
import { loadRegistry } from '../boot.js';
import { isMunicipalityCode, STAFF_ROLES, type StaffRole } from '../../workflows/municipalities.js';

const USAGE = `Creates a staff account.

  npm run user:create -- --name "Full Name" --email a@b.bh --role reviewer --municipality capital [--department customer-services] [--lang ar|en]

Roles: ${STAFF_ROLES.join(', ')}. Municipalities: capital, muharraq, northern, southern
(an admin may omit --municipality to work across all four).
A strong password is generated and printed once; set PASSWORD in the environment to choose one.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      municipality: { type: 'string' },
      department: { type: 'string' },
      lang: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.name || !values.email || !values.role) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const role = values.role as StaffRole;
  if (!STAFF_ROLES.includes(role)) throw new Error(`Unknown role "${values.role}".`);
  const municipality = values.municipality ?? null;
  if (municipality !== null && !isMunicipalityCode(municipality)) {
    throw new Error(`Unknown municipality "${municipality}".`);
  }
  if (municipality === null && role !== 'admin') throw new Error('Only an admin may have no municipality.');
  const lang = values.lang === 'en' ? 'en' : 'ar';

  const config = loadConfig();
  const logger = createLogger('warn');
  const db = createDb(config.databaseUrl);
  try {
    await migrateLatest(db);
    const services = createServices({
      db,
      config,
      clock: systemClock,
      logger,
      registry: await loadRegistry(),
    });
    const password = process.env.PASSWORD ?? randomBytes(18).toString('base64url');
    const id = await services.accounts.createStaff({
      name: values.name,
      email: values.email,
      password,
      role,
      municipality,
      department: values.department ?? 'customer-services',
      lang,
    });
    console.log(`Created staff account #${id} (${role}, ${municipality ?? 'all municipalities'}).`);
    if (!process.env.PASSWORD) console.log(`Password (shown once): ${password}`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

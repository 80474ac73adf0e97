import path from 'node:path';
import type { Knex } from 'knex';
import { createCalendar } from '../../workflows/calendar.js';
import type { Registry } from '../../workflows/registry.js';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { accountsService } from './accounts.js';
import { applicationsService } from './applications.js';
import { applyEventService } from './apply-event.js';
import { catalogueService } from './catalogue.js';
import { formRunnerService } from './form-runner.js';
import { documentsService } from './documents.js';
import { noticesService } from './notices.js';
import { backofficeService } from './backoffice.js';
import { statsService } from './stats.js';
import { clamdScanner, type MalwareScanner } from './malware-scanner.js';
import { deadlineSweeper } from './deadline-sweeper.js';
import { outboxHandlers } from './deliveries.js';
import { createMailer, type Mailer } from './mailer.js';
import { outboxWorker } from './outbox-worker.js';
import { certificatesService } from './certificates.js';
import { apiTokensService } from './api-tokens.js';
import { webhooksService } from './webhooks.js';
import { registryAdapter, registryChecksService, type RegistryAdapter } from './registry.js';
import { serviceSettingsService, settingsOverlay, type SettingsRegistry } from './service-settings.js';
import { serviceAdminService } from './service-admin.js';
import { queryFilesService } from './query-files.js';

export interface Dependencies {
  db: Knex;
  config: Config;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  mailer?: Mailer;
  scanner?: MalwareScanner;
  /** Another agency's registry; tests may pass their own. */
  registryAdapter?: RegistryAdapter;
}

/** Every use case, wired in one place; routes and workers receive this object. */
export function createServices(deps: Dependencies) {
  const { db, config, clock, logger } = deps;
  // Definitions with the administrators' settings laid over them (docs/decisions/0007).
  const registry: SettingsRegistry =
    'base' in deps.registry ? (deps.registry as SettingsRegistry) : settingsOverlay(deps.registry);
  const serviceSettings = serviceSettingsService({ db, clock, registry });
  const calendar = createCalendar(config.calendar);
  const mailer =
    deps.mailer ??
    createMailer({
      smtpUrl: config.smtpUrl,
      from: config.mailFrom,
      dir: path.join(config.dataDir, 'mail'),
      host: new URL(config.baseUrl).hostname,
    });
  const apiTokens = apiTokensService({ db, clock });
  const webhooks = webhooksService({
    db,
    clock,
    registry,
    tokens: apiTokens,
    timeoutMs: config.webhookTimeoutMs,
    production: config.production,
  });
  const registryChecks = registryChecksService({
    db,
    clock,
    logger,
    registry,
    ask: deps.registryAdapter ?? registryAdapter(config.registry),
  });
  const applyEvent = applyEventService({
    db,
    registry,
    clock,
    calendar,
    inTransaction: [webhooks.onApplicationEvent, registryChecks.onApplicationEvent],
  });
  const applications = applicationsService({ db, registry, clock, enabled: registry.enabled });
  const certificates = certificatesService({
    db,
    registry,
    clock,
    logger,
    baseUrl: config.baseUrl,
    onChange: (trx, event, data, subject) => webhooks.enqueue(trx, event, data, subject),
  });
  const scanner = deps.scanner ?? clamdScanner(config.clamav);
  const documents = documentsService({ db, config, clock, scanner, logger });
  return {
    registry,
    clock,
    calendar,
    accounts: accountsService(db, clock),
    catalogue: catalogueService(registry, registry.enabled),
    applications,
    forms: formRunnerService({
      db,
      registry,
      clock,
      calendar,
      applications,
      applyEvent,
      documents,
    }),
    documents,
    scanner,
    notices: noticesService(db, clock),
    backoffice: backofficeService({ db, registry, clock, calendar, applyEvent }),
    stats: statsService({ db, registry, calendar, clock }),
    applyEvent,
    raiseQuery: queryFilesService({ documents, applyEvent }),
    outbox: outboxWorker({
      db,
      clock,
      logger,
      handlers: {
        ...outboxHandlers({ db, registry, mailer, clock, baseUrl: config.baseUrl, certificates }),
        ...webhooks.handlers,
        ...registryChecks.handlers,
      },
    }),
    deadlines: deadlineSweeper({ db, clock, logger, applyEvent }),
    certificates,
    apiTokens,
    webhooks,
    registryChecks,
    serviceSettings,
    serviceAdmin: serviceAdminService({ db, clock, calendar, registry }),
  };
}

export type Services = ReturnType<typeof createServices>;

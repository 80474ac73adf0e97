import type { Knex } from 'knex';
import { describeState, initialSnapshot } from '../../workflows/engine.js';
import type { Registry } from '../../workflows/registry.js';
import type { PersistedSnapshot } from '../../workflows/types.js';
import { applicationsRepository, type ApplicationRow } from '../../db/repositories/applications.js';
import type { Clock } from '../clock.js';

export type Channel = 'web' | 'counter' | 'phone' | 'email' | 'partner';
export const CHANNELS: Channel[] = ['web', 'counter', 'phone', 'email', 'partner'];

/** Starting an application: a draft on the newest version of the service, kept on that version. */
/** Thrown when a new application is asked for a service an administrator disabled (HTTP 409). */
export class ServiceDisabledError extends Error {
  readonly status = 409;
  constructor(readonly slug: string) {
    super(`service ${slug} is not taking new applications`);
  }
}

export function applicationsService(deps: {
  db: Knex;
  registry: Registry;
  clock: Clock;
  /** Whether a service takes new applications (administrators may disable one). */
  enabled?: (slug: string) => boolean;
}) {
  const { db, registry, clock } = deps;
  const repo = applicationsRepository(db);

  async function createDraft(
    input: {
      serviceSlug: string;
      applicantId: number;
      createdBy?: number | null;
      channel?: Channel;
      municipality?: string | null;
      formData?: Record<string, unknown>;
    },
    trx: Knex = db,
  ): Promise<ApplicationRow> {
    const definition = registry.latest(input.serviceSlug);
    if (!definition) throw new Error(`unknown service ${input.serviceSlug}`);
    if (deps.enabled && !deps.enabled(definition.slug)) throw new ServiceDisabledError(definition.slug);
    const snapshot: PersistedSnapshot = initialSnapshot(definition, { applicantId: input.applicantId });
    const where = describeState(definition, snapshot);
    const now = clock.now();
    return repo.insert(trx, {
      reference: null,
      service_slug: definition.slug,
      service_version: definition.version,
      applicant_id: input.applicantId,
      created_by: input.createdBy ?? null,
      channel: input.channel ?? 'web',
      municipality: input.municipality ?? null,
      department: definition.department,
      state: where.state,
      status: where.status,
      snapshot: JSON.stringify(snapshot),
      form_data: JSON.stringify(input.formData ?? {}),
      outcome: null,
      assigned_to: null,
      sla_due_at: null,
      escalated: false,
      submitted_at: null,
      decided_at: null,
      created_at: now,
      updated_at: now,
    });
  }

  /** The person's applications, newest first; discarded drafts are left out. */
  async function listForApplicant(applicantId: number): Promise<ApplicationRow[]> {
    return db<ApplicationRow>('applications')
      .where({ applicant_id: applicantId })
      .whereNot({ state: 'discarded' })
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(200);
  }

  return {
    createDraft,
    listForApplicant,
    findById: (id: number) => repo.findById(id),
    findByReference: (reference: string) => db<ApplicationRow>('applications').where({ reference }).first(),
    events: (id: number) => repo.events(id),
  };
}

export type ApplicationsService = ReturnType<typeof applicationsService>;

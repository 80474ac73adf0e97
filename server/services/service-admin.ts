/**
 * What /admin/services shows and does besides settings: every service with its versions and how
 * many applications are in flight on each, and moving in-flight applications onto a newer version
 * where that version declares how (`migrateFrom`), one transaction and one audit row each.
 */
import type { Knex } from 'knex';
import type { AnyStateNode } from 'xstate';
import { describeState, migrateSnapshot } from '../../workflows/engine.js';
import { activeTimers, restoreSnapshot, topStateKey } from '../../workflows/machine-introspection.js';
import type { PersistedSnapshot, ServiceDefinition, WorkflowClock } from '../../workflows/types.js';
import {
  applicationsRepository,
  QUEUE_NO_DUE,
  type ApplicationRow,
} from '../../db/repositories/applications.js';
import type { Calendar } from '../../workflows/calendar.js';
import type { Clock } from '../clock.js';
import { QUEUE_STATUSES } from './apply-event.js';
import type { SettingsRegistry } from './service-settings.js';
import { shiftCounters } from './stats-counters.js';

/** The audit row's event name for a move onto a newer version. */
export const MIGRATE_EVENT = 'MIGRATE_VERSION';

export interface VersionCount {
  version: number;
  inFlight: number;
  drafts: number;
}

export interface MigrationItem {
  id: number;
  reference: string | null;
  from: string;
  /** The state on the new version; null when the application stays. */
  to: string | null;
  /** Why it stays: its state is listed in `stay`, or the new version has nothing for it. */
  reason: 'stays' | 'no_counterpart' | null;
}

export interface MigrationPlan {
  slug: string;
  fromVersion: number;
  toVersion: number;
  move: MigrationItem[];
  stay: MigrationItem[];
}

export type MigrationResult =
  | { ok: true; plan: MigrationPlan; moved: MigrationItem[]; skipped: MigrationItem[] }
  | { ok: false; code: 'no_migration' | 'unknown_service' };

const finalStates = (definition: ServiceDefinition): string[] =>
  (Object.values(definition.workflow.machine.root.states) as AnyStateNode[])
    .filter((node) => node.type === 'final')
    .map((node) => node.key);

export function serviceAdminService(deps: {
  db: Knex;
  clock: Clock;
  calendar: Calendar;
  registry: SettingsRegistry;
}) {
  const { db, clock, calendar, registry } = deps;
  const applications = applicationsRepository(db);

  /** Per service and version: applications not in a final state (drafts counted apart). */
  async function inFlight(): Promise<Map<string, VersionCount[]>> {
    const rows = await db('applications')
      .groupBy('service_slug', 'service_version', 'state')
      .select('service_slug', 'service_version', 'state')
      .count<{ service_slug: string; service_version: number; state: string; n: number | string }[]>({
        n: '*',
      });
    const counts = new Map<string, Map<number, VersionCount>>();
    for (const row of rows) {
      const version = Number(row.service_version);
      const definition = registry.base.get(row.service_slug, version);
      if (!definition || finalStates(definition).includes(row.state)) continue;
      const byVersion = counts.get(row.service_slug) ?? new Map<number, VersionCount>();
      const entry = byVersion.get(version) ?? { version, inFlight: 0, drafts: 0 };
      entry.inFlight += Number(row.n);
      if (row.state === 'draft') entry.drafts += Number(row.n);
      byVersion.set(version, entry);
      counts.set(row.service_slug, byVersion);
    }
    return new Map(
      [...counts].map(([slug, byVersion]) => [
        slug,
        [...byVersion.values()].sort((a, b) => a.version - b.version),
      ]),
    );
  }

  /** Every service for the admin list: newest version, all versions with counts, enabled. */
  async function overview() {
    const counts = await inFlight();
    return registry.all().map((definition) => ({
      definition,
      versions: registry.versions(definition.slug).map(
        (version) =>
          counts.get(definition.slug)?.find((c) => c.version === version) ?? {
            version,
            inFlight: 0,
            drafts: 0,
          },
      ),
      enabled: registry.enabled(definition.slug),
      migration: definition.migrateFrom ?? null,
    }));
  }

  async function candidates(slug: string, fromVersion: number, finals: string[]): Promise<ApplicationRow[]> {
    return db<ApplicationRow>('applications')
      .where({ service_slug: slug, service_version: fromVersion })
      .whereNotIn('state', finals)
      .orderBy('id');
  }

  function planOne(target: ServiceDefinition, row: ApplicationRow, fromVersion: number): MigrationItem {
    const from = row.state;
    const base = { id: row.id, reference: row.reference, from };
    if (target.migrateFrom?.stay?.includes(from)) return { ...base, to: null, reason: 'stays' };
    try {
      const moved = migrateSnapshot(target, JSON.parse(row.snapshot) as PersistedSnapshot, fromVersion);
      return { ...base, to: topStateKey(moved.value), reason: null };
    } catch {
      return { ...base, to: null, reason: 'no_counterpart' };
    }
  }

  /** What a migration of the service's in-flight applications would do, without doing it. */
  async function plan(slug: string): Promise<MigrationPlan | null> {
    const target = registry.base.latest(slug);
    const migration = target?.migrateFrom;
    const previous = migration ? registry.base.get(slug, migration.version) : undefined;
    if (!target || !migration || !previous) return null;
    const rows = await candidates(slug, migration.version, finalStates(previous));
    const items = rows.map((row) => planOne(target, row, migration.version));
    return {
      slug,
      fromVersion: migration.version,
      toVersion: target.version,
      move: items.filter((item) => item.to !== null),
      stay: items.filter((item) => item.to === null),
    };
  }

  /**
   * Moves each application the plan moves, in its own transaction: the row (version checked, so
   * an application acted on meanwhile is skipped, not overwritten), the report counters, the
   * deadlines its new state no longer arms, and an audit row in application_events.
   */
  async function migrate(slug: string, actorId: number): Promise<MigrationResult> {
    if (!registry.base.latest(slug)) return { ok: false, code: 'unknown_service' };
    const planned = await plan(slug);
    if (!planned) return { ok: false, code: 'no_migration' };
    const target = registry.get(slug, planned.toVersion)!;
    const moved: MigrationItem[] = [];
    const skipped: MigrationItem[] = [];
    for (const item of planned.move) {
      const row = await applications.findById(item.id);
      if (!row || row.service_version !== planned.fromVersion || row.state !== item.from) {
        skipped.push(item);
        continue;
      }
      const before = describeState(
        registry.get(slug, planned.fromVersion)!,
        JSON.parse(row.snapshot) as PersistedSnapshot,
      );
      let snapshot: PersistedSnapshot;
      try {
        snapshot = migrateSnapshot(
          target,
          JSON.parse(row.snapshot) as PersistedSnapshot,
          planned.fromVersion,
        );
      } catch {
        skipped.push(item);
        continue;
      }
      const after = describeState(target, snapshot);
      const armed = activeTimers(restoreSnapshot(target.workflow.machine, snapshot));
      const context = snapshot.context as { clock?: WorkflowClock };
      const deadlines = context.clock?.deadlines ?? {};
      // Deadlines the new state does not arm are dropped, from the row and from the snapshot.
      const dropped = Object.keys(deadlines).filter((key) => !armed.has(key));
      if (dropped.length > 0 && context.clock) {
        context.clock = {
          ...context.clock,
          deadlines: Object.fromEntries(Object.entries(deadlines).filter(([key]) => armed.has(key))),
        };
      }
      const now = clock.now();
      const ok = await db.transaction(async (trx) => {
        const updated = await applications.updateIfVersion(trx, row.id, row.version, {
          service_version: target.version,
          state: after.state,
          status: after.status,
          snapshot: JSON.stringify(snapshot),
          updated_at: now,
          in_queue: QUEUE_STATUSES.has(after.status) && !after.final,
          ...(dropped.includes('sla') ? { queue_due_at: QUEUE_NO_DUE } : {}),
        });
        if (!updated) return false;
        await shiftCounters(trx, row, updated, calendar);
        await applications.appendEvent(trx, {
          applicationId: row.id,
          actorId,
          actorRole: 'admin',
          event: MIGRATE_EVENT,
          fromState: before.state,
          toState: after.state,
          fromStatus: before.status,
          toStatus: after.status,
          comment: null,
          payload: { fromVersion: planned.fromVersion, toVersion: target.version },
          at: now,
        });
        if (dropped.length > 0)
          await applications.replaceDeadlines(
            trx,
            row.id,
            { cancelAll: false, cancel: dropped, arm: [] },
            now,
          );
        return true;
      });
      (ok ? moved : skipped).push(item);
    }
    return { ok: true, plan: planned, moved, skipped };
  }

  return { overview, inFlight, plan, migrate };
}

export type ServiceAdminService = ReturnType<typeof serviceAdminService>;

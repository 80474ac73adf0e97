/**
 * Service settings an administrator may change without a release: whether the service takes new
 * applications, its fee, its service-level days, its guide text and the reasons staff may pick.
 * They are laid over the definitions by the registry itself (`settingsOverlay`), so the catalogue,
 * the guide, the engine's deadlines and the back office all read the same values; every change is
 * validated like a definition and audited. Why it works this way: docs/decisions/0007.
 */
import type { Knex } from 'knex';
import type { Registry } from '../../workflows/registry.js';
import type { ReasonTemplate } from '../../workflows/schema/service.js';
import type { Localized, ServiceDefinition } from '../../workflows/types.js';
import type { Clock } from '../clock.js';

export interface ServiceSettings {
  enabled: boolean;
  fee: number | null;
  slaDays: number | null;
  guideText: Localized | null;
  reasonTemplates: ReasonTemplate[] | null;
  revision: number;
}

/** The registry with settings applied: what every part of the portal reads. */
export interface SettingsRegistry extends Registry {
  /** False when an administrator disabled the service: hidden, and no new applications. */
  enabled: (slug: string) => boolean;
  /** The stored settings of a service (undefined: none, the definition as written). */
  settingsOf(slug: string): ServiceSettings | undefined;
  /** The registry as loaded from the files, without settings. */
  readonly base: Registry;
  /** Lays a new set of settings over the definitions. */
  apply(settings: ReadonlyMap<string, ServiceSettings>): void;
  /** Called when a definition is read and the settings are older than the refresh interval. */
  onStale?: () => void;
  /** When the settings were last applied (process time, ms). */
  appliedAt: number;
}

/** How long a process trusts its copy of the settings before reading them again. */
export const SETTINGS_TTL_MS = 5000;

function overlaid(definition: ServiceDefinition, settings: ServiceSettings | undefined): ServiceDefinition {
  if (!settings) return definition;
  const { fee, slaDays, guideText, reasonTemplates } = settings;
  if (fee === null && slaDays === null && guideText === null && reasonTemplates === null) return definition;
  return Object.freeze({
    ...definition,
    ...(guideText ? { description: guideText } : {}),
    ...(reasonTemplates ? { reasonTemplates } : {}),
    guide: Object.freeze({
      ...definition.guide,
      ...(slaDays !== null ? { slaDays } : {}),
      fee: Object.freeze({ ...definition.guide.fee, ...(fee !== null ? { amount: fee } : {}) }),
    }),
  });
}

export function settingsOverlay(base: Registry, ttlMs = SETTINGS_TTL_MS): SettingsRegistry {
  let settings: ReadonlyMap<string, ServiceSettings> = new Map();
  const cache = new Map<string, ServiceDefinition>();
  const registry: SettingsRegistry = {
    base,
    appliedAt: 0,
    apply(next) {
      settings = next;
      cache.clear();
      registry.appliedAt = performance.now();
    },
    enabled: (slug) => settings.get(slug)?.enabled ?? true,
    settingsOf: (slug) => settings.get(slug),
    get(slug, version) {
      // Once settings were read (a process loads them at start), an old copy is refreshed in the background.
      if (registry.onStale && registry.appliedAt > 0 && performance.now() - registry.appliedAt > ttlMs)
        registry.onStale();
      const key = `${slug}@${version}`;
      let definition = cache.get(key);
      if (!definition) {
        const original = base.get(slug, version);
        if (!original) return undefined;
        definition = overlaid(original, settings.get(slug));
        cache.set(key, definition);
      }
      return definition;
    },
    latest(slug) {
      const version = base.versions(slug).at(-1);
      return version === undefined ? undefined : registry.get(slug, version);
    },
    all: () =>
      base
        .all()
        .map((d) => registry.get(d.slug, d.version))
        .filter((d): d is ServiceDefinition => d !== undefined),
    versions: (slug) => base.versions(slug),
  };
  return registry;
}

// ---------------------------------------------------------------------------------------------
// Storage and audit

interface SettingsRow {
  service_slug: string;
  enabled: boolean | number;
  fee_amount: number | string | null;
  sla_days: number | null;
  guide_text: string | null;
  reason_templates: string | null;
  revision: number;
  updated_by: number | null;
  updated_at: Date | string;
}

export interface SettingChange {
  id: number;
  setting: string;
  before: unknown;
  after: unknown;
  changedBy: number;
  changedByName: string | null;
  changedAt: Date;
}

const fromRow = (row: SettingsRow): ServiceSettings => ({
  enabled: row.enabled === true || row.enabled === 1,
  fee: row.fee_amount === null ? null : Number(row.fee_amount),
  slaDays: row.sla_days === null ? null : Number(row.sla_days),
  guideText: row.guide_text ? (JSON.parse(row.guide_text) as Localized) : null,
  reasonTemplates: row.reason_templates ? (JSON.parse(row.reason_templates) as ReasonTemplate[]) : null,
  revision: Number(row.revision),
});

/** The values an administrator edits, as they are now (settings applied). */
export function effectiveSettings(definition: ServiceDefinition, enabled: boolean) {
  return {
    enabled,
    fee: definition.guide.fee.amount,
    slaDays: definition.guide.slaDays,
    guideText: definition.description,
    reasonTemplates: definition.reasonTemplates ?? [],
  };
}
type Effective = ReturnType<typeof effectiveSettings>;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function serviceSettingsService(deps: { db: Knex; clock: Clock; registry: SettingsRegistry }) {
  const { db, clock, registry } = deps;
  let loading: Promise<void> | null = null;

  /** Reads every service's settings and lays them over the definitions. */
  function load(): Promise<void> {
    loading ??= (async () => {
      try {
        const rows = await db<SettingsRow>('service_settings').select();
        registry.apply(new Map(rows.map((row) => [row.service_slug, fromRow(row)])));
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  /** Reads the settings again when this process's copy is older than the refresh interval. */
  async function fresh(): Promise<void> {
    if (performance.now() - registry.appliedAt > SETTINGS_TTL_MS) await load();
  }
  // A worker process reads definitions without a request: refresh in the background there.
  registry.onStale = () => {
    if (!loading) load().catch(() => undefined);
  };

  /**
   * Stores the changed settings of one service in one transaction with an audit row per setting
   * that changed (values as people see them, before and after). Values equal to the definition's
   * own are stored as "not overridden".
   */
  async function save(
    slug: string,
    next: Partial<Omit<Effective, 'reasonTemplates'> & { reasonTemplates: ReasonTemplate[] }>,
    actorId: number,
  ): Promise<{ changed: string[] }> {
    const original = registry.base.latest(slug);
    if (!original) throw new Error(`unknown service ${slug}`);
    await load();
    const current = effectiveSettings(registry.latest(slug)!, registry.enabled(slug));
    const changed = (Object.keys(next) as (keyof Effective)[]).filter(
      (key) => next[key] !== undefined && !same(current[key], next[key]),
    );
    if (changed.length === 0) return { changed };
    const merged = { ...current, ...next };
    const now = clock.now();
    const row = {
      enabled: merged.enabled,
      fee_amount: merged.fee === original.guide.fee.amount ? null : merged.fee,
      sla_days: merged.slaDays === original.guide.slaDays ? null : merged.slaDays,
      guide_text: same(merged.guideText, original.description) ? null : JSON.stringify(merged.guideText),
      reason_templates: same(merged.reasonTemplates, original.reasonTemplates ?? [])
        ? null
        : JSON.stringify(merged.reasonTemplates),
      updated_by: actorId,
      updated_at: now,
    };
    await db.transaction(async (trx) => {
      const existing = await trx<SettingsRow>('service_settings')
        .where({ service_slug: slug })
        .forUpdate()
        .first();
      if (existing) {
        await trx('service_settings')
          .where({ service_slug: slug })
          .update({ ...row, revision: Number(existing.revision) + 1 });
      } else {
        await trx('service_settings').insert({ service_slug: slug, ...row, revision: 1 });
      }
      await trx('service_setting_changes').insert(
        changed.map((setting) => ({
          service_slug: slug,
          setting,
          before: JSON.stringify(current[setting]),
          after: JSON.stringify(merged[setting]),
          changed_by: actorId,
          changed_at: now,
        })),
      );
    });
    await load();
    return { changed };
  }

  async function changes(slug: string, limit = 50): Promise<SettingChange[]> {
    const rows = await db('service_setting_changes as c')
      .leftJoin('users as u', 'u.id', 'c.changed_by')
      .where('c.service_slug', slug)
      .orderBy('c.id', 'desc')
      .limit(limit)
      .select<
        {
          id: number;
          setting: string;
          before: string | null;
          after: string | null;
          changed_by: number;
          name: string | null;
          changed_at: Date | string;
        }[]
      >('c.id', 'c.setting', 'c.before', 'c.after', 'c.changed_by', 'u.name', 'c.changed_at');
    return rows.map((r) => ({
      id: Number(r.id),
      setting: r.setting,
      before: r.before === null ? null : (JSON.parse(r.before) as unknown),
      after: r.after === null ? null : (JSON.parse(r.after) as unknown),
      changedBy: Number(r.changed_by),
      changedByName: r.name,
      changedAt: new Date(r.changed_at),
    }));
  }

  return {
    load,
    fresh,
    save,
    changes,
    setEnabled: (slug: string, enabled: boolean, actorId: number) => save(slug, { enabled }, actorId),
    enabled: (slug: string) => registry.enabled(slug),
  };
}

export type ServiceSettingsService = ReturnType<typeof serviceSettingsService>;

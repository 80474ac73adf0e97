/**
 * All service definitions the portal knows, by slug and version. Applications keep the version
 * they were created with; new applications get the latest.
 */
import { checkDefinitions, formatProblems } from './check.js';
import { serviceId } from './define-service.js';
import type { ServiceDefinition } from './types.js';

export interface Registry {
  /** The newest version of a service, or undefined when the slug is unknown. */
  latest(slug: string): ServiceDefinition | undefined;
  /** One exact version (the one an application was created with). */
  get(slug: string, version: number): ServiceDefinition | undefined;
  /** The latest version of every service, ordered by slug. */
  all(): ServiceDefinition[];
  /** Known versions of a service, ascending; empty when the slug is unknown. */
  versions(slug: string): number[];
}

export interface RegistryOptions {
  /**
   * Run the definition checker and refuse to build when it finds problems (default true), so a
   * broken definition stops the boot instead of reaching applicants.
   */
  check?: boolean;
}

export function createRegistry(
  definitions: readonly ServiceDefinition[],
  options: RegistryOptions = {},
): Registry {
  const bySlug = new Map<string, Map<number, ServiceDefinition>>();
  for (const definition of definitions) {
    const versions = bySlug.get(definition.slug) ?? new Map<number, ServiceDefinition>();
    if (versions.has(definition.version))
      throw new Error(`registry: duplicate service ${serviceId(definition)}`);
    versions.set(definition.version, definition);
    bySlug.set(definition.slug, versions);
  }
  if (options.check ?? true) {
    const problems = checkDefinitions(definitions);
    if (problems.length > 0)
      throw new Error(`registry: service definitions have problems:\n${formatProblems(problems)}`);
  }

  const sortedVersions = (slug: string): number[] =>
    [...(bySlug.get(slug)?.keys() ?? [])].sort((a, b) => a - b);
  const latest = (slug: string): ServiceDefinition | undefined => {
    const newest = sortedVersions(slug).at(-1);
    return newest === undefined ? undefined : bySlug.get(slug)?.get(newest);
  };

  return {
    latest,
    get: (slug, version) => bySlug.get(slug)?.get(version),
    all: () =>
      [...bySlug.keys()]
        .sort()
        .map(latest)
        .filter((definition): definition is ServiceDefinition => definition !== undefined),
    versions: sortedVersions,
  };
}

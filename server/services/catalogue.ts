import { APPLICANT_KINDS, CATEGORIES, DEPARTMENTS, labelOf } from '../../workflows/catalogue.js';
import { describeSteps } from '../../workflows/engine.js';
import type { Registry } from '../../workflows/registry.js';
import type { Localized, ServiceDefinition } from '../../workflows/types.js';

/**
 * Folds text for search: Arabic without diacritics or tatweel, with the common letter variants
 * made one (أ إ آ ٱ → ا, ى → ي, ة → ه, ؤ → و, ئ → ي), Latin lower-cased, spaces collapsed.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/ى/g, 'ي')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/ئ/g, 'ي')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Every word of the query must appear in the service's names or summaries (either language). */
export function matchesQuery(definition: ServiceDefinition, query: string): boolean {
  const words = foldForSearch(query).split(' ').filter(Boolean);
  if (words.length === 0) return true;
  const haystack = foldForSearch(
    [
      definition.name.ar,
      definition.name.en,
      definition.summary.ar,
      definition.summary.en,
      definition.slug,
    ].join(' '),
  );
  return words.every((w) => haystack.includes(w));
}

export interface CategoryGroup {
  key: string;
  label: Localized;
  services: ServiceDefinition[];
}

/** The catalogue: the newest version of each service, grouped by category in a fixed order. */
export function catalogueService(registry: Registry, enabled: (slug: string) => boolean = () => true) {
  /** Disabled services are not listed (their guide still answers, saying they are not available). */
  const listed = () => registry.all().filter((d) => enabled(d.slug));

  function search(query: string): CategoryGroup[] {
    const services = listed().filter((d) => matchesQuery(d, query));
    return CATEGORIES.map((c) => ({
      key: c.key,
      label: c.label,
      services: services
        .filter((s) => s.category === c.key)
        .sort((a, b) => a.name.en.localeCompare(b.name.en)),
    })).filter((g) => g.services.length > 0);
  }

  function find(slug: string): ServiceDefinition | undefined {
    return registry.latest(slug);
  }

  /** The public description of a service: what the guide page shows and the API returns. */
  function describe(d: ServiceDefinition) {
    return {
      slug: d.slug,
      version: d.version,
      name: d.name,
      summary: d.summary,
      description: d.description,
      category: { key: d.category, label: labelOf(CATEGORIES, d.category) },
      department: { key: d.department, label: labelOf(DEPARTMENTS, d.department) },
      applicants: d.applicants.map((a) => ({ key: a, label: labelOf(APPLICANT_KINDS, a) })),
      fee: d.guide.fee,
      slaDays: d.guide.slaDays,
      queryWindowDays: d.guide.queryWindowDays,
      documents: d.guide.documents,
      fields: d.fields.map((f) => ({ ...f })),
      steps: describeSteps(d),
    };
  }

  return { search, find, describe, all: listed, enabled };
}

export type CatalogueService = ReturnType<typeof catalogueService>;
export type ServiceDescription = ReturnType<CatalogueService['describe']>;

/**
 * The one place in workflows/ that does I/O: at boot and in CLIs, read a directory of service
 * files and import them. Everything else in workflows/ stays pure.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isServiceDefinition } from './define-service.js';
import type { ServiceDefinition } from './types.js';

/** workflows/services next to this module (works from the sources and from dist/). */
export const DEFAULT_SERVICES_DIR = fileURLToPath(new URL('./services/', import.meta.url));

/**
 * Imports every .ts / .js file under `dir` (recursively, in path order) whose default export is
 * a definition or an array of definitions. Test files and declaration files are skipped. Errors
 * name the file.
 */
export async function loadDefinitions(dir: string = DEFAULT_SERVICES_DIR): Promise<ServiceDefinition[]> {
  const definitions: ServiceDefinition[] = [];
  for (const file of listDefinitionFiles(dir)) definitions.push(...(await loadDefinitionFile(file)));
  return definitions;
}

/** The definition files under `dir`, recursively, sorted (synchronous: usable to declare tests per file). */
export function listDefinitionFiles(dir: string = DEFAULT_SERVICES_DIR): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new Error(`${dir}: cannot read the service definitions directory`, { cause: error });
  }
  return entries
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listDefinitionFiles(full);
      // A linked file counts as a file (a deployment may link released services into its directory).
      const isFile =
        entry.isFile() || (entry.isSymbolicLink() && statSync(full, { throwIfNoEntry: false })?.isFile());
      return isFile && isDefinitionFile(entry.name) ? [full] : [];
    })
    .sort();
}

/** The definitions one file exports by default (one, or an array of versions). */
export async function loadDefinitionFile(file: string): Promise<ServiceDefinition[]> {
  const name = path.relative(process.cwd(), file) || file;
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const list = Array.isArray(exported) ? exported : [exported];
  if (list.length === 0 || !list.every(isServiceDefinition)) {
    throw new Error(`${name}: the default export must be a defineService(...) result or an array of them`);
  }
  return list;
}

function isDefinitionFile(base: string): boolean {
  if (base.endsWith('.d.ts') || /\.test\.[jt]s$/.test(base)) return false;
  return base.endsWith('.ts') || base.endsWith('.js');
}

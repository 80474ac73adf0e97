import { createRegistry, type Registry } from '../workflows/registry.js';
import { loadDefinitions } from '../workflows/load-definitions.js';
import { servicesDir } from './paths.js';

/**
 * Loads and checks every service definition under workflows/services, or the directory named by
 * SERVICES_DIR (refuses to start on a bad one).
 */
export async function loadRegistry(dir: string = process.env.SERVICES_DIR || servicesDir): Promise<Registry> {
  return createRegistry(await loadDefinitions(dir));
}

import { createRegistry, type Registry } from '../workflows/registry.js';
import { loadDefinitions } from '../workflows/load-definitions.js';
import { servicesDir } from './paths.js';

/** Loads and checks every service definition under workflows/services (refuses to start on a bad one). */
export async function loadRegistry(dir: string = servicesDir): Promise<Registry> {
  return createRegistry(await loadDefinitions(dir));
}

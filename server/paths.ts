import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json is), found the same way from source and from dist/. */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + dir);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findRoot();
export const viewsDir = path.join(projectRoot, 'views');
export const publicDir = path.join(projectRoot, 'public');
export const localesDir = path.join(projectRoot, 'server', 'locales');
/**
 * The released service definitions beside this module: workflows/services/*.ts from source (tsx),
 * dist/workflows/services/*.js from the build (`node dist/server/main.js` cannot import .ts).
 */
export const servicesDir = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'workflows',
  'services',
);
export const nodeModulesDir = path.join(projectRoot, 'node_modules');

/**
 * `npm run service:new -- <slug> [--dir workflows/services]`: writes `<dir>/<slug>.ts`, a new
 * service on the standard workflow with «TODO: …» placeholders in both languages that
 * `npm run workflow:check` refuses until they are written. Refuses a bad slug and a slug that
 * already exists (as a file or as a loaded definition).
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_SERVICES_DIR, loadDefinitions } from '../load-definitions.js';
import { scaffoldService, slugProblem } from '../scaffold.js';

const WORKFLOWS_DIR = fileURLToPath(new URL('../', import.meta.url));

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string' } } });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return usage();
  }
  const slug = parsed.positionals[0];
  if (!slug || parsed.positionals.length > 1) return usage();
  const problem = slugProblem(slug);
  if (problem) {
    console.error(problem);
    return 1;
  }
  const dir = path.resolve(parsed.values.dir ?? DEFAULT_SERVICES_DIR);
  const file = path.join(dir, `${slug}.ts`);
  if (existsSync(file)) {
    console.error(`${path.relative(process.cwd(), file)} already exists: service "${slug}" is taken`);
    return 1;
  }
  if (existsSync(dir)) {
    let taken = false;
    try {
      taken = (await loadDefinitions(dir)).some((d) => d.slug === slug);
    } catch (error) {
      console.error(
        `cannot check existing services: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 1;
    }
    if (taken) {
      console.error(
        `a service with slug "${slug}" is already defined in ${path.relative(process.cwd(), dir) || dir}`,
      );
      return 1;
    }
  } else {
    console.error(`${dir}: no such directory`);
    return 1;
  }
  let prefix = path.relative(dir, WORKFLOWS_DIR).split(path.sep).join('/') || '.';
  if (!prefix.startsWith('.') && !prefix.startsWith('/')) prefix = `./${prefix}`;
  writeFileSync(file, scaffoldService(slug, prefix), { flag: 'wx' });
  console.log(`${path.relative(process.cwd(), file)} written.`);
  console.log('Replace every «TODO: …» in both languages, then run: npm run workflow:check');
  return 0;
}

function usage(): number {
  console.error('usage: npm run service:new -- <slug> [--dir workflows/services]');
  return 1;
}

process.exitCode = await main(process.argv.slice(2));

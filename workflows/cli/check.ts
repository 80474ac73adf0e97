/**
 * `npm run workflow:check [dir]`: loads the service definitions (workflows/services by default),
 * prints every problem the checker finds and exits with 1 if there is any.
 */
import { checkDefinitions, formatProblems } from '../check.js';
import { serviceId } from '../define-service.js';
import { DEFAULT_SERVICES_DIR, loadDefinitions } from '../load-definitions.js';

async function main(dir: string): Promise<number> {
  let definitions;
  try {
    definitions = await loadDefinitions(dir);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  if (definitions.length === 0) {
    console.error(`${dir}: no service definitions found`);
    return 1;
  }
  const problems = checkDefinitions(definitions);
  if (problems.length > 0) {
    console.error(formatProblems(problems));
    console.error(
      `\n${problems.length} problem(s) in ${new Set(problems.map((p) => p.service)).size} definition(s).`,
    );
    return 1;
  }
  console.log(`${definitions.length} definition(s) OK: ${definitions.map(serviceId).join(', ')}`);
  return 0;
}

process.exitCode = await main(process.argv[2] ?? DEFAULT_SERVICES_DIR);

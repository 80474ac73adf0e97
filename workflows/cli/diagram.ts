/**
 * `npm run workflow:diagram -- <slug> [--lang ar|en] [--version N] [--out file.svg] [--dir services]`:
 * writes the SVG diagram of a service's workflow (every state, every transition with its event
 * and the roles allowed, final states with a double border). Without --lang it writes both
 * languages, `<slug>.en.svg` and `<slug>.ar.svg`, in the current directory.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderDiagram, type DiagramLang } from '../diagram.js';
import { DEFAULT_SERVICES_DIR, loadDefinitions } from '../load-definitions.js';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        lang: { type: 'string' },
        version: { type: 'string' },
        out: { type: 'string' },
        dir: { type: 'string' },
      },
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return usage();
  }
  const { values, positionals } = parsed;
  const slug = positionals[0];
  if (!slug || positionals.length > 1) return usage();
  if (values.lang !== undefined && values.lang !== 'ar' && values.lang !== 'en') {
    console.error(`--lang must be "ar" or "en" (got "${values.lang}")`);
    return 1;
  }
  let definitions;
  try {
    definitions = await loadDefinitions(values.dir ?? DEFAULT_SERVICES_DIR);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const versions = definitions.filter((d) => d.slug === slug).sort((a, b) => a.version - b.version);
  if (versions.length === 0) {
    console.error(
      `no service "${slug}"; known: ${[...new Set(definitions.map((d) => d.slug))].sort().join(', ')}`,
    );
    return 1;
  }
  const definition = values.version
    ? versions.find((d) => String(d.version) === values.version)
    : versions.at(-1);
  if (!definition) {
    console.error(
      `${slug} has no version ${values.version}; known: ${versions.map((d) => d.version).join(', ')}`,
    );
    return 1;
  }
  const langs: DiagramLang[] = values.lang ? [values.lang] : ['en', 'ar'];
  for (const lang of langs) {
    const file = values.out && langs.length === 1 ? values.out : `${slug}.${lang}.svg`;
    const svg = await renderDiagram(definition, { lang, standalone: true });
    writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
    console.log(`${path.resolve(file)}: ${slug}@${definition.version} (${lang})`);
  }
  return 0;
}

function usage(): number {
  console.error(
    'usage: npm run workflow:diagram -- <slug> [--lang ar|en] [--version N] [--out file.svg] [--dir services]',
  );
  return 1;
}

process.exitCode = await main(process.argv.slice(2));

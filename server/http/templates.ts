import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';

/**
 * The views' EJS templates, compiled without `with` (docs/decisions/0022).
 *
 * EJS wraps a template in `with (locals) { … }` unless told otherwise, and inside `with` every name
 * the template reads (`t`, `field`, `pick`, …) is looked up at run time in the locals object and
 * then the scopes around it: V8 cannot resolve it when it compiles the template. Here each template
 * is compiled with its free names declared once at its top instead (`var t = locals.t, …`, EJS's
 * `destructuredLocals`), which are ordinary local variables. The template's own code goes inside a
 * block, so a `const` of its own with one of those names shadows the declaration instead of
 * clashing with it.
 *
 * Includes (`include('/partials/input', { … })`, always written from the views directory) are
 * rendered here too, with the including page's values under the ones the include passes (a
 * prototype chain rather than EJS's copy of every value for each include).
 */

type Locals = Record<string, unknown>;
type Template = (
  locals: Locals,
  escapeFn: (markup: unknown) => string,
  include: (view: string, data?: Locals) => string,
) => string;

/** Names a template may use that are never locals: the language's words and the globals. */
const KEYWORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else export extends finally for ' +
    'function if import in instanceof let new return super switch this throw try typeof var void while ' +
    'with yield await of null true false async static get set arguments eval ' +
    'locals escapeFn include rethrow __append __output __line __lines __filename __locals'
  ).split(' '),
);

/**
 * The names a template reads that may come from its locals: every identifier in its code (between
 * `<%` and `%>`) that is not a property (`a.b`), a keyword or a global. Names the template declares
 * itself are included too; they are shadowed (see above). Strings are skipped, but the expressions
 * of template literals are read.
 */
export function freeNames(template: string): string[] {
  const code = [...template.matchAll(/<%(?!%)[_=\-#]?([\s\S]*?)[_-]?%>/g)]
    .filter((m) => !m[0].startsWith('<%#'))
    .map((m) => withoutStrings(m[1]!))
    .join('\n');
  const names = new Set<string>();
  for (const m of code.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)/g)) {
    const name = m[1]!;
    if (!KEYWORDS.has(name) && !(name in globalThis)) names.add(name);
  }
  return [...names];
}

/** Code with its strings and comments blanked, keeping the `${…}` expressions of template literals. */
function withoutStrings(code: string): string {
  let out = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && code[i + 1] === '*') {
      i = code.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else if (c === "'" || c === '"') {
      for (i++; i < code.length && code[i] !== c; i++) if (code[i] === '\\') i++;
      out += "''";
    } else if (c === '`') {
      out += "''";
      for (i++; i < code.length && code[i] !== '`'; i++) {
        if (code[i] === '\\') i++;
        else if (code[i] === '$' && code[i + 1] === '{') {
          let depth = 1;
          let expression = '';
          for (i += 2; i < code.length && depth > 0; i++) {
            if (code[i] === '{') depth++;
            if (code[i] === '}') depth--;
            if (depth > 0) expression += code[i];
          }
          i--;
          out += ` ${withoutStrings(expression)} `;
        }
      }
    } else {
      out += c;
    }
  }
  return out;
}

/** Compiles one template file (the block and the declarations described above). */
export function compileTemplate(file: string): Template {
  const text = fs.readFileSync(file, 'utf8');
  return ejs.compile(`<% { %>${text}<% } %>`, {
    client: true,
    filename: file,
    _with: false,
    destructuredLocals: freeNames(text),
  });
}

/**
 * Renders views from `viewsDir`, keeping each compiled template when `cache` is set (every
 * environment but development, where an edited view shows on the next request).
 */
export function templateRenderer(viewsDir: string, cache: boolean) {
  const compiled = new Map<string, Template>();
  const templateOf = (file: string): Template => {
    let template = cache ? compiled.get(file) : undefined;
    if (!template) {
      template = compileTemplate(file);
      if (cache) compiled.set(file, template);
    }
    return template;
  };
  // An include's file from the name the view gives it: a page includes a field's template for each of
  // its questions, and joining the path every time was a tenth of the page's render time.
  const files = new Map<string, string>();
  const fileOf = (view: string): string => {
    let file = files.get(view);
    if (file === undefined) {
      file = path.join(viewsDir, path.extname(view) ? view : `${view}.ejs`);
      files.set(view, file);
    }
    return file;
  };
  const render = (file: string, locals: Locals): string =>
    templateOf(file)(locals, ejs.escapeXML, (view, data) =>
      render(fileOf(view), data ? Object.assign(Object.create(locals) as Locals, data) : locals),
    );
  return render;
}

import path from 'node:path';
import { viewsDir } from '../paths.js';
import { templateRenderer } from './templates.js';

type Callback = (err: Error | null, html?: string) => void;

const layoutFile = path.join(viewsDir, 'layout.ejs');

/**
 * The view engine: renders the page, then the layout around it (`body`), unless the page
 * sets `layout: false`. Pages set `title` for the <title> and the main heading.
 * `res.locals.lazy` holds values the layout needs that cost a query (the unread-notice count):
 * they are fetched only when a layout is rendered, so requests that redirect never pay for them.
 */
export function layoutEngine(production: boolean) {
  // Templates compiled without `with`, includes written from the views directory (templates.ts).
  const render = templateRenderer(viewsDir, production);
  return (file: string, options_: object, callback: Callback): void => {
    const locals = options_ as Record<string, unknown>;
    let body: string;
    try {
      body = render(file, locals);
    } catch (err) {
      return callback(err instanceof Error ? err : new Error(String(err)));
    }
    if (locals.layout === false) return callback(null, body);
    resolveLazy(locals.lazy).then(
      (values) => {
        let html: string;
        try {
          // The page's values, under the lazy ones and the body (no copy of every value).
          html = render(
            layoutFile,
            Object.assign(Object.create(locals) as Record<string, unknown>, values, { body }),
          );
        } catch (err) {
          return callback(err instanceof Error ? err : new Error(String(err)));
        }
        callback(null, html);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
    );
  };
}

export type LazyLocals = Record<string, () => Promise<unknown>>;

async function resolveLazy(lazy: unknown): Promise<Record<string, unknown>> {
  if (!lazy) return {};
  const entries = Object.entries(lazy as LazyLocals);
  const values = await Promise.all(entries.map(([, load]) => load()));
  return Object.fromEntries(entries.map(([key], i): [string, unknown] => [key, values[i]]));
}

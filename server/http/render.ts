import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../paths.js';

type Callback = (err: Error | null, html?: string) => void;

const layoutFile = path.join(viewsDir, 'layout.ejs');

/**
 * The view engine: renders the page, then the layout around it (`body`), unless the page
 * sets `layout: false`. Pages set `title` for the <title> and the main heading.
 * `res.locals.lazy` holds values the layout needs that cost a query (the unread-notice count):
 * they are fetched only when a layout is rendered, so requests that redirect never pay for them.
 */
export function layoutEngine(production: boolean) {
  // Includes are written from the views directory ('/partials/input'): no file look-up per include.
  const options = { cache: production, async: false, root: viewsDir };
  return (file: string, options_: object, callback: Callback): void => {
    const locals = options_ as Record<string, unknown>;
    ejs.renderFile(file, locals, options, (err, body) => {
      if (err) return callback(err);
      if (locals.layout === false) return callback(null, body);
      resolveLazy(locals.lazy).then(
        (values) => ejs.renderFile(layoutFile, { ...locals, ...values, body }, options, callback),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    });
  };
}

export type LazyLocals = Record<string, () => Promise<unknown>>;

async function resolveLazy(lazy: unknown): Promise<Record<string, unknown>> {
  if (!lazy) return {};
  const entries = Object.entries(lazy as LazyLocals);
  const values = await Promise.all(entries.map(([, load]) => load()));
  return Object.fromEntries(entries.map(([key], i): [string, unknown] => [key, values[i]]));
}

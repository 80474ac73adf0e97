import path from 'node:path';
import ejs from 'ejs';
import { viewsDir } from '../paths.js';

type Callback = (err: Error | null, html?: string) => void;

const layoutFile = path.join(viewsDir, 'layout.ejs');

/**
 * The view engine: renders the page, then the layout around it (`body`), unless the page
 * sets `layout: false`. Pages set `title` for the <title> and the main heading.
 */
export function layoutEngine(production: boolean) {
  const options = { cache: production, async: false };
  return (file: string, options_: object, callback: Callback): void => {
    const locals = options_ as Record<string, unknown>;
    ejs.renderFile(file, locals, options, (err, body) => {
      if (err) return callback(err);
      if (locals.layout === false) return callback(null, body);
      ejs.renderFile(layoutFile, { ...locals, body }, options, callback);
    });
  };
}

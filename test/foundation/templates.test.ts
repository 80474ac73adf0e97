import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import ejs from 'ejs';
import { compileTemplate, freeNames, templateRenderer } from '../../server/http/templates.js';
import { viewsDir } from '../../server/paths.js';

/** Every view file under `dir`. */
function viewFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? viewFiles(path.join(dir, e.name))
        : e.name.endsWith('.ejs')
          ? [path.join(dir, e.name)]
          : [],
    );
}

describe('Views compiled without `with` (decision 0022)', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'views-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a template is read, then its free names are the identifiers it uses, not properties, strings, comments, keywords or globals', () => {
    const names = freeNames(
      [
        '<%= t("home.title") %> <%- body %>',
        '<% // a comment naming ghost',
        'const shown = items.filter((item) => item.visible && Number(item.count) > limit); %>',
        "<%= `${user.name}: ${format(total)}` + 'literal words' %>",
        '<%# a comment tag naming phantom %>',
        '<% if (typeof errors !== "undefined") { %><%= encodeURIComponent(path) %><% } %>',
      ].join('\n'),
    );
    expect(names).to.include.members([
      't',
      'body',
      'items',
      'limit',
      'user',
      'format',
      'total',
      'errors',
      'path',
    ]);
    expect(names).not.to.include.members([
      'ghost',
      'phantom',
      'literal',
      'words',
      'visible',
      'count',
      'name',
    ]);
    expect(names).not.to.include.members(['const', 'typeof', 'Number', 'encodeURIComponent', 'undefined']);
  });

  it('when a template declares a name it also receives, then it renders with its own value instead of failing to compile', () => {
    // `label` is a free name (it is read), and the template's own `const` of it must still compile.
    write('page.ejs', "<% const label = heading + ':'; %><%= label %> <%= heading %>");
    expect(templateRenderer(dir, true)(path.join(dir, 'page.ejs'), { heading: 'Home', label: 'x' })).to.equal(
      'Home: Home',
    );
  });

  it('when a page includes a partial, then the partial sees the page’s values under its own and changes none of them', () => {
    write(
      'page.ejs',
      "<%- include('/parts/line', { label: 'Name' }) %>|<%= label %>|<%- include('/parts/line') %>",
    );
    write('parts/line.ejs', '<%= label %>=<%= value %><% if (typeof missing !== "undefined") { %>!<% } %>');
    const html = templateRenderer(dir, true)(path.join(dir, 'page.ejs'), { label: 'Page', value: 'x<y' });
    expect(html).to.equal('Name=x&lt;y|Page|Page=x&lt;y');
  });

  it('when views are cached, then an edited file is read again only without the cache', () => {
    write('page.ejs', 'one');
    const cached = templateRenderer(dir, true);
    const fresh = templateRenderer(dir, false);
    const file = path.join(dir, 'page.ejs');
    expect([cached(file, {}), fresh(file, {})]).to.deep.equal(['one', 'one']);
    write('page.ejs', 'two');
    expect([cached(file, {}), fresh(file, {})]).to.deep.equal(['one', 'two']);
  });

  it('when a template fails, then the error names its file and line', () => {
    write('broken.ejs', 'first line\n<%= missingFunction() %>');
    expect(() => templateRenderer(dir, true)(path.join(dir, 'broken.ejs'), {}))
      .to.throw(/missingFunction is not a function/)
      .with.property('message')
      .that.matches(/broken\.ejs:2/);
  });

  it('when a template is rendered, then the HTML is the same as EJS’s own renderer makes', () => {
    const text =
      '<ul><% for (const [i, item] of items.entries()) { %><li class="<%= i % 2 ? "odd" : "even" %>"><%= item %></li><% } %></ul>' +
      '<%- raw %> <%= missing ?? "none" %>';
    write('list.ejs', text);
    const locals = { items: ['a', '<b>', '"c"'], raw: '<hr>', missing: null };
    expect(templateRenderer(dir, true)(path.join(dir, 'list.ejs'), locals)).to.equal(
      ejs.render(text, locals),
    );
  });

  it('when every view of the portal is compiled, then each compiles', () => {
    const files = viewFiles(viewsDir);
    expect(files.length).to.be.greaterThan(40);
    for (const file of files) expect(() => compileTemplate(file), file).not.to.throw();
  });
});

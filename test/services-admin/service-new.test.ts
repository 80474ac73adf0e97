import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { loadDefinitions } from '../../workflows/load-definitions.js';
import { checkDefinitions } from '../../workflows/check.js';

const run = promisify(execFile);
const TSX = path.resolve('node_modules', '.bin', 'tsx');

async function cli(
  script: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [script, ...args], { cwd: process.cwd() });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** What a developer writes in place of each placeholder, in the placeholder's language. */
function fillIn(source: string): string {
  let n = 0;
  return source.replace(/'«TODO: [^»']*»'/g, (match) => {
    n++;
    return /[\u0600-\u06FF]/.test(match) ? `'نص مكتوب ${n}'` : `'Written text ${n}'`;
  });
}

describe('npm run service:new', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-new-service-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when a service is scaffolded, then workflow:check refuses it, naming each placeholder, until the texts are written, then passes', async () => {
    const made = await cli('workflows/cli/service-new.ts', ['shop-sign-permit', '--dir', dir]);
    expect(made.code, made.stderr).to.equal(0);
    const file = path.join(dir, 'shop-sign-permit.ts');
    const source = fs.readFileSync(file, 'utf8');
    expect(source).to.contain("slug: 'shop-sign-permit'");
    expect(source).to.contain('standardReview(');
    expect(source).to.match(/ar: '«TODO: /);
    expect(source).to.match(/en: '«TODO: /);

    const refused = await cli('workflows/cli/check.ts', [dir]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('shop-sign-permit@1: definition: name.ar starts with TODO');
    expect(refused.stderr).to.contain('shop-sign-permit@1: definition: name.en starts with TODO');
    expect(refused.stderr).to.contain('field "details": label.en starts with TODO');
    expect(refused.stderr).to.contain('shop-sign-permit@1: pages: page 2 title.ar starts with TODO');

    fs.writeFileSync(file, fillIn(source));
    expect(fs.readFileSync(file, 'utf8')).to.not.contain("'«TODO");
    const passed = await cli('workflows/cli/check.ts', [dir]);
    expect(passed.code, passed.stderr).to.equal(0);
    expect(passed.stdout).to.contain('1 definition(s) OK: shop-sign-permit@1');
    const [definition] = await loadDefinitions(dir);
    expect(checkDefinitions([definition!])).to.deep.equal([]);
  });

  it('when the slug is taken or malformed, then nothing is written and the message says why', async () => {
    const taken = await cli('workflows/cli/service-new.ts', ['residence-certificate']);
    expect(taken.code).to.equal(1);
    expect(taken.stderr).to.contain('service "residence-certificate" is taken');
    for (const bad of ['Shop_Sign', 'shop--sign', '-shop', 'x'.repeat(65)]) {
      const refused = await cli('workflows/cli/service-new.ts', ['--dir', dir, '--', bad]);
      expect(refused.code, bad).to.equal(1);
      expect(refused.stderr, bad).to.match(/is not a valid slug|is longer than 64 characters/);
    }
    const again = await cli('workflows/cli/service-new.ts', ['shop-sign-permit', '--dir', dir]);
    expect(again.code).to.equal(0);
    const twice = await cli('workflows/cli/service-new.ts', ['shop-sign-permit', '--dir', dir]);
    expect(twice.code).to.equal(1);
    expect(twice.stderr).to.contain('already exists');
    expect(fs.readdirSync(dir)).to.deep.equal(['shop-sign-permit.ts']);
  });
});

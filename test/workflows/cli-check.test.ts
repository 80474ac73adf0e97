import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../workflows/cli/check.ts', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));

function runCheck(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run workflow:check', () => {
  it('when the shipped services are checked, then it says they are OK and exits with 0', () => {
    const result = runCheck();
    expect(result.stderr).to.equal('');
    expect(result.stdout).to.match(/definition\(s\) OK: .*residence-certificate@1/);
    expect(result.status).to.equal(0);
  });

  it('when a definition still has TODO placeholders, then it prints each problem and exits with 1', () => {
    const result = runCheck(fixture('services-unfinished'));
    expect(result.stderr).to.contain('unfinished-service@1: definition: name.en starts with TODO');
    expect(result.status).to.equal(1);
  });

  it('when a file cannot be loaded, then it prints the file and exits with 1', () => {
    const result = runCheck(fixture('services-bad'));
    expect(result.stderr).to.match(/not-a-definition\.ts: the default export/);
    expect(result.status).to.equal(1);
  });
});

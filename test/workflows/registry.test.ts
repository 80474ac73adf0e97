import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { loadDefinitions } from '../../workflows/load-definitions.js';
import { createRegistry } from '../../workflows/registry.js';
import { sampleService } from './support/workflow-fixtures.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}/`, import.meta.url));

describe('Service registry', () => {
  const v1 = sampleService();
  const v2 = sampleService({ fee: true }, { version: 2 });
  const other = sampleService({}, { slug: 'another-service' });

  it('when two versions of a service are registered, then latest gives the newest and get gives an exact one', () => {
    const registry = createRegistry([v2, other, v1]);
    expect(registry.latest('sample-permit')).to.equal(v2);
    expect(registry.get('sample-permit', 1)).to.equal(v1);
    expect(registry.versions('sample-permit')).to.deep.equal([1, 2]);
  });

  it('when all services are listed, then each appears once, in its latest version, ordered by slug', () => {
    expect(createRegistry([v1, other, v2]).all()).to.deep.equal([other, v2]);
  });

  it('when an unknown slug or version is asked for, then nothing comes back', () => {
    const registry = createRegistry([v1]);
    expect(registry.latest('no-such-service')).to.equal(undefined);
    expect(registry.get('sample-permit', 9)).to.equal(undefined);
    expect(registry.versions('no-such-service')).to.deep.equal([]);
  });

  it('when the same slug and version are registered twice, then the registry refuses to build', () => {
    expect(() => createRegistry([v1, sampleService()])).to.throw(
      'registry: duplicate service sample-permit@1',
    );
  });

  it('when a definition has problems, then the registry refuses to build and lists them, unless checking is turned off', () => {
    const unfinished = sampleService({}, { name: { ar: 'TODO', en: 'TODO' } });
    expect(() => createRegistry([unfinished])).to.throw(
      /sample-permit@1: definition: name.en starts with TODO/,
    );
    expect(createRegistry([unfinished], { check: false }).latest('sample-permit')).to.equal(unfinished);
  });
});

describe('Loading service definitions from a directory', () => {
  it('when the shipped services directory is loaded, then both example services come back', async () => {
    const slugs = (await loadDefinitions()).map((d) => `${d.slug}@${d.version}`);
    expect(slugs).to.include.members(['residence-certificate@1', 'building-completion-certificate@1']);
  });

  it('when a directory has nested folders, arrays of versions, test files and declaration files, then only definitions are loaded', async () => {
    const loaded = await loadDefinitions(fixture('services-ok'));
    expect(loaded.map((d) => `${d.slug}@${d.version}`)).to.deep.equal([
      'other-service@1',
      'sample-permit@1',
      'sample-permit@2',
    ]);
  });

  it('when a file exports something that is not a definition, then the error names the file', async () => {
    const error = await loadDefinitions(fixture('services-bad')).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/not-a-definition\.ts: the default export must be a defineService/);
  });

  it('when a definition file throws while loading, then the error names the file and the problem', async () => {
    const error = await loadDefinitions(fixture('services-throwing')).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/invalid-slug\.ts: Invalid service definition Not Kebab@1/);
  });

  it('when the directory does not exist, then the error names it', async () => {
    const error = await loadDefinitions(fixture('no-such-dir')).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.match(/no-such-dir.*cannot read/);
  });
});

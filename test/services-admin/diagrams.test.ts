import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { sharedRegistry } from '../support/context.js';
import { renderDiagram } from '../../workflows/diagram.js';
import { describeSteps } from '../../workflows/engine.js';
import { allStateNodes, externalEventTypes, pathOf } from '../../workflows/machine-introspection.js';
import type { ServiceDefinition } from '../../workflows/types.js';

const run = promisify(execFile);

/** The SVG's data-state / data-event attributes, split into single names. */
function attributeValues(svg: string, name: string): Set<string> {
  const values = new Set<string>();
  for (const match of svg.matchAll(new RegExp(`${name}="([^"]*)"`, 'g'))) {
    for (const value of (match[1] ?? '').split(' ')) if (value) values.add(value);
  }
  return values;
}

describe('Workflow diagrams', function () {
  this.timeout(120_000);
  let definitions: ServiceDefinition[];

  before(async () => {
    const registry = await sharedRegistry();
    definitions = registry
      .all()
      .flatMap((d) => registry.versions(d.slug).map((v) => registry.get(d.slug, v)!));
  });

  it('when a diagram is drawn for every service, in both languages, then it names every state and every event, marks final states and carries no style attribute or script', async () => {
    expect(definitions.length).to.be.greaterThan(20);
    for (const definition of definitions) {
      const machine = definition.workflow.machine;
      for (const lang of ['en', 'ar'] as const) {
        const svg = await renderDiagram(definition, { lang });
        const name = `${definition.slug}@${definition.version} (${lang})`;
        const states = attributeValues(svg, 'data-state');
        for (const node of allStateNodes(machine))
          expect(states, `${name}: state ${pathOf(node)}`).to.include(pathOf(node));
        const events = attributeValues(svg, 'data-event');
        for (const event of externalEventTypes(machine)) {
          expect(events, `${name}: event ${event}`).to.include(event);
          expect(svg, `${name}: ${event} written out`).to.contain(`>${event}</tspan>`);
        }
        const finals = allStateNodes(machine).filter((n) => n.type === 'final' && n.parent === machine.root);
        expect((svg.match(/class="state final"/g) ?? []).length, name).to.equal(finals.length);
        expect(svg).to.not.match(/\sstyle=|<script|on\w+=/i);
        expect(svg).to.contain(`<title id="${definition.slug}-full-title">`);
      }
    }
  });

  it('when a transition is drawn, then its label names the roles allowed to take it, in the page’s language', async () => {
    const definition = definitions.find((d) => d.slug === 'residence-certificate')!;
    const en = await renderDiagram(definition, { lang: 'en' });
    expect(en).to.contain('>REJECT</tspan> · reviewer, supervisor');
    const ar = await renderDiagram(definition, { lang: 'ar' });
    expect(ar).to.contain('>REJECT</tspan> · المراجع، المشرف');
    expect(ar).to.contain('direction="rtl"');
  });

  it('when the applicant’s diagram is drawn, then it shows only the guide’s steps in order, in the page’s language', async () => {
    const definition = definitions.find((d) => d.slug === 'building-permit')!;
    const svg = await renderDiagram(definition, { lang: 'ar', view: 'applicant' });
    const steps = describeSteps(definition);
    let at = 0;
    for (const step of steps) {
      const next = svg.indexOf(step.label.ar, at);
      expect(next, step.key).to.be.greaterThan(-1);
      at = next;
    }
    expect(svg).to.not.contain('SLA_ESCALATE');
    expect(svg).to.not.contain('under_review<');
  });

  it('when npm run workflow:diagram is run for a service, then it writes the SVG file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-diagram-'));
    try {
      const out = path.join(dir, 'permit.svg');
      await run(path.resolve('node_modules', '.bin', 'tsx'), [
        'workflows/cli/diagram.ts',
        'excavation-permit',
        '--lang',
        'en',
        '--out',
        out,
      ]);
      const svg = fs.readFileSync(out, 'utf8');
      expect(svg).to.match(/^<\?xml/);
      expect(svg).to.contain('xmlns="http://www.w3.org/2000/svg"');
      expect(svg).to.contain('APPROVE_CLEARANCE');
      const unknown = await run(path.resolve('node_modules', '.bin', 'tsx'), [
        'workflows/cli/diagram.ts',
        'no-such-service',
      ]).catch((e: { code: number; stderr: string }) => e);
      expect((unknown as { code: number }).code).to.equal(1);
      expect((unknown as { stderr: string }).stderr).to.contain('no service "no-such-service"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

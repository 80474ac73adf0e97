import { expect } from 'chai';
import { topStateKey } from '../../workflows/machine-introspection.js';
import { describeState } from '../../workflows/engine.js';
import type { EventActor, ServiceDefinition } from '../../workflows/types.js';
import { createTestContext, dbLabel, sharedRegistry, type TestContext } from '../support/context.js';
import { makeResident, makeStaff } from '../support/people.js';
import {
  describePath,
  edgePaths,
  shortestPaths,
  simplePathsToFinal,
  type WorkflowPath,
} from '../workflows/support/graph-paths.js';

/**
 * Loop-free paths replayed per service through the database (the pure suite in test/workflows
 * replays all of them, and every transition from every state, against the planner alone).
 */
const SIMPLE_PATHS_PER_SERVICE = 8;
/** Services with inspections reach some 300 distinct states; an even sample of them goes to the database. */
const SHORTEST_PATHS_PER_SERVICE = 40;
const EDGE_PATHS_PER_SHAPE = 60;

/** An even sample, so long and short paths are both taken, deterministically. */
function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)]!);
}

const registry = await sharedRegistry();

describe(`Model-based workflow paths through the engine and the database (${dbLabel})`, () => {
  let ctx: TestContext;
  const people = new Map<string, number>();

  before(async () => {
    ctx = await createTestContext();
  });
  after(() => ctx.close());

  /** The model's people (fixed ids per role) become real accounts, created once. */
  async function personFor(actor: EventActor): Promise<number | null> {
    if (actor.userId === null) return null;
    const key = `${actor.role}:${actor.userId}`;
    let id = people.get(key);
    if (id === undefined) {
      id =
        actor.role === 'applicant'
          ? (await makeResident(ctx)).id
          : (await makeStaff(ctx, actor.role as 'reviewer')).id;
      people.set(key, id);
    }
    return id;
  }

  async function drive(definition: ServiceDefinition, path: WorkflowPath): Promise<void> {
    const applicant = await personFor({ role: 'applicant', userId: 101 });
    const draft = await ctx.services.applications.createDraft({
      serviceSlug: definition.slug,
      applicantId: applicant!,
      municipality: 'capital',
    });
    const sent: string[] = [];
    for (const step of path.steps.slice(1)) {
      const { actor, ...event } = step.event;
      const userId = await personFor(actor!);
      const result = await ctx.services.applyEvent({
        applicationId: draft.id,
        event,
        actor: { role: actor!.role, userId },
      });
      expect(result.ok, `${describePath(path)}: ${event.type} ${JSON.stringify(result)}`).to.equal(true);
      sent.push(event.type);
    }
    const row = (await ctx.services.applications.findById(draft.id))!;
    const expected = describeState(definition, JSON.parse(row.snapshot));
    expect(row.state, describePath(path)).to.equal(topStateKey(path.state.value));
    expect(row.status).to.equal(expected.status);
    const audit = await ctx.services.applications.events(draft.id);
    expect(
      audit.map((e) => e.event),
      describePath(path),
    ).to.deep.equal(sent);
    expect(audit.at(-1)?.to_state ?? 'draft').to.equal(row.state);
    for (let i = 1; i < audit.length; i++) expect(audit[i]!.from_state).to.equal(audit[i - 1]!.to_state);
    if (path.state.status === 'done') {
      expect(await ctx.db('deadlines').where({ application_id: draft.id })).to.deep.equal([]);
    }
  }

  // Services built with the same workflow options share a machine shape: transitions from reached
  // states are driven once per shape; shortest and complete paths for every service.
  const shapesDriven = new Set<string>();

  for (const definition of registry.all()) {
    it(`when the shortest paths and a sample of complete paths of ${definition.slug} are driven through the database, then status and audit trail match the model`, async function () {
      this.timeout(180_000);
      const shape = JSON.stringify([definition.workflow.kind, definition.workflow.options]);
      const shortest = shortestPaths(definition);
      const paths = [
        ...sample(shortest, SHORTEST_PATHS_PER_SERVICE),
        ...(shapesDriven.has(shape) ? [] : sample(edgePaths(definition, shortest), EDGE_PATHS_PER_SHAPE)),
        ...sample(simplePathsToFinal(definition, 12), SIMPLE_PATHS_PER_SERVICE),
      ];
      shapesDriven.add(shape);
      expect(paths.length).to.be.greaterThan(5);
      for (const path of paths) await drive(definition, path);
    });
  }

  it('when every path has been driven, then the report counters kept by each event equal a recount from the applications', async () => {
    const snapshot = async () =>
      (await ctx.db<Record<string, unknown>>('stats_daily').where('n', '<>', 0).select())
        .map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, Number(v) || v])))
        .sort();
    const kept = await snapshot();
    expect(kept.length).to.be.greaterThan(10);
    expect(await ctx.db('stats_daily').where('decided', '>', 0).first()).to.not.equal(undefined);
    await ctx.services.stats.rebuild();
    expect(await snapshot()).to.deep.equal(kept);
  });
});

import { expect } from 'chai';
import path from 'node:path';
import type { AnyStateNode } from 'xstate';
import { planEvent } from '../../workflows/engine.js';
import { listDefinitionFiles, loadDefinitionFile } from '../../workflows/load-definitions.js';
import { externalEventTypes, restoreSnapshot, topStateKey } from '../../workflows/machine-introspection.js';
import type { PersistedSnapshot, ServiceDefinition } from '../../workflows/types.js';
import {
  describePath,
  edgePaths,
  serializeState,
  shortestPaths,
  simplePathsToFinal,
  type WorkflowPath,
} from './support/graph-paths.js';

/**
 * Longest loop-free path replayed. The bound keeps the suite quick: the building completion
 * workflow alone has close to 900 loop-free paths, the longest over 16 steps, and the longer ones
 * only repeat combinations that the transition-coverage paths below take anyway.
 */
const MAX_STEPS = 12;

/**
 * Replays a path through the real planner as the server would: each step restores the snapshot
 * stored (as JSON) by the previous one, plans the event as the person sending it, and stores the
 * result, which must match the model's state (value, escalation, inspection, clearances).
 * Returns the problems found, so that every broken path is reported at once.
 */
function replay(definition: ServiceDefinition, graphPath: WorkflowPath): string[] {
  const machine = definition.workflow.machine;
  let persisted: PersistedSnapshot | null = null;
  for (const [index, step] of graphPath.steps.slice(1).entries()) {
    const { actor, ...event } = step.event;
    const where = `${describePath(graphPath)} — step ${index + 1} ${event.type}`;
    if (!actor) return [`${where}: the model's event has no actor`];
    const plan = planEvent({ definition, persisted, event, actor });
    if (!plan.ok) return [`${where} by ${actor.role}: refused with ${plan.code} (${plan.message})`];
    persisted = JSON.parse(JSON.stringify(plan.persisted)) as PersistedSnapshot;
    const reached = serializeState(restoreSnapshot(machine, persisted));
    const expected = serializeState(step.state);
    if (reached !== expected) return [`${where}: reached ${reached}, the model expected ${expected}`];
    if (plan.to !== topStateKey(step.state.value) || plan.final !== (step.state.status === 'done')) {
      return [`${where}: the plan says ${plan.to} (final: ${String(plan.final)})`];
    }
  }
  return [];
}

for (const file of listDefinitionFiles()) {
  describe(`Model-based workflow test: ${path.basename(file)}`, () => {
    const paths = new Map<
      ServiceDefinition,
      { shortest: WorkflowPath[]; simple: WorkflowPath[]; edges: WorkflowPath[] }
    >();
    before(async () => {
      for (const definition of await loadDefinitionFile(file)) {
        const shortest = shortestPaths(definition);
        paths.set(definition, {
          shortest,
          simple: simplePathsToFinal(definition, MAX_STEPS),
          edges: edgePaths(definition, shortest),
        });
      }
    });

    it('when every shortest path is replayed through the planner with JSON-stored snapshots, then each step reaches the state the model expects', () => {
      for (const [definition, { shortest }] of paths) {
        expect(shortest.length, `${definition.slug}: shortest paths`).to.be.greaterThan(5);
        expect(shortest.flatMap((p) => replay(definition, p))).to.deep.equal([]);
      }
    });

    it(`when every loop-free path to a final state (up to ${MAX_STEPS} steps) is replayed, then each ends where the model expects`, () => {
      for (const [definition, { simple }] of paths) {
        expect(simple.length, `${definition.slug}: simple paths`).to.be.greaterThan(5);
        expect(simple.every((p) => p.state.status === 'done')).to.equal(true);
        expect(simple.flatMap((p) => replay(definition, p))).to.deep.equal([]);
      }
    });

    it('when every transition is taken once from each state the model reaches, then the planner agrees with the model', () => {
      for (const [definition, { edges }] of paths) {
        expect(edges.flatMap((p) => replay(definition, p))).to.deep.equal([]);
      }
    });

    it('when the paths are taken together, then every state and every event of the workflow is exercised', () => {
      for (const [definition, { shortest, simple, edges }] of paths) {
        const machine = definition.workflow.machine;
        const all = [...shortest, ...simple, ...edges];
        const reachedStates = new Set(all.map((p) => topStateKey(p.state.value)));
        const sentEvents = new Set(all.flatMap((p) => p.steps.slice(1).map((s) => s.event.type)));
        expect([...reachedStates].sort()).to.deep.equal(
          Object.keys(machine.root.states as Record<string, AnyStateNode>).sort(),
        );
        expect([...sentEvents].sort()).to.deep.equal([...externalEventTypes(machine)].sort());
      }
    });
  });
}

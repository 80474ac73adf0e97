/**
 * Where one variant's time goes: N instances through the three events, with the V8 sampling
 * profiler on around the timed loop only (not the set-up), summarised by layer. The raw profile is
 * written next to the temporary database's directory for Chrome DevTools or speedscope.
 *
 * Run: `VARIANT=engine N=1000 SYNC=off npx tsx bench/engine.profile.ts` (VARIANT: engine, floor or bpmn;
 * SYNC=off leaves the disk out so the CPU side is visible; the default is the production FULL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';
import { table } from './engine/stats.js';
import {
  EVENTS,
  Recorder,
  createVariants,
  setup,
  synchronousMode,
  type VariantKey,
} from './engine/variants.js';

const KEY = process.env.VARIANT ?? 'engine';
const N = Number(process.env.N ?? 1000);
if (KEY !== 'engine' && KEY !== 'floor' && KEY !== 'bpmn')
  throw new Error(`VARIANT must be engine, floor or bpmn`);
if (!Number.isInteger(N) || N <= 0) throw new Error(`N must be a positive integer`);
const SYNC = (process.env.SYNC ?? 'full').toLowerCase();

/** Layers, matched from the sampled frame upwards; the first frame that matches names the layer. */
const LAYERS: [string, (url: string, fn: string) => boolean][] = [
  ['sqlite3 driver (JS + binding)', (url) => url.includes('/sqlite3/')],
  ['knex (build SQL, runner, trx)', (url) => url.includes('/knex/')],
  ['xstate (restore/transition/persist)', (url) => url.includes('/xstate/')],
  ['workflow planner (workflows/)', (url) => url.includes('/workflows/')],
  ['bpmn-engine (+ smqp, moddle)', (url) => /\/(bpmn-|smqp|moddle)/.test(url)],
  ['apply path glue (server/, db/)', (url) => url.includes('/server/') || url.includes('/db/')],
  ['benchmark driver (bench/)', (url) => url.includes('/bench/')],
];
/** Functions whose inclusive (synchronous) time is worth showing on its own. */
const FUNCTIONS: [string, (url: string, fn: string) => boolean][] = [
  [
    'planEvent (all of the check + transition)',
    (url, fn) => fn === 'planEvent' && url.includes('workflows/engine'),
  ],
  ['restoreSnapshot', (url, fn) => fn === 'restoreSnapshot' && url.includes('workflows/')],
  ['xstate transition()', (url, fn) => fn === 'transition' && url.includes('/xstate/')],
  ['planTimers', (url, fn) => fn === 'planTimers'],
  ['JSON.parse', (url, fn) => fn === 'parse' && url === ''],
  ['JSON.stringify', (url, fn) => fn === 'stringify' && url === ''],
  ['knex toSQL', (url, fn) => fn === 'toSQL' && url.includes('/knex/')],
];

function summarise(profile: Profiler.Profile, events: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const layerMs = new Map<string, number>();
  const fnMs = new Map<string, number>();
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  profile.samples?.forEach((sample, i) => {
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    total += ms;
    const leaf = byId.get(sample)?.callFrame;
    let layer: string | undefined =
      leaf?.functionName === '(idle)'
        ? 'idle: waiting for SQLite I/O'
        : leaf?.functionName === '(garbage collector)'
          ? 'garbage collector'
          : leaf?.functionName === '(program)'
            ? 'V8 (program)'
            : undefined;
    const seen = new Set<string>();
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame) break;
      layer ??= LAYERS.find(([, match]) => match(frame.url, frame.functionName))?.[0];
      for (const [name, match] of FUNCTIONS) if (match(frame.url, frame.functionName)) seen.add(name);
    }
    layer ??= 'node internals (promises, timers, events)';
    layerMs.set(layer, (layerMs.get(layer) ?? 0) + ms);
    for (const name of seen) fnMs.set(name, (fnMs.get(name) ?? 0) + ms);
  });
  const row = (name: string, ms: number) => [
    name,
    ms.toFixed(0),
    `${((ms / total) * 100).toFixed(1)}%`,
    ((ms / events) * 1000).toFixed(0),
  ];
  const layers = [...layerMs].sort((a, b) => b[1] - a[1]).map(([name, ms]) => row(name, ms));
  console.log(table(['layer (self time)', 'ms', 'share', 'µs/event'], layers));
  console.log('');
  const fns = FUNCTIONS.filter(([name]) => fnMs.has(name)).map(([name]) => row(name, fnMs.get(name) ?? 0));
  console.log(table(['function (inclusive, synchronous part)', 'ms', 'share', 'µs/event'], fns));
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-profile-'));
  const fx = await setup(dir, SYNC);
  const session = new Session();
  session.connect();
  try {
    const variant = (await createVariants(fx, [KEY as VariantKey])).get(KEY as VariantKey);
    if (!variant) throw new Error(`unknown variant ${KEY}`);
    const warm = await variant.prepare(Math.min(200, N));
    await new Recorder(warm.length * EVENTS.length).drive(variant, warm);
    const ids = await variant.prepare(N);

    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const recorder = new Recorder(ids.length * EVENTS.length);
    await recorder.drive(variant, ids);
    const { profile } = await session.post('Profiler.stop');
    await variant.verify(ids);

    const sample = recorder.sample();
    const file = path.join(os.tmpdir(), `${KEY}-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(profile));
    console.log(
      `${variant.name}: ${sample.events} events, ${sample.eventsPerSecond.toFixed(0)} events/s under the profiler, ` +
        `synchronous=${await synchronousMode(fx.db)}; profile in ${file}\n`,
    );
    summarise(profile, sample.events);
  } finally {
    session.disconnect();
    await fx.db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();

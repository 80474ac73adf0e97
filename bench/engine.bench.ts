/**
 * Events per second through the whole workflow apply path on SQLite, side by side with
 *   (a) the bare floor: the same kinds of rows written with knex in one transaction, no engine;
 *   (b) bpmn-engine: recover a persisted state, signal the waiting user task, persist the new state.
 *
 * Run: `npx tsx bench/engine.bench.ts` (N=2000 applications by default; `N=500 npx tsx …` for less).
 * Every variant drives N instances through three events (SUBMIT, START_REVIEW, ACCEPT), one awaited
 * event at a time, like one process serving requests. See bench/README.md for the figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { median, table, type Sample } from './engine/stats.js';
import {
  EVENTS,
  Recorder,
  createVariants,
  setup,
  synchronousMode,
  type Variant,
  type VariantKey,
} from './engine/variants.js';

const N = positiveInt(process.env.N, 2000);
const WARMUP = positiveInt(process.env.WARMUP, Math.min(200, N));
const ROUNDS = 3;
/** Applications per variant before the next variant takes its turn (see the driver). */
const SLICE = positiveInt(process.env.SLICE, 250);
/** `full` is what createDb sets (and production runs); `normal` or `off` take the disk out of the figures. */
const SYNC = (process.env.SYNC ?? 'full').toLowerCase();
/** `VARIANTS=engine` runs one variant alone (for profiling); the default runs all three. */
const ONLY = variantKeys(process.env.VARIANTS ?? 'engine,floor,bpmn');

function rotate<T>(items: T[], by: number): T[] {
  return items.map((_, i) => items[(i + by) % items.length]!);
}

function variantKeys(raw: string): VariantKey[] {
  const keys = raw.split(',').map((k) => k.trim());
  for (const key of keys) {
    if (key !== 'engine' && key !== 'floor' && key !== 'bpmn') throw new Error(`unknown variant "${key}"`);
  }
  return keys as VariantKey[];
}

function positiveInt(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`expected a positive integer, got "${raw}"`);
  return value;
}

/** Statements per event and stored state size after each event, counted on a few untimed instances. */
async function measureShape(db: Knex, variant: Variant): Promise<{ statements: number; bytes: number }> {
  const ids = await variant.prepare(10);
  let statements = 0;
  let bytes = 0;
  const onQuery = () => statements++;
  for (const event of EVENTS) {
    db.on('query', onQuery);
    try {
      for (const id of ids) await variant.apply(id, event);
    } finally {
      db.removeListener('query', onQuery);
    }
    bytes += await variant.stateBytes(ids);
  }
  await variant.verify(ids);
  return { statements: statements / (ids.length * EVENTS.length), bytes: bytes / EVENTS.length };
}

const fmt = (value: number, digits: number) => value.toFixed(digits);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-bench-'));
  const fx = await setup(dir, SYNC);
  try {
    const { db } = fx;
    const sqlite = (await db.raw<{ v: string }[]>('select sqlite_version() as v'))[0]?.v ?? '?';
    console.log(
      `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, SQLite ${sqlite} ` +
        `(WAL, synchronous=${await synchronousMode(db)}) at ${dir}`,
    );
    console.log(
      `N=${N} applications × ${EVENTS.length} events per variant per round, ${ROUNDS} rounds, ` +
        `slices of ${SLICE}, warm-up ${WARMUP}\n`,
    );

    const variants = await createVariants(fx, ONLY);
    const list = [...variants.values()];

    const shape = new Map<Variant, { statements: number; bytes: number }>();
    for (const variant of list) shape.set(variant, await measureShape(db, variant));
    for (const variant of list) {
      const ids = await variant.prepare(WARMUP);
      await new Recorder(ids.length * EVENTS.length).drive(variant, ids);
      await variant.verify(ids);
    }

    const samples = new Map<Variant, Sample[]>(list.map((v) => [v, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const prepared = new Map<Variant, number[]>();
      const recorders = new Map<Variant, Recorder>();
      for (const variant of rotate(list, round)) {
        prepared.set(variant, await variant.prepare(N));
        recorders.set(variant, new Recorder(N * EVENTS.length));
      }
      // Slice by slice, each variant in turn, with the order rotated per round and per slice, so a
      // noisy neighbour or a slower disk minute falls on every variant alike.
      for (let slice = 0; slice * SLICE < N; slice++) {
        for (const variant of rotate(list, round + slice)) {
          const ids = (prepared.get(variant) ?? []).slice(slice * SLICE, (slice + 1) * SLICE);
          await recorders.get(variant)?.drive(variant, ids);
        }
      }
      const line: string[] = [];
      for (const variant of list) {
        await variant.verify(prepared.get(variant) ?? []);
        const sample = recorders.get(variant)?.sample();
        if (!sample) throw new Error('no sample');
        samples.get(variant)?.push(sample);
        line.push(`${variant.name} ${fmt(sample.eventsPerSecond, 0)}/s`);
      }
      const inRound = (key: VariantKey) =>
        samples.get(variants.get(key) as Variant)?.[round]?.eventsPerSecond;
      const engineNow = inRound('engine') ?? Number.NaN;
      const ratios = [
        ['engine/floor', engineNow / (inRound('floor') ?? Number.NaN)],
        ['engine/bpmn-engine', engineNow / (inRound('bpmn') ?? Number.NaN)],
      ].filter(([, r]) => Number.isFinite(r));
      if (ratios.length > 0) line.push(ratios.map(([name, r]) => `${name} ${fmt(Number(r), 2)}`).join(', '));
      console.log(`round ${round + 1}: ${line.join(', ')}`);
    }

    const med = (v: Variant | undefined, pick: (s: Sample) => number) =>
      v ? median((samples.get(v) ?? []).map(pick)) : Number.NaN;
    const rate = (v: Variant | undefined) => med(v, (s) => s.eventsPerSecond);
    const floorRate = rate(variants.get('floor'));
    const rows = list.map((v) => [
      v.name,
      fmt(rate(v), 0),
      fmt(
        med(v, (s) => s.p50),
        2,
      ),
      fmt(
        med(v, (s) => s.p99),
        2,
      ),
      Number.isFinite(rate(v) / floorRate) ? fmt(rate(v) / floorRate, 2) : '-',
      (samples.get(v) ?? []).map((s) => fmt(s.eventsPerSecond, 0)).join(' / '),
      fmt(shape.get(v)?.statements ?? Number.NaN, 1),
      fmt(shape.get(v)?.bytes ?? Number.NaN, 0),
    ]);
    console.log(`\nmedian of ${ROUNDS} rounds, ${N * EVENTS.length} events per variant per round\n`);
    const header = ['variant', 'events/s', 'p50 ms', 'p99 ms', 'ratio to floor', 'rounds (events/s)'];
    console.log(table([...header, 'SQL/event', 'state bytes'], rows));

    // Two readings of each ratio: of the medians above, and the median of the ratios measured
    // within each round (the steadier one when the machine is shared, as both sides saw the same minutes).
    const roundRatio = (key: VariantKey) => {
      const engine = samples.get(variants.get('engine') as Variant) ?? [];
      const other = samples.get(variants.get(key) as Variant) ?? [];
      return median(engine.map((s, i) => s.eventsPerSecond / (other[i]?.eventsPerSecond ?? Number.NaN)));
    };
    const engineRate = rate(variants.get('engine'));
    console.log('');
    for (const [key, label, target, met] of [
      ['floor', 'engine / floor      ', '≥ 0.50', (r: number) => r >= 0.5],
      ['bpmn', 'engine / bpmn-engine', '> 1.00', (r: number) => r > 1],
    ] as const) {
      const ratio = engineRate / rate(variants.get(key));
      if (!Number.isFinite(ratio)) continue;
      const perRound = roundRatio(key);
      const ok = met(ratio) && met(perRound) ? 'met' : 'MISSED';
      console.log(
        `${label} = ${fmt(ratio, 2)} (median of per-round ratios ${fmt(perRound, 2)})  target ${target}: ${ok}`,
      );
    }
    console.log(`synchronous=${await synchronousMode(db)} at the end of the run`);
  } finally {
    await fx.db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();

import { summarize, table } from './stats.js';
import type { LoadResult } from './load.js';
import type { UsageReport } from './target-ipc.js';

/** The submissions benchmark's variants, what it measures of each target, and its printed tables. */

export const VARIANTS = ['nofile', 'file', 'submit'] as const;
export type Variant = (typeof VARIANTS)[number];
export type Kind = 'floor' | 'portal';

export const LABELS: Record<Variant, string> = {
  nofile: '2 fields',
  file: '2 fields + 100 KB PDF',
  submit: 'submit step only',
};

export interface UsageSample extends UsageReport {
  done: number;
}

export interface Measurement {
  kind: Kind;
  variant: Variant;
  count: number;
  load: LoadResult;
  usageIdle: UsageReport;
  /** After the warm-up, then after each segment. */
  usage: UsageSample[];
  /** Submissions per second in each segment. */
  segmentRates: number[];
  /** The machine's 1-minute load average after each segment: anything else running skews the figures. */
  loadAverage: number[];
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function report(results: Measurement[]): void {
  const rate = (m: Measurement) => summarize(m.load.total, m.load.wallMs).perSecond;
  const rows = results.map((r) => {
    const s = summarize(r.load.total, r.load.wallMs);
    const floor = results.find((f) => f.kind === 'floor' && f.variant === r.variant);
    // Segment by segment: portal rate over the floor rate measured just before it.
    const ratios = floor ? r.segmentRates.map((x, i) => x / floor.segmentRates[i]!) : [];
    const last = r.usage.at(-1)!;
    // CPU of the target process over the measured segments (it is idle while the other one runs).
    const cpuPerSubmission = (last.cpuMs - r.usage[0]!.cpuMs) / r.count;
    const systemPerSubmission = (last.systemMs - r.usage[0]!.systemMs) / r.count;
    return [
      `${r.kind} ${LABELS[r.variant]}`,
      String(r.count),
      (r.load.wallMs / 1000).toFixed(1),
      s.perSecond.toFixed(1),
      ms(s.p50),
      ms(s.p99),
      floor ? (s.perSecond / rate(floor)).toFixed(2) : '',
      ratios.length
        ? `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`
        : '',
      ms(cpuPerSubmission),
      ms(systemPerSubmission),
      mb(r.usageIdle.rss),
      mb(r.usage[0]!.rss),
      mb(last.rss),
      mb(last.heapUsed),
      Math.max(...r.loadAverage).toFixed(1),
    ];
  });
  const header = [
    'target',
    'N',
    'wall s',
    'subm/s',
    'p50 ms',
    'p99 ms',
    'vs floor',
    'per segment',
    'CPU ms',
    'sys ms',
  ];
  console.log('\n' + table([...header, 'RSS idle', 'RSS warm', 'RSS end', 'heap end', 'max load'], rows));

  const stepRows: string[][] = [];
  for (const r of results.filter((x) => x.kind === 'portal')) {
    for (const [step, times] of r.load.steps) {
      const s = summarize(times, r.load.wallMs);
      stepRows.push([LABELS[r.variant], step, ms(s.p50), ms(s.p99)]);
    }
  }
  if (stepRows.length > 0) {
    console.log('\nportal steps\n' + table(['variant', 'step', 'p50 ms', 'p99 ms'], stepRows));
  }

  console.log(
    '\nRSS/heap used after a full GC (MB), after the warm-up and after each segment, by submissions done',
  );
  const whole = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
  for (const r of results) {
    const samples = r.usage.map((m) => `${m.done}:${whole(m.rss)}/${whole(m.heapUsed)}`).join(' ');
    console.log(`  ${`${r.kind} ${LABELS[r.variant]}`.padEnd(36)} ${samples}`);
  }
}

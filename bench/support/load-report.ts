/**
 * What `npm run bench` (bench/load.bench.ts) prints: one line per endpoint as it is measured, and the
 * table of every row at the end (the format of bench/load.md's figures).
 */

export interface Measured {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  errors: number;
  rssMb: number[];
  /** CPU of the target's processes per answered request (ms): what the requests cost, whatever the rate. */
  cpuMsPerRequest: number;
  /** CPU of PostgreSQL's processes per answered request (ms); 0 on SQLite, which runs in the target. */
  dbCpuMsPerRequest: number;
}

export interface MeasuredRow {
  size: number;
  setup: string;
  endpoint: string;
  portal: Measured;
  floor: Measured;
  load: [number, number];
}

export type Row = MeasuredRow | { size: number; setup: string; endpoint: string; skipped: true };

const ms = (value: number) => value.toFixed(2);
const cpu = (m: Measured) =>
  `${ms(m.cpuMsPerRequest)}${m.dbCpuMsPerRequest > 0 ? ` + ${ms(m.dbCpuMsPerRequest)}` : ''}`;

/** The line printed when an endpoint has been measured on both targets. */
export function runLine(row: MeasuredRow): string {
  const side = (name: string, m: Measured) =>
    `${name} ${m.rps.toFixed(1).padStart(7)} req/s p50 ${m.p50} p99 ${m.p99} ms CPU ${cpu(m)} ms`;
  return (
    `  ${row.setup.padEnd(8)} ${row.endpoint.padEnd(16)} ${side('portal', row.portal)} | ${side('floor', row.floor)}` +
    ` | ratio ${(row.portal.rps / row.floor.rps).toFixed(2)} | RSS ${row.portal.rssMb.map((r) => r.toFixed(0)).join('/')} MB` +
    ` | errors ${row.portal.errors}/${row.floor.errors} | load ${row.load.map((l) => l.toFixed(1)).join('→')}`
  );
}

/** Every row as a Markdown table. CPU is the target's, then PostgreSQL's, per request. */
export function table(rows: Row[]): string {
  const lines = [
    '| size | set-up | endpoint | portal req/s | p50 / p99 ms | CPU ms/req | floor req/s | p50 / p99 ms | CPU ms/req | portal/floor | RSS MB per process | errors | load 1-min |',
    '|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of rows) {
    if ('skipped' in r) {
      lines.push(
        `| ${r.size.toLocaleString('en')} | ${r.setup} | ${r.endpoint} | not measured: the portal answered with an error | | | | | | | | | |`,
      );
      continue;
    }
    lines.push(
      `| ${r.size.toLocaleString('en')} | ${r.setup} | ${r.endpoint} | ${r.portal.rps.toFixed(1)} | ${r.portal.p50} / ${r.portal.p99} | ${cpu(r.portal)} | ${r.floor.rps.toFixed(1)} | ${r.floor.p50} / ${r.floor.p99} | ${cpu(r.floor)} | ${(r.portal.rps / r.floor.rps).toFixed(2)} | ${r.portal.rssMb.map((x) => x.toFixed(0)).join(' / ')} | ${r.portal.errors} | ${r.load.map((l) => l.toFixed(1)).join(' → ')} |`,
    );
  }
  return lines.join('\n');
}

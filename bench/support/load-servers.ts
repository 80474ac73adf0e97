/**
 * The processes of the load benchmark (bench/load.bench.ts): the portal and the floor, compiled as
 * production runs them (tsconfig.bench.json into .bench-build/; BENCH_TSX=1 runs the TypeScript
 * through tsx instead), started on a free port, and the RSS of the processes that serve requests.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../server/paths.js';
import { freePort, TSX_LOADER } from './server-process.js';

const COMPILED = process.env.BENCH_TSX !== '1';
const BUILD_DIR = path.join(projectRoot, '.bench-build');

/** A bench target's script as run: compiled JavaScript unless BENCH_TSX=1. */
export const target = (name: 'load-target' | 'load-floor-target') =>
  COMPILED ? path.join(BUILD_DIR, 'bench', `${name}.js`) : path.join(projectRoot, 'bench', `${name}.ts`);

/** Compiles the portal and the floor into .bench-build/ (unless BENCH_TSX=1). */
export function compileTargets(): void {
  if (!COMPILED) return;
  console.log('compiling the portal and the floor (tsconfig.bench.json → .bench-build/)…');
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  execFileSync(path.join(projectRoot, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.bench.json'], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
}

export interface Server {
  child: ChildProcess;
  base: URL;
  stop(): Promise<void>;
}

export async function startServer(script: string, env: Record<string, string>, cwd: string): Promise<Server> {
  const port = await freePort();
  const child = fork(script, [], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'error', PORT: String(port), ...env },
    // PROFILE_DIR: a V8 CPU profile of the portal process (one file per process) for each run.
    execArgv: [
      ...(process.env.BENCH_GC === '1' && !script.includes('floor') ? ['--expose-gc'] : []),
      // PORTAL_NODE_FLAGS: V8 flags for the portal only (e.g. --max-old-space-size=160).
      ...(process.env.PORTAL_NODE_FLAGS && !script.includes('floor')
        ? process.env.PORTAL_NODE_FLAGS.split(' ').filter(Boolean)
        : []),
      ...(process.env.PROFILE_DIR && !script.includes('floor')
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`]
        : []),
      ...(script.endsWith('.ts') ? ['--import', TSX_LOADER] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = new URL(`http://127.0.0.1:${port}`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited`);
    try {
      const res = await fetch(new URL(script.includes('floor') ? '/floor/ping' : '/healthz', base));
      if (res.status < 500) break;
    } catch {
      // not yet listening
    }
    if (Date.now() > deadline) throw new Error(`${script} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // With several processes, give the other workers time to listen too.
  if (env.WEB_CONCURRENCY && env.WEB_CONCURRENCY !== '1')
    await waitForChildren(child.pid!, Number(env.WEB_CONCURRENCY));
  return {
    child,
    base,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

async function waitForChildren(pid: number, count: number): Promise<void> {
  while (childrenOf(pid).length < count) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 8000)); // each worker loads the registry before it listens
}

function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** RSS of the processes that serve requests: the workers when there are any, else the process. */
export function servingRss(server: Server): number[] {
  const kids = childrenOf(server.child.pid!);
  return (kids.length > 0 ? kids : [server.child.pid!]).map(rssMb);
}

/** Clock ticks a second in /proc's CPU times (USER_HZ: 100 on Linux, whatever the kernel's HZ). */
const TICKS_PER_SECOND = 100;

/**
 * User + system CPU of one process so far, in milliseconds (0 if it is gone); with `reaped`, also that
 * of its children that have exited and been waited for.
 */
function cpuMsOf(pid: number, reaped = false): number {
  try {
    // The fields after the command name, whose parentheses may hold spaces: utime is the 12th, stime the
    // 13th, cutime and cstime (the exited children's) the 14th and 15th.
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const ticks = [11, 12, ...(reaped ? [13, 14] : [])].reduce((sum, i) => sum + Number(fields[i]), 0);
    return (ticks * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU used so far by a target: its process and its workers (ms). */
export function servingCpuMs(server: Server): number {
  return [server.child.pid!, ...childrenOf(server.child.pid!)].reduce((ms, pid) => ms + cpuMsOf(pid), 0);
}

/**
 * CPU used so far by PostgreSQL on this machine (ms): the database's share. A backend that exits
 * (a pool closing an idle connection) takes its CPU with it, which counted before it and not after
 * made a run's share too small, even nothing; the postmaster's exited children's CPU holds it from
 * then on, so every server process is counted with its reaped children.
 */
export function postgresCpuMs(): number {
  let ms = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        ms += cpuMsOf(Number(entry), true);
    } catch {
      // gone since the directory was read
    }
  }
  return ms;
}

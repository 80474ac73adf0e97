import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../server/paths.js';
import { TSX_LOADER } from './server-process.js';
import type { UsageReport, TargetMessage } from './target-ipc.js';

/** A benchmark target (bench/support/*-target.ts) in a child process, and a closed-loop load runner. */

export interface Target {
  child: ChildProcess;
  baseUrl: URL;
  usage(): Promise<UsageReport>;
  stop(): Promise<void>;
}

export async function startTarget(
  script: string,
  env: Record<string, string>,
  cwd: string,
  nodeOptions: string[] = [],
): Promise<Target> {
  const child = fork(path.join(projectRoot, script), [], {
    cwd,
    env: { ...process.env, ...env },
    execArgv: ['--expose-gc', ...nodeOptions, '--import', TSX_LOADER],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T extends TargetMessage['type']>(type: T) =>
    new Promise<Extract<TargetMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: TargetMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as Extract<TargetMessage, { type: T }>);
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`${script} exited`)));
    });
  const ready = await next('ready');
  // One usage request at a time, so each answer is matched with its own question.
  let asked: Promise<unknown> = Promise.resolve();
  return {
    child,
    baseUrl: new URL(`http://127.0.0.1:${ready.port}`),
    usage() {
      const report = asked.then(() => {
        const answer = next('usage');
        child.send({ type: 'usage' });
        return answer;
      });
      asked = report.catch(() => undefined);
      return report;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface LoadResult {
  wallMs: number;
  /** Whole submission, per submission, in ms. */
  total: Float64Array;
  /** Per step name (e.g. 'submit'), per submission, in ms. */
  steps: Map<string, Float64Array>;
}

/** What one submission reports: the time of each of its steps, in order. */
export type StepTimer = (step: string, work: () => Promise<unknown>) => Promise<void>;

/**
 * Runs `count` submissions, `concurrency` at a time (closed loop: each client starts its next
 * submission when the previous one is answered). `submitOne(client, time)` does one submission.
 */
export async function runLoad(
  count: number,
  concurrency: number,
  submitOne: (client: number, time: StepTimer) => Promise<void>,
  progress?: (done: number) => Promise<void> | void,
): Promise<LoadResult> {
  const total = new Float64Array(count);
  const steps = new Map<string, Float64Array>();
  let started = 0;
  let done = 0;
  const begin = performance.now();
  async function client(index: number): Promise<void> {
    while (started < count) {
      const i = started++;
      const t0 = performance.now();
      await submitOne(index, async (step, work) => {
        const s0 = performance.now();
        await work();
        let times = steps.get(step);
        if (!times) steps.set(step, (times = new Float64Array(count)));
        times[i] = performance.now() - s0;
      });
      total[i] = performance.now() - t0;
      done++;
      // Awaited by the client that finished this submission only; the others keep going.
      await progress?.(done);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, i) => client(i)));
  return { wallMs: performance.now() - begin, total, steps };
}

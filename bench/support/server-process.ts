import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../server/paths.js';

/**
 * The real portal (server/main.ts) as a child process. It is started as
 * `node --import <tsx loader> server/main.ts` rather than through `npx tsx`, because the tsx CLI
 * runs the server in a grandchild: a SIGKILL sent to the CLI would not reach the server.
 */

export const TSX_LOADER = pathToFileURL(
  path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs'),
).href;

/** A TCP port nothing listens on at the moment of asking. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface PortalProcess {
  child: ChildProcess;
  pid: number;
  baseUrl: URL;
  /** What the server wrote to stdout and stderr (kept for failure reports). */
  output(): string;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<string>;
}

/**
 * Starts a script under tsx with `env` added to this process's environment and `cwd` as its
 * working directory (the portal writes development e-mail under `<cwd>/data/mail`).
 */
export function startScript(script: string, env: Record<string, string>, cwd: string): PortalProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(projectRoot, script)], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`));
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  return {
    child,
    pid: child.pid,
    baseUrl: new URL(`http://127.0.0.1:${env.PORT}`),
    output: () => output,
    exited,
  };
}

/** Polls GET /healthz until it answers 200 (or the process dies, or `timeoutMs` passes). */
export async function waitHealthy(server: PortalProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void server.exited.then(() => {
    dead = true;
  });
  while (Date.now() < deadline) {
    if (dead) throw new Error(`server exited before it was healthy:\n${server.output()}`);
    try {
      const res = await fetch(new URL('/healthz', server.baseUrl), { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server not healthy after ${timeoutMs} ms:\n${server.output()}`);
}

/** Sends `signal` and waits for the process to exit; returns how it ended. */
export async function stopProcess(server: PortalProcess, signal: NodeJS.Signals): Promise<string> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill(signal);
  return server.exited;
}

/** The messages a benchmark target (a server in a child process) exchanges with the load script. */

export interface UsageReport {
  type: 'usage';
  rss: number;
  heapUsed: number;
  external: number;
  /** CPU time the process has used so far, user and system, in ms. */
  cpuMs: number;
  /** Of which system time (the kernel's work for it: syscalls, waking libuv's threads, fsync), in ms. */
  systemMs: number;
}

export type TargetMessage = { type: 'ready'; port: number } | UsageReport;

/**
 * In a target: answers `{ type: 'usage' }` requests with this process's memory and CPU figures.
 * When the process runs with --expose-gc, a full collection runs first, so that heapUsed is what
 * is still reachable (a leak shows as a rising line, not hidden in garbage not yet collected).
 */
export function answerUsageRequests(): void {
  process.on('message', (message: unknown) => {
    if ((message as { type?: string }).type !== 'usage') return;
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    send({
      type: 'usage',
      rss: m.rss,
      heapUsed: m.heapUsed,
      external: m.external + m.arrayBuffers,
      cpuMs: (cpu.user + cpu.system) / 1000,
      systemMs: cpu.system / 1000,
    });
  });
}

export function send(message: TargetMessage): void {
  process.send?.(message);
}

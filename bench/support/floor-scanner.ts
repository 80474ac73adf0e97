import { clamdScanner, type MalwareScanner } from '../../server/services/malware-scanner.js';

/**
 * The floors' malware scanner: the portal's own clamd client, at the address the portal's
 * configuration takes from the same variables (CLAMAV_SOCKET, or CLAMAV_HOST and CLAMAV_PORT,
 * default 127.0.0.1:3310). A floor only builds one when it scans (decision 0015).
 */
export function floorScanner(env: NodeJS.ProcessEnv = process.env): MalwareScanner {
  return clamdScanner({
    socket: env.CLAMAV_SOCKET,
    host: env.CLAMAV_HOST ?? (env.CLAMAV_SOCKET ? undefined : '127.0.0.1'),
    port: Number(env.CLAMAV_PORT ?? 3310),
  });
}

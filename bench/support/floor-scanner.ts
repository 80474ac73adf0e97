import { clamavAddress } from '../../server/config.js';
import { clamdScanner, type MalwareScanner } from '../../server/services/malware-scanner.js';

/**
 * The floors' malware scanner: the portal's own clamd client, at the address the portal's
 * configuration takes from the same variables (CLAMAV_SOCKET, or CLAMAV_HOST and CLAMAV_PORT).
 * Not loadConfig itself: a floor runs under NODE_ENV=production without the portal's secrets.
 * A floor only builds one when it scans (decision 0015).
 */
export function floorScanner(env: NodeJS.ProcessEnv = process.env): MalwareScanner {
  return clamdScanner(
    clamavAddress({
      socket: env.CLAMAV_SOCKET,
      host: env.CLAMAV_HOST,
      port: env.CLAMAV_PORT ? Number(env.CLAMAV_PORT) : undefined,
    }),
  );
}

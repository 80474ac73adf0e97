import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'municipal-eservices' },
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization', '*.password'], remove: true },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * Security-relevant events (failed sign-in, access denied, CSRF failure, …) are logged as one
 * structured line each; pino encodes every value, so user input cannot forge a log line.
 */
export function securityEvent(
  logger: Logger,
  event: string,
  details: Record<string, string | number | boolean | null | undefined>,
): void {
  logger.warn({ security: event, ...details }, `security: ${event}`);
}

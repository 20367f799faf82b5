/**
 * Logging: pino, one root logger built by the composition root, child loggers per component
 * (`logger.child({ component: 'ingest' })`). Anything that looks like a credential is redacted wherever
 * it appears in a logged object, so a token passed by mistake never reaches the log.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

const SECRET_FIELDS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'clientSecret',
  'client_secret',
  'password',
  'secret',
  'signingSecret',
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'api_key',
  'code_verifier',
];

/** Paths pino should censor: the field itself and the same field one and two levels deep. */
export const REDACT_PATHS: string[] = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

/** Mask known credential shapes that slipped into free text (log messages, error messages). */
export function redactText(text: string): string {
  return text
    .replace(/\bxox[abposr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]')
    .replace(/\bxapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/(mongodb(?:\+srv)?:\/\/[^:/@\s]+:)[^@\s]+@/g, '$1[redacted]@');
}

export interface LoggerOptions {
  level?: string;
  /** Where to write; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'twincoach',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          const redacted = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as typeof args;
          method.apply(this, redacted);
        },
      },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error);
          if (s && typeof s.message === 'string') s.message = redactText(s.message);
          if (s && typeof s.stack === 'string') s.stack = redactText(s.stack);
          return s;
        },
      },
    },
    options.destination,
  );
}

/**
 * Why the service did not start, in one sentence with the fix, for the terminal (the full error with its
 * stack still goes to the log). Before, a port in use or a missing Go printed a raw JSON log line.
 *
 *   port in use      → which port, and HTTP_PORT to change it (0 picks a free one)
 *   no Go            → install Go ≥ 1.24, or MONGODB_URI
 *   FerretDB build   → the build's last lines are in the message; the Go proxy must be reachable
 *   database         → the URI (without password) and MONGODB_URI
 *   anything else    → its message, and where the log is
 */
import type { Config } from './config.ts';
import { isAppError } from './errors.ts';

export function startupFailureMessage(err: unknown, config: Pick<Config, 'HTTP_HOST' | 'HTTP_PORT'>, logFile?: string): string {
  const seeLog = logFile ? ` Details: ${logFile}.` : '';
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === 'EADDRINUSE')
    return `port ${config.HTTP_PORT} on ${config.HTTP_HOST} is already in use (another twincoach, or another program). Stop that, or set HTTP_PORT to a free port in .env or the environment (HTTP_PORT=0 picks one).`;
  if (code === 'EACCES') return `may not listen on port ${config.HTTP_PORT} on ${config.HTTP_HOST} (ports below 1024 need privileges). Set HTTP_PORT to 1024 or above.`;
  if (isAppError(err)) {
    switch (err.code) {
      case 'DB.GO_MISSING':
        return `${err.userMessage}. Go is only needed once, to build the embedded database: https://go.dev/dl/ — or point MONGODB_URI at a MongoDB you run.`;
      case 'DB.FERRETDB_BUILD_FAILED':
        return `${err.userMessage}\nThe build downloads Go modules once (proxy.golang.org must be reachable); or set MONGODB_URI to skip it.${seeLog}`;
      case 'DB.UNREACHABLE':
        return `${err.userMessage}. Check that the database runs and MONGODB_URI is right.${seeLog}`;
      default:
        return `${err.userMessage} (${err.code}).${seeLog}`;
    }
  }
  return `start-up failed: ${(err as Error)?.message ?? String(err)}.${seeLog}`;
}

/**
 * Process-level last resort for errors nothing else caught. Every request listener and route is guarded
 * where it runs (src/http/server.ts); these handlers exist so that a bug missed there is logged and
 * handled on purpose instead of Node's default (print and exit at once, dropping in-flight work).
 *
 *   unhandledRejection   a promise failed and nobody awaited it: the failed operation is already over and
 *                        no synchronous code was interrupted half-way, so the service logs it (error level,
 *                        with the stack) and keeps serving.
 *   uncaughtException    a throw unwound a callback half-way: state may be inconsistent (Node's own advice
 *                        is not to resume). Logged as fatal, then the service stops cleanly — schedules,
 *                        in-flight deliveries, HTTP, database, in that order — and the process exits 70
 *                        (EX_SOFTWARE) so the supervisor restarts it. A second exception during that stop,
 *                        or a stop that takes longer than `stopTimeoutMs`, exits at once.
 *
 * Libraries may add handlers of their own to these two events, and one does: the TF.js wasm backend's
 * emscripten glue adds `unhandledRejection → throw reason` and an `uncaughtException` handler that
 * rethrows, so any stray rejection anywhere in the process became a crash (the signed `payload=null`
 * Slack request died that way). `adopt()` removes every handler of the two events that is not ours;
 * main.ts calls it once the service has started (TF.js is loaded by then) and logs how many it removed.
 *
 * Installed by main.ts once the logger exists; `uninstall()` removes our handlers (tests).
 */
import type { Logger } from './logger.ts';

export interface ProcessGuardOptions {
  logger: Logger;
  /** Stops the service gracefully (main.ts's shutdown without the exit). */
  stop: (reason: string) => Promise<void>;
  /** Default process.exit. */
  exit?: (code: number) => void;
  /** Longest clean stop after an uncaught exception. Default 30 s. */
  stopTimeoutMs?: number;
  /** Default the global process. */
  target?: NodeJS.EventEmitter;
}

export const EXIT_SOFTWARE = 70;

export interface ProcessGuards {
  /** Removes every other unhandledRejection/uncaughtException handler; returns how many. */
  adopt(): number;
  uninstall(): void;
}

export function installProcessGuards(o: ProcessGuardOptions): ProcessGuards {
  const target: NodeJS.EventEmitter = o.target ?? process;
  const exit = o.exit ?? ((code: number) => process.exit(code));
  const log = o.logger.child({ component: 'process' });
  let stopping = false;

  const onRejection = (reason: unknown) => {
    log.error({ err: reason }, 'unhandled promise rejection (logged; the service keeps running)');
  };
  const onException = (err: unknown) => {
    if (stopping) {
      log.fatal({ err }, 'uncaught exception while stopping: exiting now');
      return exit(EXIT_SOFTWARE);
    }
    stopping = true;
    log.fatal({ err }, 'uncaught exception: stopping cleanly, then exiting');
    const timer = setTimeout(() => {
      log.fatal('clean stop took too long: exiting now');
      exit(EXIT_SOFTWARE);
    }, o.stopTimeoutMs ?? 30_000);
    timer.unref();
    void o
      .stop('uncaught exception')
      .catch((e: unknown) => log.error({ err: e }, 'error while stopping after an uncaught exception'))
      .finally(() => {
        clearTimeout(timer);
        exit(EXIT_SOFTWARE);
      });
  };
  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  return {
    adopt() {
      let removed = 0;
      const ours: [string, unknown][] = [['unhandledRejection', onRejection], ['uncaughtException', onException]];
      for (const [event, mine] of ours) {
        for (const l of target.listeners(event)) {
          if (l === mine) continue;
          target.removeListener(event, l as (...args: unknown[]) => void);
          removed += 1;
        }
      }
      return removed;
    },
    uninstall() {
      target.off('unhandledRejection', onRejection);
      target.off('uncaughtException', onException);
    },
  };
}

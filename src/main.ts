/**
 * Process entry point: read config, start the service, stop it gracefully on SIGINT/SIGTERM (or "exit"
 * typed at the local console). A second signal exits at once.
 * A configuration error prints its list of problems and exits with code 78 (EX_CONFIG).
 */
import { startService } from './app.ts';
import { loadConfig } from './config.ts';
import { ConfigError, isAppError } from './errors.ts';
import { createLogger } from './logger.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`twincoach: ${err.userMessage}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw err;
  }
  const logger = createLogger({ level: config.LOG_LEVEL });
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  let signals = 0;
  const shutdown = (reason: string) => void (service ? service.stop(reason) : Promise.resolve()).then(() => process.exit(0));
  try {
    service = await startService(config, logger, {
      // "exit" typed at the local console ends the service (only at a terminal: a closed pipe is not a wish to stop)
      onConsoleExit: () => {
        if (process.stdin.isTTY) shutdown('console exit');
      },
    });
  } catch (err) {
    logger.fatal({ err }, isAppError(err) ? err.userMessage : 'start-up failed');
    process.exitCode = 1;
    return;
  }
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn(`second ${signal}: exiting now`);
      process.exit(130);
    }
    shutdown(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void main();

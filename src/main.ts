/**
 * Process entry point: read config, start the service, stop it gracefully on SIGINT/SIGTERM.
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
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(config, logger);
  } catch (err) {
    logger.fatal({ err }, isAppError(err) ? err.userMessage : 'start-up failed');
    process.exitCode = 1;
    return;
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn(`second ${signal}: exiting now`);
      process.exit(130);
    }
    void service.stop(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

void main();

/**
 * Process entry point: read config, start the service, stop it gracefully on SIGINT/SIGTERM (or "exit"
 * typed at the local console). A second signal exits at once.
 * A configuration error prints its list of problems and exits with code 78 (EX_CONFIG).
 */
import { startService } from './app.ts';
import { loadConfig, loadDotEnv } from './config.ts';
import { ConfigError, isAppError } from './errors.ts';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createLogger } from './logger.ts';

async function main(): Promise<void> {
  let config;
  try {
    loadDotEnv(); // ./.env, if there is one; the real environment wins
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`twincoach: ${err.userMessage}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw err;
  }
  // In local mode at a terminal the console is a chat: JSON logs go to a file so they don't interleave
  // with the conversation; warnings and errors still reach the terminal (stderr).
  const chatAtTerminal = config.localMode && config.CONSOLE_CHAT && process.stdout.isTTY === true;
  let logger;
  if (chatAtTerminal) {
    mkdirSync(config.dataDir, { recursive: true });
    const logFile = path.join(config.dataDir, 'twincoach.log');
    const file = createWriteStream(logFile, { flags: 'a' });
    const streams = pino.multistream([
      { level: 'trace', stream: file },
      { level: 'warn', stream: process.stderr },
    ]);
    logger = createLogger({ level: config.LOG_LEVEL, destination: streams });
    process.stderr.write(`twincoach: local mode — logs go to ${path.relative(process.cwd(), logFile) || logFile}\n`);
  } else logger = createLogger({ level: config.LOG_LEVEL });
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
    if (chatAtTerminal)
      process.stderr.write(`twincoach: running — health ${service.http ? `${service.http.url}/healthz` : 'off'}; type "help" for commands, "exit" to stop\n`);
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

/**
 * Process entry point: read config, start the service, stop it gracefully on SIGINT/SIGTERM (or "exit"
 * typed at the local console). A second signal exits at once.
 * A configuration error prints its list of problems and exits with code 78 (EX_CONFIG); any other start-up
 * failure prints one sentence with the fix (src/startup-failure.ts) and exits 1. ./.env is read first.
 * At a chat terminal the JSON log goes to DATA_DIR/twincoach.log; warnings reach the terminal as plain
 * "twincoach: …" lines, and so does the first start's FerretDB build progress. Errors nothing caught: an
 * unhandled rejection is logged and the service keeps running; an uncaught exception stops it cleanly and
 * exits 70 (src/process-guards.ts).
 */
import { startService } from './app.ts';
import { loadConfig, loadDotEnv } from './config.ts';
import { ConfigError } from './errors.ts';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { createLogger } from './logger.ts';
import { installProcessGuards } from './process-guards.ts';
import { startupFailureMessage } from './startup-failure.ts';

/** A path as the person typed it: relative below the working folder, absolute elsewhere. */
function shownPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel === '' || rel.startsWith('..') ? p : rel;
}

/** A JSON log line (warn and above) as the person at the chat terminal reads it: "twincoach: message". */
function terminalLine(json: string): string {
  try {
    const o = JSON.parse(json) as { msg?: unknown; level?: unknown };
    const level = typeof o.level === 'number' && o.level >= 50 ? '' : 'warning: ';
    return `twincoach: ${level}${String(o.msg ?? json.trim())}\n`;
  } catch {
    return json;
  }
}

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
  let logFile: string | undefined;
  if (chatAtTerminal) {
    mkdirSync(config.dataDir, { recursive: true });
    logFile = path.join(config.dataDir, 'twincoach.log');
    const file = createWriteStream(logFile, { flags: 'a' });
    const streams = pino.multistream([
      { level: 'trace', stream: file },
      { level: 'warn', stream: { write: (line: string) => void process.stderr.write(terminalLine(line)) } },
    ]);
    logger = createLogger({ level: config.LOG_LEVEL, destination: streams });
    process.stderr.write(`twincoach: local mode — logs go to ${shownPath(logFile)}\n`);
  } else logger = createLogger({ level: config.LOG_LEVEL });
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  let signals = 0;
  const stop = (reason: string) => (service ? service.stop(reason) : Promise.resolve());
  const shutdown = (reason: string) =>
    void stop(reason).then(() => {
      if (chatAtTerminal) process.stderr.write(`twincoach: stopped (${reason}) — jobs, chat, HTTP and the database are shut down; your data stays in ${shownPath(config.dataDir)}. npm start resumes.\n`);
      process.exit(0);
    });
  const guards = installProcessGuards({ logger, stop });
  try {
    service = await startService(config, logger, {
      ...(chatAtTerminal ? { progress: (line: string) => void process.stderr.write(`twincoach: ${line}\n`) } : {}),
      // "exit" typed at the local console ends the service (only at a terminal: a closed pipe is not a wish to stop)
      onConsoleExit: () => {
        if (process.stdin.isTTY) shutdown('console exit');
      },
    });
    const foreign = guards.adopt();
    if (foreign > 0) logger.info({ component: 'process', removed: foreign }, 'process error handlers installed by libraries removed (ours log and keep serving)');
    if (chatAtTerminal)
      process.stderr.write(`twincoach: running — health ${service.http ? `${service.http.url}/healthz` : 'off'}; type "help" for commands, "exit" to stop\n`);
  } catch (err) {
    const sentence = startupFailureMessage(err, config, logFile ? shownPath(logFile) : undefined);
    // the log keeps the error with its stack; the person gets one sentence with the fix
    logger.fatal({ err }, sentence); // at a chat terminal: the file gets the JSON, the terminal the sentence
    if (!chatAtTerminal) process.stderr.write(`twincoach: ${sentence}\n`);
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

/**
 * `twincoach morning [name|all]`: local mode's morning message on demand, without the console — starts
 * the service quietly (no console, no HTTP, no schedules, log to DATA_DIR/twincoach.log), runs the same
 * `morning` console command (src/local/console-commands.ts: ingest, then today's session, rendered as the
 * DM), prints it and stops. The scheduled delivery is unchanged. Only in local mode (no chat platform set).
 * Exit codes: 0 shown, 1 failed (unknown athlete, database), 2 usage error or not local mode.
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { startService } from '../app.ts';
import { renderConsoleMessage } from '../chat/console/render.ts';
import { loadConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { startupFailureMessage } from '../startup-failure.ts';
import type { CliIo } from './athletes.ts';

export const MORNING_HELP = `usage: twincoach morning [name|all]

Local mode: show today's morning message now — that night's data is synced first, then the session is
prescribed (once per day: asking again shows the same one) and printed as the athlete's DM. No name:
everyone. The scheduled delivery is not changed. Names are the simulated athletes' ("twincoach athletes").
`;

export async function morningMain(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(MORNING_HELP);
    return 0;
  }
  const who = argv.join(' ').trim() || 'all';
  let config;
  try {
    config = loadConfig(io.env);
  } catch (e) {
    io.stderr.write(`twincoach morning: ${isAppError(e) ? e.userMessage : (e as Error).message}\n`);
    return 2;
  }
  if (!config.localMode) {
    io.stderr.write('twincoach morning: only in local mode (no Discord or Slack configured); connected services deliver mornings on their schedule.\n');
    return 2;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const logFile = path.join(config.dataDir, 'twincoach.log');
  const logger = createLogger({ level: config.LOG_LEVEL, destination: createWriteStream(logFile, { flags: 'a' }) });
  let service;
  try {
    service = await startService(config, logger, { console: false, http: false, realTime: false, catchUpOnStart: false, retrain: false, progress: (l) => void io.stderr.write(`twincoach: ${l}\n`) });
  } catch (e) {
    io.stderr.write(`twincoach morning: ${startupFailureMessage(e, config, logFile)}\n`);
    return 1;
  }
  try {
    const morning = service.localCommands.find((c) => c.usage.startsWith('morning'))!;
    const out = await morning.run(who, { userId: '', displayName: '' });
    for (const m of out.messages ?? []) io.stdout.write(`${renderConsoleMessage(m, { recipient: m.title.split("'s morning")[0]! + ' (DM)', color: false, width: 80 })}\n`);
    if (out.text) io.stdout.write(`${out.text}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`twincoach morning: ${isAppError(e) ? e.userMessage : (e as Error).message}\n`);
    return 1;
  } finally {
    await service.stop('twincoach morning done');
  }
}

/**
 * `twincoach athletes`: every athlete in the service's database (the same one `npm start` uses) with the
 * ids the other commands accept — the athlete id, chat user ids (console:sim-alex) and the name.
 * Exit codes: 0 listed, 1 the database could not be opened, 2 usage error.
 */
import { loadConfig } from '../config.ts';
import { isAppError } from '../errors.ts';
import { formatAthletes, listAthletes } from './athlete-lookup.ts';
import { openServiceDatabase, type ServiceDatabase } from './database.ts';

export const ATHLETES_HELP = `usage: twincoach athletes

List every athlete in the service's database (MONGODB_URI, or the embedded one in DATA_DIR/ferretdb):
name, athlete id, chat user ids, time zone, sport, status. Any of the name, the id or a chat user id can
be given to "twincoach import --athlete" and "twincoach morning --athlete".
`;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env?: Record<string, string | undefined>;
}

export async function athletesMain(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(ATHLETES_HELP);
    return 0;
  }
  if (argv.length > 0) {
    io.stderr.write(`twincoach athletes: takes no arguments (got ${argv.join(' ')})\n\n${ATHLETES_HELP}`);
    return 2;
  }
  let db: ServiceDatabase | undefined;
  try {
    db = await openServiceDatabase(loadConfig(io.env));
    const rows = await listAthletes(db.repos);
    io.stdout.write(`${formatAthletes(rows)}\n`);
    io.stderr.write(`${rows.length} athlete${rows.length === 1 ? '' : 's'} in ${db.where}\n`);
    return 0;
  } catch (e) {
    io.stderr.write(`twincoach athletes: ${isAppError(e) ? `${e.userMessage} (${e.code})` : (e as Error).message}\n`);
    return 1;
  } finally {
    await db?.close().catch(() => undefined);
  }
}

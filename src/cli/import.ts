/**
 * `twincoach import <file> --athlete <id> [--timezone Area/City] [--format fit|apple_health|csv] [--dry-run]`
 *
 * Imports a FIT file, an Apple Health export (zip or xml) or a CSV into the athlete's daily metrics:
 *   1. parse the whole file first (all or nothing: importFile rejects with a coded ImportError before
 *      anything is written), in --timezone or DEFAULT_TIMEZONE — a bad file is reported without touching
 *      the database (the athlete used to be looked up first, which hid every file error behind it);
 *   2. open the service's own database (src/cli/database.ts: MONGODB_URI, else the embedded FerretDB in
 *      DATA_DIR/ferretdb — exactly where `npm start` keeps it);
 *   3. find the athlete by id, chat user id (the console's "sim-alex") or name ("Alex"); a miss lists the
 *      athletes (src/cli/athlete-lookup.ts). Without --timezone the athlete's zone counts: the file is
 *      read again in it when it differs from the first guess;
 *   4. write through the core's recordSourceDays (idempotent per athlete-day and source: importing the same
 *      file twice changes nothing; other sources of those days are kept and merged by precedence);
 *   5. print the summary. --dry-run stops after 3 and writes nothing.
 *
 * Exit codes: 0 done, 1 the import failed (bad file, unknown athlete, database), 2 usage error.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.ts';
import { systemClock } from '../core/clock.ts';
import { isValidZone } from '../core/local-time.ts';
import { recordSourceDays } from '../core/metrics.use-case.ts';
import type { CoreDeps } from '../core/ports.ts';
import { isAppError } from '../errors.ts';
import { formatSummary, importFile, isImportError, type ImportFormat } from '../wearables/files/index.ts';
import { mergeSourceDays } from '../wearables/merge.ts';
import { findAthlete } from './athlete-lookup.ts';
import { openServiceDatabase, type ServiceDatabase } from './database.ts';

export interface ImportIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Environment for loadConfig (default: the real environment, read by src/config.ts). */
  env?: Record<string, string | undefined>;
}

export const IMPORT_HELP = `usage: twincoach import <file> --athlete <who> [options]

Import a .fit file, an Apple Health export (export.zip or export.xml) or a CSV into an athlete's data.

options:
  --athlete <who>       the athlete: id, chat user id (sim-alex) or name (Alex) —
                        "twincoach athletes" lists them (required)
  --timezone <Area/City>
                        IANA time zone the file's days are read in (default: the athlete's)
  --format <fit|apple_health|csv>
                        skip format detection
  --dry-run             parse and summarise only; write nothing
  -h, --help            this text

The database is the service's: MONGODB_URI, or the embedded one in DATA_DIR/ferretdb.
`;

const FORMATS: readonly ImportFormat[] = ['fit', 'apple_health', 'csv'];

interface ParsedArgs {
  file: string;
  athleteRef: string;
  timezone?: string;
  format?: ImportFormat;
  dryRun: boolean;
}

function parse(argv: string[]): { help: true } | { args: ParsedArgs } | { usage: string } {
  let values: { athlete?: string; timezone?: string; format?: string; 'dry-run'?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        athlete: { type: 'string' },
        timezone: { type: 'string' },
        format: { type: 'string' },
        'dry-run': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return { usage: (e as Error).message };
  }
  if (values.help) return { help: true };
  if (positionals.length === 0) return { usage: 'missing <file>' };
  if (positionals.length > 1) return { usage: `one file at a time (got ${positionals.length})` };
  if (!values.athlete?.trim()) return { usage: 'missing --athlete <who> (an id, a chat user id or a name; "twincoach athletes" lists them)' };
  if (values.format !== undefined && !FORMATS.includes(values.format as ImportFormat)) {
    return { usage: `--format must be one of ${FORMATS.join(', ')} (got "${values.format}")` };
  }
  if (values.timezone !== undefined && !isValidZone(values.timezone)) {
    return { usage: `--timezone "${values.timezone}" is not an IANA time zone (e.g. Europe/Berlin)` };
  }
  const args: ParsedArgs = { file: positionals[0]!, athleteRef: values.athlete.trim(), dryRun: values['dry-run'] === true };
  if (values.timezone !== undefined) args.timezone = values.timezone;
  if (values.format !== undefined) args.format = values.format as ImportFormat;
  return { args };
}

const unavailable = (what: string) => () => {
  throw new Error(`${what} is not available in the import command`);
};

/** `twincoach import …` → exit code. */
export async function importMain(argv: string[], io: ImportIo): Promise<number> {
  const say = (s: string) => void io.stdout.write(`${s}\n`);
  const complain = (s: string) => void io.stderr.write(`twincoach import: ${s}\n`);

  const p = parse(argv);
  if ('help' in p) {
    io.stdout.write(IMPORT_HELP);
    return 0;
  }
  if ('usage' in p) {
    complain(p.usage);
    io.stderr.write(`\n${IMPORT_HELP}`);
    return 2;
  }
  const { args } = p;

  let config: Config;
  try {
    config = loadConfig(io.env);
  } catch (e) {
    complain(isAppError(e) ? e.userMessage : (e as Error).message);
    return 1;
  }

  const options = (timezone: string) => ({ timezone, ...(args.format ? { format: args.format } : {}) });
  const firstZone = args.timezone ?? config.DEFAULT_TIMEZONE;
  let result: Awaited<ReturnType<typeof importFile>>;
  try {
    result = await importFile(args.file, options(firstZone));
  } catch (e) {
    if (!isImportError(e)) {
      complain(`failed: ${(e as Error).message}`);
      return 1;
    }
    complain(e.userMessage);
    // The message usually lists the located issues already; print those it leaves out.
    const extra = e.issues
      .map((i) => `line ${i.line}${i.column ? `, column ${i.column}` : ''}: ${i.message}`)
      .filter((line) => !e.userMessage.includes(line));
    for (const line of extra.slice(0, 20)) io.stderr.write(`  ${line}\n`);
    if (extra.length > 20) io.stderr.write(`  … and ${extra.length - 20} more\n`);
    io.stderr.write('Nothing was imported.\n');
    return 1;
  }

  let db: ServiceDatabase | undefined;
  try {
    db = await openServiceDatabase(config);
    const { repos } = db;
    const deps: CoreDeps = {
      ...repos,
      clock: systemClock,
      newId: randomUUID,
      engine: { decide: unavailable('the decision engine') },
      twin: { update: unavailable('the twin updater') },
      notifier: { publish: async () => undefined },
      mergeDays: (days) => mergeSourceDays(days),
    };

    const found = await findAthlete(repos, args.athleteRef, db.where);
    if ('error' in found) {
      complain(`${found.error}\nNothing was imported.`);
      return 1;
    }
    const profile = found.profile;
    const timezone = args.timezone ?? profile.timezone;
    // The file was read in a guessed zone: read it again in the athlete's when that differs.
    if (timezone !== firstZone) result = await importFile(args.file, options(timezone));

    if (args.dryRun) {
      say(formatSummary(result.summary));
      say(`Dry run: nothing was written for ${profile.displayName} (${profile.id}).`);
      return 0;
    }
    const written = await recordSourceDays(deps, profile.id, result.days);
    say(formatSummary(result.summary));
    say(`Stored ${written.length} day${written.length === 1 ? '' : 's'} for ${profile.displayName} (${profile.id}), time zone ${timezone}.`);
    return 0;
  } catch (e) {
    complain(isAppError(e) ? `${e.userMessage} (${e.code})` : `failed: ${(e as Error).message}`);
    return 1;
  } finally {
    await db?.close().catch(() => undefined);
  }
}

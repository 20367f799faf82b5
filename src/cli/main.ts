/**
 * `twincoach <command>`: decide (the engine as a JSON-lines filter), import (wearable files), athletes
 * (who is in the database, with the ids the other commands accept), morning (local mode's morning message
 * on demand). Each subcommand returns an exit code.
 */
import { loadDotEnv } from '../config.ts';
import { decideMain } from './decide.ts';

const HELP = `usage: twincoach <command> [options]

commands:
  decide               read decision requests as JSON lines on stdin, write decisions to stdout
  import <file> --athlete <who>
                       import a .fit file, an Apple Health export (zip/xml) or a CSV into the database
  athletes             list the athletes (name, id, chat ids) in the service's database
  morning [name|all]   local mode: show today's morning message now (sync, prescribe, print)
  help                 this text

Run "twincoach <command> --help" for a command's options.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  loadDotEnv(); // ./.env, if there is one (the same file the service reads); the real environment wins
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  switch (command) {
    case 'decide':
      return decideMain(rest, io);
    case 'import': {
      const { importMain } = await import('./import.ts');
      return importMain(rest, io);
    }
    case 'athletes': {
      const { athletesMain } = await import('./athletes.ts');
      return athletesMain(rest, io);
    }
    case 'morning': {
      const { morningMain } = await import('./morning.ts');
      return morningMain(rest, io);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`twincoach: unknown command "${command}"\n\n${HELP}`);
      return 2;
  }
}

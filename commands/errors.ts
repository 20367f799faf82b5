/**
 * Error codes raised by the command layer itself (the use cases have theirs in src/core/error-codes.ts).
 * Each comes with a message fit to show the person who typed the command.
 */
import { AppError } from '../src/errors.ts';

export const COMMAND_ERROR_CODES = {
  'COMMAND.UNKNOWN': 'No command with that name.',
  'COMMAND.SUBCOMMAND': 'A grouped command without (or with an unknown) sub-command.',
  'COMMAND.INVALID_OPTION': 'An option value failed validation (the message names the option and the value).',
  'COMMAND.UNKNOWN_OPTION': 'An option the command does not have.',
  'COMMAND.PARSE': 'A typed command line could not be read.',
  'AUTH.NOT_ATHLETE': 'An athlete command run by a person without an athlete profile.',
  'AUTH.COACHES_ONLY': 'A coach command run by a person who coaches no team (one who coaches another team: AUTH.NOT_COACH).',
  'AUTH.ADMINS_ONLY': 'An admin command run by a person who administers no team (one who is not admin of this team: AUTH.NOT_ADMIN).',
  'ATHLETE.NOT_IN_TEAMS': 'A coach named an athlete that is not in any of their teams.',
  'TEAM.AMBIGUOUS': 'A team command outside a team channel by a coach of several teams.',
  'CONFIRM.INVALID': 'A confirmation button that expired or belongs to someone else.',
  'CONNECT.UNAVAILABLE': 'Connecting that provider is not configured on this server.',
  'CONNECT.API_KEY': 'An API key for a provider that does not take one, or without its athlete id.',
} as const;

export type CommandErrorCode = keyof typeof COMMAND_ERROR_CODES;

declare module '../src/errors.ts' {
  interface AppErrorCodes extends Record<CommandErrorCode, true> {}
}

export function commandError(code: CommandErrorCode, userMessage: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, userMessage, details ? { details } : undefined);
}

/**
 * commands/: platform-neutral chat commands. The composition root builds one dispatcher:
 *
 *   const dispatcher = new CommandDispatcher({ registry: createRegistry(), deps: { core, clock, charts, confirm, … }, logger });
 *   await dispatcher.dispatch({ platform: 'discord', platformUserId, command: 'feedback', options: { rpe: '7' } });
 */
export { COMMANDS, CommandRegistry, createRegistry } from './registry.ts';
export { CommandDispatcher, errorMessage, type CommandTraits, type DispatchFailure, type DispatchResult, type DispatcherOptions } from './dispatcher.ts';
export { ConfirmTokens } from './confirm.ts';
export { COMMAND_ERROR_CODES, commandError, type CommandErrorCode } from './errors.ts';
export { optionsSchema, usage, validateOptions } from './options.ts';
export { parseCommandLine, tokenize, type ParsedLine } from './text.ts';
export type * from './types.ts';

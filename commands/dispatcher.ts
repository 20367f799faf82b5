/**
 * The dispatcher: the single way into a command, and its single error boundary.
 *
 *   find the command (and sub-command) → resolve the actor → check the role → parse options (zod; every
 *   problem named, nothing run) → the form, when asked for one → the handler
 *
 * AppError → its user message (only the requester sees it). Anything else → logged with an error id, and
 * the user gets a short apology citing that id. Option values are never logged (API keys pass through).
 */
import { randomBytes } from 'node:crypto';
import type { ChatMessage, CommandInput, CommandReply } from '../src/core/chat.ts';
import { localDate } from '../src/core/local-time.ts';
import type { Actor } from '../src/core/types.ts';
import type { Me } from '../src/core/views.use-case.ts';
import { isAppError, type AppError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { commandError } from './errors.ts';
import { checkKnownOptions, usage, validateOptions } from './options.ts';
import type { CommandRegistry } from './registry.ts';
import { STAFF } from './support.ts';
import { parseCommandLine, type ParsedLine } from './text.ts';
import type { Audience, CommandContext, CommandDefinition, CommandDeps, SubcommandSpec } from './types.ts';

/** What went wrong, for adapters that can show it better than a message (Slack modal field errors). */
export interface DispatchFailure {
  code: string;
  /** The option at fault (validation errors): the first one, and every one with its message. */
  field?: string;
  fields?: Record<string, string>;
  /** Set for internal errors: the id in the log. */
  errorId?: string;
}

export type DispatchResult = CommandReply & { failure?: DispatchFailure };

export interface CommandTraits {
  known: boolean;
  /** Adapters defer (Discord deferReply) before running slow commands. */
  slow: boolean;
  /** Replies only the requester sees. */
  ephemeral: boolean;
  /** This input opens the command's form (a button, or the command typed without options): adapters can open a modal before dispatching. */
  form?: boolean;
}

export interface DispatcherOptions {
  registry: CommandRegistry;
  deps: CommandDeps;
  logger: Logger;
  /** Error ids for internal errors (tests pin it). */
  errorId?: () => string;
}

const ROLE_WORDS: Record<Exclude<Audience, 'anyone' | 'registered'>, string> = { athlete: 'athletes', coach: 'a team’s coaches', admin: 'a team’s admins' };

export class CommandDispatcher {
  private readonly log: Logger;
  private readonly newErrorId: () => string;

  constructor(private readonly options: DispatcherOptions) {
    this.log = options.logger.child({ component: 'commands' });
    this.newErrorId = options.errorId ?? (() => randomBytes(4).toString('hex'));
  }

  get registry(): CommandRegistry {
    return this.options.registry;
  }

  describe(input: Pick<CommandInput, 'command' | 'subcommand'> & Partial<Pick<CommandInput, 'options' | 'source'>>): CommandTraits {
    const def = this.registry.get(input.command);
    if (!def) return { known: false, slow: false, ephemeral: true };
    const sub = this.registry.subcommandOf(def, input.subcommand);
    const traits: CommandTraits = { known: true, slow: sub?.slow ?? def.slow ?? false, ephemeral: (def.visibility ?? 'private') === 'private' };
    if (input.options && opensForm(def, input.source ?? 'slash', input.options)) traits.form = true;
    return traits;
  }

  /** "/feedback rpe:7 minutes:60" → command, sub-command and option strings (AppError COMMAND.PARSE). */
  parseLine(line: string): ParsedLine {
    return parseCommandLine(line, (name) => this.registry.get(name));
  }

  /**
   * One form answer checked on its own, as it is typed (the console asks field by field): the problem in
   * the same words the whole submission would get, or undefined when the value is fine (or the field is
   * not one of the command's options — the submission decides then).
   */
  checkOption(command: string, option: string, raw: string): string | undefined {
    const def = this.registry.get(command);
    if (!def) return undefined;
    const spec = this.registry.optionsOf(def, this.registry.subcommandOf(def, undefined)).find((s) => s.name === option);
    if (!spec) return undefined;
    try {
      validateOptions(def.name, [spec], { [option]: raw }, localDate(this.options.deps.clock.now(), this.options.deps.defaultTimezone));
      return undefined;
    } catch (err) {
      if (isAppError(err)) return err.userMessage;
      throw err;
    }
  }

  async dispatch(input: CommandInput): Promise<DispatchResult> {
    const started = Date.now();
    let outcome = 'ok';
    try {
      const reply = await this.run(input);
      return reply;
    } catch (err) {
      if (isAppError(err)) {
        outcome = err.code;
        return { message: errorMessage(err, this.usageFor(input, err)), failure: failureOf(err) };
      }
      const errorId = this.newErrorId();
      outcome = 'internal_error';
      this.log.error({ err, errorId, command: input.command, subcommand: input.subcommand, platform: input.platform, source: input.source }, 'command failed');
      return {
        message: {
          title: 'Something went wrong',
          summary: `Something went wrong on our side (error id ${errorId}). It has been logged; please try again in a moment.`,
          tone: 'red',
          ephemeral: true,
        },
        failure: { code: 'INTERNAL', errorId },
      };
    } finally {
      this.log.info({ command: input.command, subcommand: input.subcommand, platform: input.platform, source: input.source ?? 'slash', outcome, ms: Date.now() - started }, 'command');
    }
  }

  private usageFor(input: CommandInput, err: AppError): string | undefined {
    if (!isAppError(err, 'COMMAND.INVALID_OPTION', 'COMMAND.UNKNOWN_OPTION', 'COMMAND.PARSE')) return undefined;
    const def = this.registry.get(input.command);
    if (!def) return undefined;
    const sub = this.registry.subcommandOf(def, input.subcommand);
    return `Usage: ${usage(def.name, sub?.name, this.registry.optionsOf(def, sub))}`;
  }

  private async run(input: CommandInput): Promise<CommandReply> {
    const { deps, registry } = this.options;
    const def = registry.get(input.command);
    if (!def) throw commandError('COMMAND.UNKNOWN', `I don’t know /${input.command}. Type /help to see what I can do.`);
    const sub = registry.subcommandOf(def, input.subcommand);
    if (def.subcommands && !sub) {
      const names = def.subcommands.map((s) => s.name);
      throw commandError('COMMAND.SUBCOMMAND', input.subcommand ? `/${def.name} has no "${input.subcommand}". Use one of: ${names.join(', ')}.` : `/${def.name} needs one of: ${names.join(', ')}.`);
    }
    const audience = sub?.audience ?? def.audience;

    // who
    let actor: Actor | null = null;
    try {
      actor = await deps.core.resolveActor(input.platform, input.platformUserId);
    } catch (err) {
      if (!isAppError(err, 'AUTH.UNKNOWN_USER') || audience !== 'anyone') throw err;
    }
    const me = actor ? await deps.core.whoAmI(actor) : null;
    checkAudience(def, sub, audience, me);

    // what
    const today = me?.today ?? localDate(deps.clock.now(), deps.defaultTimezone);
    const base: Omit<CommandContext, 'values'> = { input, actor, me, today, ...(sub ? { subcommand: sub.name } : {}) };
    const specs = registry.optionsOf(def, sub);
    if (def.form && opensForm(def, input.source ?? 'slash', input.options)) {
      // A form is only prefilled: still refuse option names it does not have.
      checkKnownOptions(def.name, specs, input.options);
      return { form: def.form(input.options, base) };
    }
    const values = validateOptions(def.name, specs, input.options, today);

    const reply = await def.handler({ ...base, values }, deps);
    if (reply.message && reply.message.ephemeral === undefined) reply.message.ephemeral = (def.visibility ?? 'private') === 'private';
    return reply;
  }
}

/** The command answers with its form: pressed as a button, or typed without any option. */
function opensForm(def: CommandDefinition, source: NonNullable<CommandInput['source']>, options: Readonly<Record<string, string>>): boolean {
  const given = Object.keys(options).filter((k) => options[k] !== '');
  return def.form !== undefined && (source === 'button' || ((source === 'slash' || source === 'text') && given.length === 0));
}

function checkAudience(def: CommandDefinition, sub: SubcommandSpec | undefined, audience: Audience, me: Me | null): void {
  if (audience === 'anyone' || audience === 'registered') return;
  const name = `/${def.name}${sub && def.subcommands && def.subcommands.length > 1 ? ` ${sub.name}` : ''}`;
  const ok =
    audience === 'athlete' ? me?.athlete != null : audience === 'coach' ? (me?.teams.some((t) => STAFF(t.roles)) ?? false) : (me?.teams.some((t) => t.roles.includes('admin')) ?? false);
  if (ok) return;
  const code = audience === 'athlete' ? 'AUTH.NOT_ATHLETE' : audience === 'coach' ? 'AUTH.COACHES_ONLY' : 'AUTH.ADMINS_ONLY';
  const youAre = me?.athlete ? ' You’re registered as an athlete.' : '';
  const hint = audience === 'athlete' ? ' Register as an athlete with /register first.' : audience === 'coach' ? ' Ask your coach, or create your own team with /team create.' : '';
  throw commandError(code, `Only ${ROLE_WORDS[audience]} can use ${name}.${youAre}${hint}`);
}

function failureOf(err: AppError): DispatchFailure {
  const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
  if (!field) return { code: err.code };
  const issues = Array.isArray(err.details?.issues) ? (err.details.issues as { option: string; message: string }[]) : [{ option: field, message: err.userMessage }];
  const fields: Record<string, string> = {};
  for (const i of issues) fields[i.option] ??= i.message;
  return { code: err.code, field, fields };
}

const TITLES: Record<string, string> = {
  AUTH: 'Not allowed',
  COMMAND: 'Check the command',
  VALIDATION: 'Check the command',
  CONFIRM: 'Not confirmed',
};

export function errorMessage(err: AppError, footer?: string): ChatMessage {
  const prefix = err.code.split('.')[0]!;
  const validation = /OUT_OF_RANGE|INVALID|REQUIRED|EMPTY|TOO_LONG|TOO_OLD|IN_FUTURE|IN_PAST/.test(err.code);
  const message: ChatMessage = {
    title: TITLES[prefix] ?? (validation ? 'Check the command' : 'That didn’t work'),
    summary: err.userMessage,
    tone: prefix === 'AUTH' ? 'red' : 'amber',
    ephemeral: true,
  };
  if (footer) message.footer = footer;
  return message;
}

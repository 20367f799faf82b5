/**
 * What a command is: a declarative definition (name, options, who may run it, whether it is slow) and a
 * handler from a validated, platform-neutral input to a platform-neutral reply. The definitions are the
 * one source for Discord registration, Slack/console parsing and /help.
 */
import type { ChatForm, CommandInput, CommandReply, Platform } from '../src/core/chat.ts';
import type { Clock } from '../src/core/clock.ts';
import type { UseCases } from '../src/core/index.ts';
import type { ProviderId } from '../src/core/metrics.ts';
import type { ChartRenderer } from '../src/core/presenters/index.ts';
import type { DataExport } from '../src/core/privacy.use-case.ts';
import type { Actor } from '../src/core/types.ts';
import type { Me } from '../src/core/views.use-case.ts';
import type { ConfirmTokens } from './confirm.ts';

/** Who may run a command: anyone (even unregistered), any registered person, athletes, coaches (or admins), admins. */
export type Audience = 'anyone' | 'registered' | 'athlete' | 'coach' | 'admin';

export type OptionType = 'string' | 'integer' | 'number' | 'boolean' | 'user' | 'date' | 'time' | 'choice';

export interface OptionChoice<V extends string = string> {
  value: V;
  label: string;
}

export interface OptionSpec {
  /** Lowercase, digits, _ (Discord's rule), ≤ 32 characters. */
  name: string;
  /** Shown in Discord and /help, ≤ 100 characters. */
  description: string;
  type: OptionType;
  required?: boolean;
  /** Name used in messages: "RPE must be 1–10; you sent 15". Default: the name. */
  label?: string;
  /** integer / number: inclusive range; string: max length. */
  min?: number;
  max?: number;
  choices?: readonly OptionChoice[];
  /** date: also accepts "none" (→ null) to clear a setting. */
  clearable?: boolean;
  /** Never echoed or logged (API keys). */
  secret?: boolean;
  /** Not offered to people (set by buttons, e.g. a confirmation token); left out of registration and help. */
  hidden?: boolean;
  /**
   * string: a further check of the trimmed text (e.g. a real IANA zone); returns the problem in the
   * user's words, or undefined. Runs with the other checks so one reply names every problem.
   */
  check?: (value: string) => string | undefined;
}

export interface SubcommandSpec {
  name: string;
  description: string;
  options?: readonly OptionSpec[];
  /** Overrides the command's audience for this sub-command. */
  audience?: Audience;
  slow?: boolean;
}

/** Validated option values: numbers are numbers, booleans booleans, dates yyyy-mm-dd; null = cleared. */
export type OptionValue = string | number | boolean | null;

export interface CommandContext {
  input: CommandInput;
  /** The resolved sub-command (the default one when none was given). */
  subcommand?: string;
  values: Readonly<Record<string, OptionValue | undefined>>;
  /** Null only for 'anyone' commands run by an unregistered account. */
  actor: Actor | null;
  me: Me | null;
  /** The actor's local calendar day (or the default time zone's for strangers). */
  today: string;
}

/** Links for OAuth providers (src/http builds them with a signed state). */
export interface ConnectLinks {
  authorizeUrl(input: { athleteId: string; provider: ProviderId; platform: Platform }): Promise<{ url: string; expiresAt?: Date }>;
}

/** Where a data export is put: a signed, short-lived download link, or (local mode) a file on this machine. */
export interface ExportPublisher {
  publish(personId: string, data: DataExport): Promise<{ url: string; expiresAt: Date } | { file: string }>;
}

export interface CommandDeps {
  core: UseCases;
  clock: Clock;
  /** Charts for /today, /history and /team board (src/chat/chart-renderer.ts); without it: no images. */
  charts?: ChartRenderer;
  connectLinks?: ConnectLinks;
  exports?: ExportPublisher;
  /** Signs the short-lived confirmation of /privacy delete. */
  confirm: ConfirmTokens;
  /** Version of the privacy notice athletes agree to in /register, e.g. "2026-11". */
  consentVersion: string;
  privacyNoticeUrl?: string;
  /** For people without a profile yet (config DEFAULT_TIMEZONE). */
  defaultTimezone: string;
}

/**
 * Typed option values. A command defined with `defineCommand` gets `ctx.values` typed from its own option
 * specs: integer / number → number, boolean → boolean, choice → the union of its choice values, anything
 * else (string, user, date, time) → string; `null` where a date is clearable; a required option is never
 * undefined (the dispatcher refuses the command without it), an optional one may be. validateOptions
 * (options.ts) is what makes these types true at run time.
 */
export type OptionValueOf<O> = O extends { type: 'integer' | 'number' }
  ? number
  : O extends { type: 'boolean' }
    ? boolean
    : O extends { type: 'choice'; choices: readonly OptionChoice<infer V>[] }
      ? V
      : string;

type Present<O> = OptionValueOf<O> | (O extends { clearable: true } ? null : never);

export type OptionValues<Os extends readonly OptionSpec[]> = {
  readonly [O in Os[number] as O['name']]: O extends { required: true } ? Present<O> : Present<O> | undefined;
};

/** The context of a command whose options are `Os`: values typed as OptionValues<Os>. */
export type TypedCommandContext<Os extends readonly OptionSpec[]> = Omit<CommandContext, 'values'> & { values: OptionValues<Os> };

/** A command definition whose handler reads typed values (see OptionValues). */
export type TypedCommandDefinition<Os extends readonly OptionSpec[]> = Omit<CommandDefinition, 'options' | 'subcommands' | 'handler'> & {
  options: Os;
  handler(ctx: TypedCommandContext<Os>, deps: CommandDeps): Promise<CommandReply>;
};

type SubOptions<S> = S extends { options: infer Os extends readonly OptionSpec[] } ? Os : readonly [];

/**
 * The context of a grouped command: one member per sub-command, told apart by `ctx.subcommand`, each with
 * that sub-command's values — `if (ctx.subcommand === 'add') ctx.values.kind` is typed.
 */
export type SubcommandContext<Ss extends readonly SubcommandSpec[]> =
  Ss[number] extends infer S
    ? S extends { name: infer N extends string }
      ? Omit<CommandContext, 'values' | 'subcommand'> & { subcommand: N; values: OptionValues<SubOptions<S>> }
      : never
    : never;

/** A grouped command's definition whose handler reads typed values per sub-command. */
export type TypedGroupDefinition<Ss extends readonly SubcommandSpec[]> = Omit<CommandDefinition, 'options' | 'subcommands' | 'handler'> & {
  subcommands: Ss;
  handler(ctx: SubcommandContext<Ss>, deps: CommandDeps): Promise<CommandReply>;
};

/**
 * Define a command with typed option values: `defineCommand({ …, options: [...], handler(ctx) { ctx.values.rpe } })`.
 * The option list is inferred as written (names, types, required, choices), so write specs inline or take
 * them from shared-options.ts, whose factories keep their literal types.
 */
export function defineCommand<const Os extends readonly OptionSpec[]>(def: TypedCommandDefinition<Os>): TypedCommand<Os>;
export function defineCommand<const Ss extends readonly SubcommandSpec[]>(def: TypedGroupDefinition<Ss>): TypedGroup<Ss>;
export function defineCommand(def: unknown): CommandDefinition {
  return def as CommandDefinition;
}

/** Type-only key carrying a grouped command's sub-command specs. */
declare const SUBCOMMAND_SPECS: unique symbol;

/** What defineCommand returns for a grouped command. */
export type TypedGroup<Ss extends readonly SubcommandSpec[]> = CommandDefinition & { readonly [SUBCOMMAND_SPECS]?: Ss };

/** The typed values of one sub-command of a grouped command. */
export type SubValuesOf<C, N extends string> = C extends { readonly [SUBCOMMAND_SPECS]?: infer Ss extends readonly SubcommandSpec[] }
  ? Extract<SubcommandContext<Ss>, { subcommand: N }>['values']
  : never;

/** Type-only key carrying a command's option specs (nothing at run time). */
declare const OPTION_SPECS: unique symbol;

/** What defineCommand returns: a CommandDefinition (for the registry) that remembers its option types. */
export type TypedCommand<Os extends readonly OptionSpec[]> = CommandDefinition & { readonly [OPTION_SPECS]?: Os };

/** The typed values a command's handler reads (type tests: tests/commands/typed-options.test.ts). */
export type ValuesOf<C> = C extends { readonly [OPTION_SPECS]?: infer Os extends readonly OptionSpec[] } ? OptionValues<Os> : never;

export interface CommandDefinition {
  name: string;
  description: string;
  audience: Audience;
  /** Slow commands are deferred by the adapters (Discord deferReply, Slack ack then respond). */
  slow?: boolean;
  /** 'private' (default): only the requester sees the reply. */
  visibility?: 'private' | 'public';
  options?: readonly OptionSpec[];
  subcommands?: readonly SubcommandSpec[];
  /** Used when the command is run without a sub-command (Slack, console; Discord always sends one). */
  defaultSubcommand?: string;
  /** One or two typed examples for /help. */
  examples?: readonly string[];
  /**
   * The command's form: returned instead of running the handler when the command is invoked from a
   * button, or typed without any option. `prefill` holds the (unvalidated) option strings given.
   */
  form?: (prefill: Readonly<Record<string, string>>, ctx: Omit<CommandContext, 'values'>) => ChatForm;
  handler(ctx: CommandContext, deps: CommandDeps): Promise<CommandReply>;
}

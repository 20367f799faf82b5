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

export interface OptionChoice {
  value: string;
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
  values: Readonly<Record<string, OptionValue>>;
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

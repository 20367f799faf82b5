/**
 * The one list of commands. Discord registration (scripts/register-discord-commands.ts), Slack and
 * console parsing, and /help all read it.
 */
import { approveCommand } from './approve.command.ts';
import { checkinCommand } from './checkin.command.ts';
import { connectCommand } from './connect.command.ts';
import { constraintCommand } from './constraint.command.ts';
import { disconnectCommand } from './disconnect.command.ts';
import { feedbackCommand } from './feedback.command.ts';
import { helpCommand } from './help.command.ts';
import { historyCommand } from './history.command.ts';
import { joinCommand } from './join.command.ts';
import { linkCommand } from './link.command.ts';
import { overrideCommand } from './override.command.ts';
import { pauseCommand } from './pause.command.ts';
import { privacyCommand } from './privacy.command.ts';
import { registerCommand } from './register.command.ts';
import { resultCommand } from './result.command.ts';
import { resumeCommand } from './resume.command.ts';
import { rosterCommand } from './roster.command.ts';
import { settingsCommand } from './settings.command.ts';
import { teamCommand } from './team.command.ts';
import { todayCommand } from './today.command.ts';
import type { CommandDefinition, OptionSpec, SubcommandSpec } from './types.ts';
import { weekCommand } from './week.command.ts';
import { whyCommand } from './why.command.ts';

export const COMMANDS: readonly CommandDefinition[] = [
  // athletes
  todayCommand,
  whyCommand,
  feedbackCommand,
  checkinCommand,
  resultCommand,
  historyCommand,
  weekCommand,
  connectCommand,
  disconnectCommand,
  settingsCommand,
  pauseCommand,
  resumeCommand,
  privacyCommand,
  // coaches
  overrideCommand,
  constraintCommand,
  teamCommand,
  approveCommand,
  rosterCommand,
  // everyone
  registerCommand,
  joinCommand,
  linkCommand,
  helpCommand,
];

export class CommandRegistry {
  private readonly byName: Map<string, CommandDefinition>;

  constructor(readonly commands: readonly CommandDefinition[] = COMMANDS) {
    this.byName = new Map();
    for (const c of commands) {
      if (this.byName.has(c.name)) throw new Error(`two commands named ${c.name}`);
      this.byName.set(c.name, c);
    }
  }

  get(name: string): CommandDefinition | undefined {
    return this.byName.get(name.toLowerCase());
  }

  all(): readonly CommandDefinition[] {
    return this.commands;
  }

  /** The sub-command to run (the default one when none was given); undefined for plain commands. */
  subcommandOf(def: CommandDefinition, name: string | undefined): SubcommandSpec | undefined {
    if (!def.subcommands) return undefined;
    return def.subcommands.find((s) => s.name === (name ?? def.defaultSubcommand));
  }

  optionsOf(def: CommandDefinition, sub: SubcommandSpec | undefined): readonly OptionSpec[] {
    return sub ? (sub.options ?? []) : (def.options ?? []);
  }
}

export function createRegistry(commands: readonly CommandDefinition[] = COMMANDS): CommandRegistry {
  return new CommandRegistry(commands);
}

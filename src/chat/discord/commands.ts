/**
 * The command registry as Discord application commands (CHAT_INPUT, type 1), and the bulk-overwrite call
 * that registers them: PUT /applications/{app}/guilds/{guild}/commands (instant, for one server) or
 * PUT /applications/{app}/commands (global). Run by scripts/register-discord-commands.ts — never as a
 * side effect of starting the bot.
 *
 * Mapping: string/date/time → STRING (3) with max_length, integer → INTEGER (4) and number → NUMBER (10)
 * with min/max, boolean → BOOLEAN (5), user → USER (6), choice → STRING with ≤ 25 choices; sub-commands
 * → SUB_COMMAND (1). Required options come first (Discord's rule); hidden options are left out.
 */
import { REST, Routes, type APIApplicationCommandOption, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { truncate } from '../text.ts';
import type { CommandSpecLike, OptionSpecLike } from '../inbound.ts';

const TYPE = { string: 3, date: 3, time: 3, choice: 3, integer: 4, boolean: 5, user: 6, number: 10 } as const;

function option(o: OptionSpecLike): APIApplicationCommandOption {
  const base = { name: o.name, description: truncate(o.description, 100), required: o.required ?? false };
  switch (o.type) {
    case 'integer':
    case 'number':
      return { ...base, type: TYPE[o.type], ...(o.min !== undefined ? { min_value: o.min } : {}), ...(o.max !== undefined ? { max_value: o.max } : {}) } as APIApplicationCommandOption;
    case 'choice':
      return { ...base, type: 3, choices: (o.choices ?? []).slice(0, 25).map((c) => ({ name: truncate(c.label, 100), value: c.value })) } as APIApplicationCommandOption;
    case 'string':
      return { ...base, type: 3, ...(o.max !== undefined ? { max_length: Math.min(o.max, 6000) } : {}) } as APIApplicationCommandOption;
    case 'date':
      return { ...base, type: 3, max_length: 10 } as APIApplicationCommandOption;
    case 'time':
      return { ...base, type: 3, max_length: 5 } as APIApplicationCommandOption;
    default:
      return { ...base, type: TYPE[o.type] } as APIApplicationCommandOption;
  }
}

function options(list: readonly OptionSpecLike[] | undefined): APIApplicationCommandOption[] {
  const shown = (list ?? []).filter((o) => !o.hidden);
  return [...shown.filter((o) => o.required), ...shown.filter((o) => !o.required)].map(option);
}

export function toDiscordCommands(specs: readonly CommandSpecLike[]): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return specs.map((c) => ({
    type: 1,
    name: c.name,
    description: truncate(c.description, 100),
    options: c.subcommands
      ? c.subcommands.map((s) => ({ type: 1, name: s.name, description: truncate(s.description, 100), options: options(s.options) }) as APIApplicationCommandOption)
      : options(c.options),
  }));
}

export interface RegisterOptions {
  token: string;
  applicationId: string;
  /** Register in one server (instant) instead of globally (config DISCORD_GUILD_ID). */
  guildId?: string;
  apiBaseUrl?: string;
  commands: readonly CommandSpecLike[];
}

/** Overwrite the application's commands with the registry's; returns where and how many. */
export async function registerDiscordCommands(o: RegisterOptions): Promise<{ scope: 'guild' | 'global'; route: string; count: number }> {
  const rest = new REST({ version: '10', ...(o.apiBaseUrl ? { api: o.apiBaseUrl.replace(/\/+$/, '') } : {}) }).setToken(o.token);
  const body = toDiscordCommands(o.commands);
  const route = o.guildId ? Routes.applicationGuildCommands(o.applicationId, o.guildId) : Routes.applicationCommands(o.applicationId);
  try {
    const saved = (await rest.put(route, { body })) as unknown[];
    return { scope: o.guildId ? 'guild' : 'global', route, count: saved.length };
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}

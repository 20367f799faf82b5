/**
 * Register the slash commands with Discord, from commands/registry.ts:
 *
 *   DISCORD_TOKEN=… DISCORD_APPLICATION_ID=… [DISCORD_GUILD_ID=…] npx tsx scripts/register-discord-commands.ts
 *
 * With DISCORD_GUILD_ID the commands go to that server (they appear at once: use it while developing);
 * without it they are global (Discord may take a while to show changes). It overwrites the whole set, so
 * removed commands disappear. Starting the bot never does this.
 */
import { COMMANDS } from '../commands/registry.ts';
import { registerDiscordCommands } from '../src/chat/discord/commands.ts';
import { loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) throw new ConfigError(['DISCORD_TOKEN and DISCORD_APPLICATION_ID are needed to register commands']);
  const result = await registerDiscordCommands({
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
    ...(config.DISCORD_API_BASE_URL ? { apiBaseUrl: config.DISCORD_API_BASE_URL } : {}),
    commands: COMMANDS,
  });
  process.stdout.write(`Registered ${result.count} commands (${result.scope}: ${result.route}).\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`register-discord-commands: ${err instanceof ConfigError ? err.userMessage : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});

/**
 * Inbound Discord: a discord.js Client whose `interactionCreate` events become CommandInputs for the
 * dispatcher, and whose replies are our renderers' output.
 *
 *   slash command (type 2)   → command + sub-command + options (user options arrive as user ids)
 *   button (type 3)          → the command in its custom_id (src/core/presenters/actions.ts), source 'button'
 *   modal submit (type 5)    → the form's command + context + submitted values, source 'form'
 *
 * Responses, within Discord's 3 seconds: slow commands (and anything not answered within `deferAfterMs`)
 * are acknowledged with a deferred reply (callback type 5), then the reply is edited in (PATCH
 * @original, token valid 15 minutes). Forms open as modals (type 9); where a modal can't be the answer
 * (after deferring, or answering a modal) a button that opens it is sent instead. Replies of private
 * commands are ephemeral (flag 64); charts go as attachment + embed image.
 *
 * Registering the commands with Discord is a separate script (scripts/register-discord-commands.ts).
 */
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
  type ModalSubmitInteraction,
} from 'discord.js';
import type { ChatMessage, CommandInput } from '../../core/chat.ts';
import { isAppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { buttonInput, formFallback, inboundError, retryButton, within, type InboundDispatcher, type InboundResult } from '../inbound.ts';
import { parseDiscordModalSubmit, renderDiscordMessage, renderDiscordModal, type DiscordModalSubmitData } from './render.ts';

export interface DiscordInteractionsOptions {
  dispatcher: InboundDispatcher;
  logger: Logger;
  /** Bot token (config DISCORD_TOKEN). */
  token: string;
  /** REST base without the version (config DISCORD_API_BASE_URL); tests: the loopback fake. */
  apiBaseUrl?: string;
  /** Defer a command that has not answered after this long. Default 2000 ms (Discord allows 3 s). */
  deferAfterMs?: number;
}

type Replyable = ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction;

/**
 * Message → discord.js reply options (embed, buttons, chart file, no pings): one per Discord message — a
 * long message (a big team board) is the reply and then follow-ups.
 */
export function discordReply(message: ChatMessage): (InteractionReplyOptions & InteractionEditReplyOptions)[] {
  return renderDiscordMessage(message).map(({ body, files }) => {
    const described = new Map((body.attachments ?? []).map((a) => [a.filename, a.description]));
    const out: InteractionReplyOptions & InteractionEditReplyOptions = {
      embeds: body.embeds ?? [],
      components: body.components ?? [],
      allowedMentions: { parse: [] },
    };
    if (files.length > 0) out.files = files.map((f) => ({ attachment: f.data, name: f.name, ...(described.get(f.name) ? { description: described.get(f.name)! } : {}) }));
    return out;
  });
}

/** Slash command options (with an optional sub-command level) → strings. */
export function slashOptions(data: readonly CommandInteractionOption[]): { subcommand?: string; options: Record<string, string> } {
  const flat = (list: readonly CommandInteractionOption[]) => Object.fromEntries(list.filter((o) => o.value !== undefined && o.value !== null).map((o) => [o.name, String(o.value)]));
  const sub = data.find((o) => o.type === 1);
  if (sub) return { subcommand: sub.name, options: flat(sub.options ?? []) };
  return { options: flat(data) };
}

/** discord.js's parsed modal components → the raw shape parseDiscordModalSubmit reads. */
function rawModal(i: ModalSubmitInteraction): DiscordModalSubmitData {
  type Parsed = { type: number; customId?: string; value?: string; values?: readonly string[]; component?: Parsed; components?: readonly Parsed[] };
  const raw = (c: Parsed): DiscordModalSubmitData['components'][number] => ({
    type: c.type,
    ...(c.customId !== undefined ? { custom_id: c.customId } : {}),
    ...(c.value !== undefined ? { value: c.value } : {}),
    ...(c.values !== undefined ? { values: c.values } : {}),
    ...(c.component ? { component: raw(c.component) } : {}),
    ...(c.components ? { components: c.components.map(raw) } : {}),
  });
  return { custom_id: i.customId, components: (i.components as unknown as Parsed[]).map(raw) };
}

export class DiscordInteractions {
  readonly client: Client;
  private readonly log: Logger;
  private readonly deferAfterMs: number;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: DiscordInteractionsOptions) {
    this.log = options.logger.child({ component: 'discord-interactions' });
    this.deferAfterMs = options.deferAfterMs ?? 2_000;
    this.client = new Client({
      intents: [GatewayIntentBits.Guilds],
      rest: options.apiBaseUrl ? { api: options.apiBaseUrl.replace(/\/+$/, '') } : {},
    });
    this.client.rest.setToken(options.token);
    this.client.on(Events.InteractionCreate, (interaction) => {
      const p = this.handle(interaction).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    });
  }

  /** Connect to the gateway (production). Tests feed payloads to client.actions.InteractionCreate instead. */
  async start(): Promise<void> {
    await this.client.login(this.options.token);
  }

  /** Wait for interactions being answered, then disconnect. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.client.destroy();
  }

  /** Settles when every interaction received so far has been answered (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async handle(interaction: Interaction): Promise<void> {
    if (!interaction.isChatInputCommand() && !interaction.isButton() && !interaction.isModalSubmit()) return;
    const i = interaction as Replyable;
    try {
      let parsed: Pick<CommandInput, 'command' | 'subcommand' | 'options' | 'source'>;
      try {
        parsed = this.parse(i);
      } catch (err) {
        if (!isAppError(err)) throw err;
        await this.replyAll(i, inboundError(err.userMessage), true);
        return;
      }
      const user = i.user;
      const input: CommandInput = {
        platform: 'discord',
        platformUserId: user.id,
        displayName: user.globalName ?? user.username,
        ...parsed,
        ...(i.guildId ? { workspaceId: i.guildId } : {}),
        ...(i.channelId ? { channelId: i.channelId } : {}),
      };
      const traits = this.options.dispatcher.describe(input);
      const flags = traits.ephemeral ? MessageFlags.Ephemeral : undefined;
      const pending = this.options.dispatcher.dispatch(input);
      const withRetry = pending.then((r) => this.offerRetry(input, r));
      const first = traits.slow ? ({ done: false } as const) : await within(withRetry, this.deferAfterMs);
      if (first.done) return await this.answer(i, first.value);
      await i.deferReply(flags ? { flags } : {});
      await this.answerDeferred(i, await withRetry, traits.ephemeral);
    } catch (err) {
      this.log.error({ err, interactionId: interaction.id, type: interaction.type }, 'could not answer a Discord interaction');
    }
  }

  /** Discord closes a modal on submit: after a validation error, offer to reopen it with the values sent. */
  private offerRetry(input: CommandInput, r: InboundResult): InboundResult {
    if (input.source !== 'form' || !r.failure?.fields || !r.message || r.message.buttons?.length) return r;
    const buttons = retryButton(input);
    return buttons ? { ...r, message: { ...r.message, buttons } } : r;
  }

  private parse(i: Replyable): Pick<CommandInput, 'command' | 'subcommand' | 'options' | 'source'> {
    if (i.isChatInputCommand()) return { command: i.commandName, ...slashOptions(i.options.data), source: 'slash' };
    if (i.isButton()) return buttonInput(i.customId);
    return parseDiscordModalSubmit(rawModal(i as ModalSubmitInteraction));
  }

  private async answer(i: Replyable, r: InboundResult): Promise<void> {
    if (r.form && !i.isModalSubmit()) {
      await i.showModal(renderDiscordModal(r.form));
      return;
    }
    const message = r.message ?? (r.form ? formFallback(r.form) : inboundError('Nothing to show.'));
    await this.replyAll(i, message, message.ephemeral ?? false);
  }

  /** The reply, then the rest of a long message as follow-ups (same visibility). */
  private async replyAll(i: Replyable, message: ChatMessage, ephemeral: boolean): Promise<void> {
    const [first, ...rest] = discordReply(message);
    const flags = ephemeral ? { flags: MessageFlags.Ephemeral as const } : {};
    await i.reply({ ...first!, ...flags });
    for (const part of rest) await i.followUp({ ...part, ...flags });
  }

  /** Edit the deferred reply in, then follow-ups for the rest (visible like the deferral). */
  private async answerDeferred(i: Replyable, r: InboundResult, ephemeral: boolean): Promise<void> {
    const message = r.message ?? (r.form ? formFallback(r.form) : inboundError('Nothing to show.'));
    const [first, ...rest] = discordReply(message);
    await i.editReply(first!);
    for (const part of rest) await i.followUp({ ...part, ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) });
  }
}

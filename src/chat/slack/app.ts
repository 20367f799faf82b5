/**
 * Inbound Slack: a Bolt App behind one transport switch — our SlackReceiver (production: one route,
 * `POST /slack/events`, on the service's HTTP front, which limits the body; the receiver checks Slack's
 * signature with a symmetric ±5 minute window, refuses malformed bodies and replays, then hands Bolt the
 * parsed body: see slack/receiver.ts) or SocketModeReceiver (development: no public URL needed).
 *
 *   slash command      ack at once → dispatch → modal (views.open with the trigger id) or reply through
 *                      the response_url (ephemeral for private commands), chat.postEphemeral as fallback;
 *                      when the input opens a form (dispatcher.describe().form), a "Loading…" modal opens
 *                      first, within the trigger's 3 seconds, and views.update puts the form in
 *   button (block action, action_id = our button id)
 *                      ack → dispatch from a button → modal, or reply through the response_url (App Home
 *                      buttons have none: the reply goes to the user's DM)
 *   modal submitted (view_submission, callback_id "form:<command>")
 *                      dispatch within `ackWithinMs`: a validation error is shown on the field inside the
 *                      modal (response_action "errors"); otherwise ack and send the reply to the user's DM
 *   App Home opened    views.publish with the athlete's week (/week), or the welcome for strangers
 *
 * Handlers get their capabilities (ack, respond, client) from Bolt as arguments; every reply is rendered
 * with slack/render.ts. A reply with a chart uploads it first; Slack may refuse a file that new in an image
 * block, so the reply goes through the sender's postWithFreshImage (once more after `fileReadyDelayMs`,
 * then without the chart) rather than failing down the response_url → ephemeral → DM chain. The WebClient points at `apiUrl` (tests: the loopback fake).
 */
import { App, SocketModeReceiver } from '@slack/bolt';
import type { KnownBlock, WebClient } from '@slack/web-api';
import type { ChatMessage, CommandInput } from '../../core/chat.ts';
import { isAppError } from '../../errors.ts';
import { createMetricsRegistry, startHttpServer, type Route, type RunningHttpServer } from '../../http/server.ts';
import type { Logger } from '../../logger.ts';
import { buttonInput, formFallback, inboundError, within, type InboundDispatcher, type InboundResult } from '../inbound.ts';
import { SlackReceiver } from './receiver.ts';
import { parseSlackViewSubmission, renderSlackLoadingModal, renderSlackMessage, renderSlackMessageModal, renderSlackModal, type SlackViewSubmission } from './render.ts';
import { realSleep, type Sleep } from '../pacing.ts';
import { imageRejected, postWithFreshImage, slackLogger } from './sender.ts';

export type SlackTransport =
  | {
      mode: 'http';
      /** config SLACK_SIGNING_SECRET */
      signingSecret: string;
      /** Path Slack posts to. Default "/slack/events" (set the same URL for commands, interactivity and events). */
      path?: string;
    }
  | { mode: 'socket'; /** config SLACK_APP_TOKEN (xapp-…) */ appToken: string };

export interface SlackAppOptions {
  dispatcher: InboundDispatcher;
  logger: Logger;
  /** config SLACK_BOT_TOKEN (xoxb-…) */
  botToken: string;
  transport: SlackTransport;
  /** Web API base ending in "/api/" (config SLACK_API_BASE_URL); tests: the loopback fake. */
  apiUrl?: string;
  /** How long a modal submission may take before Slack is acknowledged without field errors. Default 2500 ms. */
  ackWithinMs?: number;
  /** Wait before showing a just-uploaded chart again when Slack has not processed it yet. Default 1500 ms. */
  fileReadyDelayMs?: number;
  sleep?: Sleep;
}


const fromSlack = (user: string, team: string | undefined, channel: string | undefined, name?: string): Pick<CommandInput, 'platform' | 'platformUserId' | 'displayName' | 'workspaceId' | 'channelId'> => ({
  platform: 'slack',
  platformUserId: user,
  ...(name ? { displayName: name } : {}),
  ...(team ? { workspaceId: team } : {}),
  ...(channel ? { channelId: channel } : {}),
});

export class SlackApp {
  readonly app: App;
  readonly receiver: SlackReceiver | SocketModeReceiver;
  private readonly log: Logger;
  private readonly inFlight = new Set<Promise<unknown>>();
  private server: RunningHttpServer | undefined;

  constructor(private readonly options: SlackAppOptions) {
    this.log = options.logger.child({ component: 'slack-app' });
    const logger = slackLogger(this.log);
    this.receiver =
      options.transport.mode === 'http'
        ? new SlackReceiver({ signingSecret: options.transport.signingSecret, logger: this.log, ...(options.transport.path ? { path: options.transport.path } : {}) })
        : new SocketModeReceiver({ appToken: options.transport.appToken, logger });
    this.app = new App({
      token: options.botToken,
      receiver: this.receiver,
      logger,
      clientOptions: options.apiUrl ? { slackApiUrl: options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/` } : {},
    });
    this.app.error(async (err) => {
      this.log.error({ err }, 'slack handler failed');
    });
    this.register();
  }

  /** HTTP mode: the route to add to the service's server (`POST /slack/events`). */
  get route(): Route | undefined {
    return this.receiver instanceof SlackReceiver ? this.receiver.route : undefined;
  }

  /** HTTP mode: serve the route on an HTTP front of its own on loopback (0 = any port; returns it). Socket mode: connect. */
  async start(port = 3000): Promise<number | undefined> {
    if (this.receiver instanceof SlackReceiver) {
      const health = async () => ({ status: 'ok' as const, version: 'slack', uptimeSeconds: 0, db: { ok: true, embedded: false }, tfBackend: 'none' });
      this.server = await startHttpServer({ host: '127.0.0.1', port, logger: this.log, metrics: createMetricsRegistry(), health, routes: [this.receiver.route] });
      return this.server.port;
    }
    await this.receiver.start();
    return undefined;
  }

  async stop(): Promise<void> {
    await this.idle();
    if (this.receiver instanceof SocketModeReceiver) await this.receiver.stop();
    await this.server?.close();
    this.server = undefined;
  }

  /** Settles when every request received so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private register(): void {
    const { dispatcher } = this.options;

    this.app.command(/^\/[a-z0-9_-]+$/, ({ command, ack, respond, client }) =>
      this.track(
        (async () => {
          await ack();
          const who = fromSlack(command.user_id, command.team_id, command.channel_id, command.user_name);
          let parsed: Pick<CommandInput, 'command' | 'subcommand' | 'options'>;
          try {
            parsed = dispatcher.parseLine(`${command.command} ${command.text ?? ''}`);
          } catch (err) {
            if (!isAppError(err)) throw err;
            await respond({ response_type: 'ephemeral', ...renderSlackMessage(inboundError(err.userMessage)) });
            return;
          }
          const input: CommandInput = { ...who, ...parsed, source: 'slash' };
          const traits = dispatcher.describe(input);
          if (traits.form) return this.openFormFirst(client, command.trigger_id, input, { respond, ephemeral: traits.ephemeral, user: command.user_id, channel: command.channel_id });
          const result = await dispatcher.dispatch(input);
          if (result.form) {
            await client.views.open({ trigger_id: command.trigger_id, view: renderSlackModal(result.form) });
            return;
          }
          await this.reply(client, result, { respond, ephemeral: traits.ephemeral, user: command.user_id, channel: command.channel_id });
        })(),
      ),
    );

    this.app.action(/^tc:/, ({ ack, body, action, respond, client }) =>
      this.track(
        (async () => {
          await ack();
          const b = body as { user: { id: string; name?: string; username?: string }; team?: { id: string } | null; channel?: { id: string }; trigger_id?: string; response_url?: string };
          const id = (action as { action_id: string }).action_id;
          const who = fromSlack(b.user.id, b.team?.id, b.channel?.id, b.user.name ?? b.user.username);
          let parsed: ReturnType<typeof buttonInput>;
          try {
            parsed = buttonInput(id);
          } catch (err) {
            if (!isAppError(err)) throw err;
            await this.reply(client, { message: inboundError(err.userMessage) }, { ...(b.response_url ? { respond } : {}), ephemeral: true, user: b.user.id, ...(b.channel ? { channel: b.channel.id } : {}) });
            return;
          }
          const input: CommandInput = { ...who, ...parsed };
          const where = { ...(b.response_url ? { respond } : {}), ephemeral: dispatcher.describe(input).ephemeral, user: b.user.id, ...(b.channel ? { channel: b.channel.id } : {}) };
          if (b.trigger_id && dispatcher.describe(input).form) return this.openFormFirst(client, b.trigger_id, input, where);
          const result = await dispatcher.dispatch(input);
          if (result.form && b.trigger_id) {
            await client.views.open({ trigger_id: b.trigger_id, view: renderSlackModal(result.form) });
            return;
          }
          await this.reply(client, result, where);
        })(),
      ),
    );

    this.app.view(/^form:/, ({ ack, body, view, client }) =>
      this.track(
        (async () => {
          const user = body.user.id;
          const who = fromSlack(user, body.team?.id, undefined, body.user.name);
          let input: CommandInput;
          try {
            input = { ...who, ...parseSlackViewSubmission(view as unknown as SlackViewSubmission) };
          } catch (err) {
            if (!isAppError(err)) throw err;
            await ack();
            await this.reply(client, { message: inboundError(err.userMessage) }, { ephemeral: true, user });
            return;
          }
          const pending = dispatcher.dispatch(input);
          const first = await within(pending, this.options.ackWithinMs ?? 2_500);
          if (first.done && first.value.failure?.fields) {
            // Validation errors go on their fields and the modal stays open with what the user typed.
            const blocks = new Set((view.blocks as { block_id?: string }[]).map((x) => x.block_id));
            const errors = Object.fromEntries(Object.entries(first.value.failure.fields).filter(([name]) => blocks.has(name)).map(([name, m]) => [name, m.slice(0, 150)]));
            if (Object.keys(errors).length > 0) {
              await ack({ response_action: 'errors', errors });
              return;
            }
          }
          await ack();
          await this.reply(client, first.done ? first.value : await pending, { ephemeral: true, user });
        })(),
      ),
    );

    this.app.event('app_home_opened', ({ event, body, client }) =>
      this.track(
        (async () => {
          if (event.tab !== 'home') return;
          const result = await dispatcher.dispatch({ ...fromSlack(event.user, (body as { team_id?: string }).team_id, undefined), command: 'week', options: {}, source: 'text' });
          const message = result.message ?? inboundError('Nothing to show yet.');
          const { blocks } = renderSlackMessage({ ...message, image: undefined } as ChatMessage);
          await client.views.publish({ user_id: event.user, view: { type: 'home', blocks: blocks.slice(0, 100) as KnownBlock[] } });
        })(),
      ),
    );
  }

  /**
   * The input opens a form: the trigger id is good for 3 seconds from the event, and looking the person up
   * can take longer, so a "Loading…" modal opens at once (in parallel with the command) and views.update
   * puts the form in when the command answers — or the reply, when it answered with a message instead
   * (e.g. not allowed). If the modal could not open, the reply goes the usual way (a form as a button).
   */
  private async openFormFirst(client: WebClient, triggerId: string, input: CommandInput, where: Parameters<SlackApp['reply']>[2]): Promise<void> {
    const opening = client.views
      .open({ trigger_id: triggerId, view: renderSlackLoadingModal(input.command) })
      .then((res) => res.view)
      .catch((err: unknown) => {
        this.log.warn({ err, command: input.command }, 'could not open the modal in time');
        return undefined;
      });
    const [result, opened] = await Promise.all([this.options.dispatcher.dispatch(input), opening]);
    if (!opened?.id) return this.reply(client, result, where);
    const view = result.form ? renderSlackModal(result.form) : renderSlackMessageModal(result.message ?? inboundError('Nothing to show.'));
    await client.views.update({ view_id: opened.id, ...(opened.hash ? { hash: opened.hash } : {}), view });
  }

  /** A reply message: through the response_url when there is one, else ephemeral in the channel, else the user's DM. */
  private async reply(
    client: WebClient,
    result: InboundResult,
    where: { respond?: (m: Record<string, unknown>) => Promise<unknown>; ephemeral: boolean; user: string; channel?: string },
  ): Promise<void> {
    const message = result.message ?? (result.form ? formFallback(result.form) : undefined);
    if (!message) return;
    const imageFileId = message.image ? await this.upload(client, message.image).catch((err: unknown) => this.log.warn({ err }, 'chart upload failed; replying without it')) : undefined;
    const ephemeral = message.ephemeral ?? where.ephemeral;
    // A chart uploaded a moment ago can be refused in every step below alike: that goes back to
    // postWithFreshImage (once more, then without the chart) instead of down the chain.
    const post = async (fileId: string | undefined): Promise<void> => {
      const { text, blocks } = renderSlackMessage(message, fileId ? { imageFileId: fileId } : {});
      if (where.respond) {
        try {
          await where.respond({ response_type: ephemeral ? 'ephemeral' : 'in_channel', replace_original: false, text, blocks });
          return;
        } catch (err) {
          if (fileId && imageRejected(err)) throw err;
          this.log.warn({ err }, 'response_url failed; posting instead');
        }
      }
      if (where.channel && ephemeral) {
        try {
          await client.chat.postEphemeral({ channel: where.channel, user: where.user, text, blocks });
          return;
        } catch (err) {
          if (fileId && imageRejected(err)) throw err;
          this.log.warn({ err }, 'chat.postEphemeral failed; sending a DM instead');
        }
      }
      await client.chat.postMessage({ channel: where.channel && !ephemeral ? where.channel : where.user, text, blocks, unfurl_links: false });
    };
    await postWithFreshImage(imageFileId || undefined, post, { delayMs: this.options.fileReadyDelayMs ?? 1_500, sleep: this.options.sleep ?? realSleep, log: this.log });
  }

  private async upload(client: WebClient, image: NonNullable<ChatMessage['image']>): Promise<string | undefined> {
    const res = await client.filesUploadV2({ file: image.png, filename: image.filename, alt_text: image.alt, title: image.alt });
    return (res as { files?: { files?: { id?: string }[] }[] }).files?.[0]?.files?.[0]?.id;
  }
}

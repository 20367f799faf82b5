/**
 * Local mode's chat: the same commands typed in a terminal, printed with the console renderer.
 *
 *   > /feedback rpe:7 minutes:60 completion:done      a command (the slash is optional)
 *   > 2                                               press button [2] of the last message
 *   > as coach                                        act as another local user (demo: coach + athletes)
 *   > help · exit
 *
 * A form is asked field by field ("RPE 1–10 [9]: "); Enter keeps the suggested value or skips the field,
 * choices can be answered by number. Works on any Readable/Writable, so tests drive it with streams.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ChatButton, ChatForm, ChatMessage, CommandInput } from '../../core/chat.ts';
import { isAppError } from '../../errors.ts';
import { buttonInput, formFallback, inboundError, type InboundDispatcher, type InboundResult } from '../inbound.ts';
import { renderConsoleMessage } from './render.ts';

export interface ConsoleReplOptions {
  dispatcher: InboundDispatcher;
  input: Readable;
  output: Writable;
  /** The local user's id on the 'console' platform. Default "me". */
  userId?: string;
  displayName?: string;
  /** Where commands "come from" (a team can be bound to it with /team create). Default local / console. */
  workspaceId?: string;
  channelId?: string;
  color?: boolean;
  width?: number;
  prompt?: string;
  /** Directory for chart PNGs; without it charts are only described. */
  imageDir?: string;
  /** `as <name>` resolves known names (e.g. the simulated athletes) to their console user ids. */
  resolveUser?: (name: string) => { userId: string; displayName: string } | undefined;
}

export class ConsoleRepl {
  private user: string;
  private displayName: string;
  private buttons: ChatButton[] = [];
  private lines: AsyncIterator<string> | undefined;
  private closed = false;
  private images = 0;

  constructor(private readonly options: ConsoleReplOptions) {
    this.user = options.userId ?? 'me';
    this.displayName = options.displayName ?? this.user.charAt(0).toUpperCase() + this.user.slice(1);
  }

  /** Read and answer lines until the input ends or "exit". */
  async run(): Promise<void> {
    const rl = createInterface({ input: this.options.input, terminal: false, crlfDelay: Infinity });
    this.lines = rl[Symbol.asyncIterator]();
    this.write(`twincoach local chat — you are "${this.user}". Type help, a command like /today, a button number, or exit.\n`);
    try {
      for (;;) {
        const line = await this.ask(this.options.prompt ?? '> ');
        if (line === undefined) break;
        const t = line.trim();
        if (t === '') continue;
        if (t === 'exit' || t === 'quit') break;
        await this.handle(t);
      }
    } finally {
      this.closed = true;
      rl.close();
    }
  }

  private write(text: string): void {
    this.options.output.write(text);
  }

  private async ask(prompt: string): Promise<string | undefined> {
    if (this.closed || !this.lines) return undefined;
    this.write(prompt);
    const next = await this.lines.next();
    if (next.done) {
      this.write('\n');
      return undefined;
    }
    return next.value;
  }

  private base(): Pick<CommandInput, 'platform' | 'platformUserId' | 'displayName' | 'workspaceId' | 'channelId'> {
    return { platform: 'console', platformUserId: this.user, displayName: this.displayName, workspaceId: this.options.workspaceId ?? 'local', channelId: this.options.channelId ?? 'console' };
  }

  private async handle(t: string): Promise<void> {
    const as = /^as\s+(\S+)$/i.exec(t);
    if (as) {
      const known = this.options.resolveUser?.(as[1]!);
      this.user = known?.userId ?? as[1]!;
      this.displayName = known?.displayName ?? this.user.charAt(0).toUpperCase() + this.user.slice(1);
      this.buttons = [];
      this.write(`Now acting as "${this.user}".\n`);
      return;
    }
    let input: CommandInput;
    if (/^\d+$/.test(t)) {
      const button = this.buttons[Number(t) - 1];
      if (!button) {
        this.write(this.buttons.length > 0 ? `There is no button [${t}]; the last message has ${this.buttons.length}.\n` : 'There is no button to press.\n');
        return;
      }
      try {
        input = { ...this.base(), ...buttonInput(button.id) };
      } catch (err) {
        if (!isAppError(err)) throw err;
        this.show(inboundError(err.userMessage));
        return;
      }
    } else {
      try {
        input = { ...this.base(), ...this.options.dispatcher.parseLine(t), source: 'text' };
      } catch (err) {
        if (!isAppError(err)) throw err;
        this.show(inboundError(err.userMessage));
        return;
      }
    }
    await this.answer(await this.options.dispatcher.dispatch(input), true);
  }

  private async answer(result: InboundResult, formAllowed: boolean): Promise<void> {
    if (result.message) await this.showWithImage(result.message);
    if (!result.form) return;
    if (!formAllowed) {
      this.show(formFallback(result.form));
      return;
    }
    const values = await this.fill(result.form);
    if (values === undefined) return;
    await this.answer(await this.options.dispatcher.dispatch({ ...this.base(), command: result.form.command, options: { ...result.form.context, ...values }, source: 'form' }), false);
  }

  /** Ask each input in turn; undefined when the input ended mid-form. */
  private async fill(form: ChatForm): Promise<Record<string, string> | undefined> {
    this.write(`${form.title} — Enter keeps [the suggestion] or skips; "cancel" stops.\n`);
    const values: Record<string, string> = {};
    for (const input of form.inputs) {
      const choices = input.choices ?? [];
      if (choices.length > 0) this.write(`  ${choices.map((c, i) => `${i + 1}) ${c.label}`).join('   ')}\n`);
      const suggestion = input.initial !== undefined && input.initial !== '' ? ` [${choices.find((c) => c.value === input.initial)?.label ?? input.initial}]` : '';
      const answer = await this.ask(`  ${input.label}${input.required ? ' *' : ''}${suggestion}: `);
      if (answer === undefined) return undefined;
      const a = answer.trim();
      if (a.toLowerCase() === 'cancel') {
        this.write('Cancelled.\n');
        return undefined;
      }
      let value = a === '' ? (input.initial ?? '') : a;
      if (choices.length > 0 && /^\d+$/.test(value) && choices[Number(value) - 1]) value = choices[Number(value) - 1]!.value;
      if (value !== '') values[input.name] = value;
    }
    return values;
  }

  private show(message: ChatMessage, imagePath?: string): void {
    this.buttons = message.buttons ?? [];
    const text = renderConsoleMessage(message, {
      recipient: message.ephemeral === false ? `#${this.options.channelId ?? 'console'}` : `${this.displayName} (only you)`,
      ...(this.options.color !== undefined ? { color: this.options.color } : {}),
      ...(this.options.width !== undefined ? { width: this.options.width } : {}),
      ...(imagePath ? { imagePath } : {}),
    });
    this.write(`${text}\n`);
  }

  private async showWithImage(message: ChatMessage): Promise<void> {
    let imagePath: string | undefined;
    if (message.image && this.options.imageDir) {
      await mkdir(this.options.imageDir, { recursive: true });
      imagePath = path.join(this.options.imageDir, `${++this.images}-${message.image.filename.replace(/[^A-Za-z0-9._-]+/g, '_')}`);
      await writeFile(imagePath, message.image.png);
    }
    this.show(message, imagePath);
  }
}

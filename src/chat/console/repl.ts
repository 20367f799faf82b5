/**
 * Local mode's chat: the same commands typed in a terminal, printed with the console renderer.
 *
 *   > /feedback rpe:7 minutes:60 completion:done      a command (the slash is optional)
 *   > 2                                               press button [2] of the last message
 *   > as coach                                        act as another local user (demo: coach + athletes)
 *   > morning Alex · skip 1d                          the host's own console commands (local mode: app.ts)
 *   > help · exit
 *
 * A form is asked field by field ("RPE 1–10 (1 very easy … 10 maximal) [9]: "); Enter keeps the suggested
 * value or skips the field, choices can be answered by number. Each answer is checked as it is typed (the
 * dispatcher's checkOption) and asked again when wrong; "cancel" or "/cancel" drops the form, "exit" leaves
 * it and the console, and a slash command leaves it and runs. `help` adds this console's own commands to
 * the command list; `as <name>` refuses a name nobody has (listing who is there). Works on any
 * Readable/Writable, so tests drive it with streams.
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
  /**
   * `as <name>` resolves known names (e.g. the simulated athletes, "coach") to their console user ids; an
   * unknown name is refused with the list of `people`. Without it any name is taken as a new user id.
   */
  resolveUser?: (name: string) => { userId: string; displayName: string } | undefined;
  /** The names `as` accepts, for help and for refusals. */
  people?: () => string[];
  /** The host's own console commands (local mode: morning now, skip days), listed by `help`. */
  extraCommands?: readonly ConsoleCommand[];
  /** Lines added to `help` about this console (e.g. "a first start catches up today's mornings"). */
  helpNotes?: readonly string[];
}

/** A console-only command the host adds (not a chat command: no other platform has it). */
export interface ConsoleCommand {
  /** e.g. "morning [name|all]" */
  usage: string;
  description: string;
  /** The line's arguments when the line is this command, else undefined. */
  match(line: string): string | undefined;
  /** Runs it as the current console user; returns what to print. */
  run(args: string, as: { userId: string; displayName: string }): Promise<{ text?: string; messages?: ChatMessage[] }>;
}

type FormOutcome = { values: Record<string, string> } | { cancelled: true } | { run: string } | { exit: true } | { ended: true };

const EXIT = new Set(['exit', 'quit']);
const CANCEL = new Set(['cancel', '/cancel']);

export class ConsoleRepl {
  private user: string;
  private displayName: string;
  private buttons: ChatButton[] = [];
  private lines: AsyncIterator<string> | undefined;
  private closed = false;
  private exitRequested = false;
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
        if (EXIT.has(t.toLowerCase())) this.exitRequested = true;
        else await this.handle(t);
        if (this.exitRequested) {
          this.write('Goodbye.\n');
          break;
        }
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
    const as = /^as\s+(.+)$/i.exec(t);
    if (as) return this.switchUser(as[1]!.trim());
    for (const c of this.options.extraCommands ?? []) {
      const args = c.match(t);
      if (args === undefined) continue;
      try {
        const out = await c.run(args, { userId: this.user, displayName: this.displayName });
        for (const m of out.messages ?? []) await this.showWithImage(m);
        if (out.text) this.write(`${out.text}\n`);
      } catch (err) {
        if (!isAppError(err)) throw err;
        this.show(inboundError(err.userMessage));
      }
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
    if (input.command === 'help') this.show(this.consoleHelp());
  }

  private switchUser(name: string): void {
    let next: { userId: string; displayName: string } | undefined;
    if (this.options.resolveUser) {
      next = this.options.resolveUser(name);
      if (!next) {
        const people = this.options.people?.() ?? [];
        this.write(`There is nobody called "${name}" here${people.length > 0 ? `. You can act as: ${people.join(', ')}` : ''}.\n`);
        return;
      }
    } else next = { userId: name, displayName: name.charAt(0).toUpperCase() + name.slice(1) };
    this.user = next.userId;
    this.displayName = next.displayName;
    this.buttons = [];
    this.write(next.displayName.toLowerCase() === next.userId.toLowerCase() ? `Now acting as "${next.userId}".\n` : `Now acting as ${next.displayName} ("${next.userId}").\n`);
  }

  /** The console's own commands, shown under the command list. */
  private consoleHelp(): ChatMessage {
    const people = this.options.people?.() ?? [];
    const rows = [
      `\`as <name>\` — act as someone else${people.length > 0 ? `: ${people.join(', ')}` : ''}`,
      '`<number>` — press button [number] under the last message',
      ...(this.options.extraCommands ?? []).map((c) => `\`${c.usage}\` — ${c.description}`),
      'In a form: Enter keeps [the suggestion] or skips, `cancel` drops the form, a /command leaves it and runs',
      '`exit` — stop the service (your data is kept)',
    ];
    const notes = this.options.helpNotes ?? [];
    return {
      title: 'This console',
      summary: `You are ${this.displayName} ("${this.user}").`,
      sections: [{ title: 'Console commands', text: rows.map((r) => `• ${r}`).join('\n') }, ...(notes.length > 0 ? [{ title: 'Good to know', text: notes.map((n) => `• ${n}`).join('\n') }] : [])],
      tone: 'neutral',
    };
  }

  private async answer(result: InboundResult, formAllowed: boolean): Promise<void> {
    if (result.message) await this.showWithImage(result.message);
    if (!result.form) return;
    if (!formAllowed) {
      this.show(formFallback(result.form));
      return;
    }
    const out = await this.fill(result.form);
    if ('values' in out) {
      await this.answer(await this.options.dispatcher.dispatch({ ...this.base(), command: result.form.command, options: { ...result.form.context, ...out.values }, source: 'form' }), false);
    } else if ('cancelled' in out) this.write('Cancelled: nothing was sent.\n');
    else if ('exit' in out) {
      this.write('Left the form: nothing was sent.\n');
      this.exitRequested = true;
    } else if ('run' in out) {
      this.write(`Left the form: nothing was sent. Running ${out.run}\n`);
      await this.handle(out.run);
    }
  }

  /** Ask each input in turn, checking each answer as it comes. */
  private async fill(form: ChatForm): Promise<FormOutcome> {
    const suggests = form.inputs.some((i) => i.initial !== undefined && i.initial !== '');
    this.write(`${form.title} — ${suggests ? 'Enter keeps [the suggestion] or skips' : 'Enter skips a field'}; "cancel" stops.\n`);
    const values: Record<string, string> = {};
    for (const input of form.inputs) {
      const choices = input.choices ?? [];
      if (choices.length > 0) this.write(`  ${choices.map((c, i) => `${i + 1}) ${c.label}`).join('   ')}\n`);
      const hint = input.placeholder ? ` (${input.placeholder})` : '';
      const suggestion = input.initial !== undefined && input.initial !== '' ? ` [${choices.find((c) => c.value === input.initial)?.label ?? input.initial}]` : '';
      for (;;) {
        const answer = await this.ask(`  ${input.label}${input.required ? ' *' : ''}${hint}${suggestion}: `);
        if (answer === undefined) return { ended: true };
        const a = answer.trim();
        if (CANCEL.has(a.toLowerCase())) return { cancelled: true };
        if (EXIT.has(a.toLowerCase())) return { exit: true };
        if (a.startsWith('/')) return { run: a };
        let value = a === '' ? (input.initial ?? '') : a;
        if (choices.length > 0 && /^\d+$/.test(value) && choices[Number(value) - 1]) value = choices[Number(value) - 1]!.value;
        if (value === '') {
          if (!input.required) break;
          this.write('  ↳ This one is needed.\n');
          continue;
        }
        const problem = this.options.dispatcher.checkOption?.(form.command, input.name, value);
        if (problem) {
          this.write(`  ↳ ${problem.split('\n').join(' ')} — try again, Enter to skip, or "cancel".\n`);
          continue;
        }
        values[input.name] = value;
        break;
      }
    }
    return { values };
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

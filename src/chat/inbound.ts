/**
 * The inbound side of the chat adapters: what they need from the command layer, as a port. The
 * composition root passes commands/' CommandDispatcher (it satisfies this interface structurally), so
 * adapters depend on src/core only — never on commands/ directly.
 *
 *   platform event → CommandInput → dispatcher.dispatch → CommandReply → the platform's renderer
 */
import type { ChatForm, ChatMessage, CommandInput, CommandReply } from '../core/chat.ts';
import { decodeAction, encodeAction, ACTION_ID_MAX } from '../core/presenters/actions.ts';

export interface InboundFailure {
  code: string;
  /** The option at fault, for validation errors (the first; `fields` has each with its message). */
  field?: string;
  fields?: Record<string, string>;
  errorId?: string;
}

export type InboundResult = CommandReply & { failure?: InboundFailure };

export interface InboundDispatcher {
  dispatch(input: CommandInput): Promise<InboundResult>;
  /**
   * slow → defer first; ephemeral → only the requester sees replies; form → this input (given its options and
   * source) is answered with the command's form, so a platform whose modal must open within seconds of the
   * event (Slack's trigger id: 3 s) can open it before the command has run.
   */
  describe(input: Pick<CommandInput, 'command' | 'subcommand'> & Partial<Pick<CommandInput, 'options' | 'source'>>): { known: boolean; slow: boolean; ephemeral: boolean; form?: boolean };
  /** A typed line ("/feedback rpe:7") → command, sub-command, options. Throws an AppError when unreadable. */
  parseLine(line: string): Pick<CommandInput, 'command' | 'subcommand' | 'options'>;
  /** One form answer checked as it is typed: the problem, or undefined (adapters that ask field by field). */
  checkOption?(command: string, option: string, raw: string): string | undefined;
}

/** The parts of a command definition the platforms need for registration and help (commands/types.ts). */
export interface OptionSpecLike {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'user' | 'date' | 'time' | 'choice';
  required?: boolean;
  min?: number;
  max?: number;
  choices?: readonly { value: string; label: string }[];
  hidden?: boolean;
}

export interface CommandSpecLike {
  name: string;
  description: string;
  options?: readonly OptionSpecLike[];
  subcommands?: readonly { name: string; description: string; options?: readonly OptionSpecLike[] }[];
}

/** A pressed button → the command it runs. */
export function buttonInput(id: string): Pick<CommandInput, 'command' | 'subcommand' | 'options' | 'source'> {
  return { ...decodeAction(id), source: 'button' };
}

/**
 * When a platform cannot open a form right now (Discord after a deferred reply, or a form answering a
 * form), offer a button that opens it: pressing it runs the command from a button, which returns the form.
 */
export function formFallback(form: ChatForm): ChatMessage {
  const options: Record<string, string> = { ...form.context };
  let id = encodeAction({ command: form.command, options });
  for (const input of form.inputs) {
    if (input.initial === undefined || input.initial === '') continue;
    const next = { ...options, [input.name]: input.initial };
    try {
      const candidate = encodeAction({ command: form.command, options: next });
      if (candidate.length <= ACTION_ID_MAX) {
        id = candidate;
        Object.assign(options, next);
      }
    } catch {
      // too long with this value: leave it out
    }
  }
  return { title: form.title, summary: 'Press the button to open the form.', buttons: [{ id, label: 'Open the form', style: 'primary' }], tone: 'neutral', ephemeral: true };
}

/**
 * A "Fix it" button after a rejected form (platforms that close the modal on submit): pressing it runs the
 * command from a button, which opens its form prefilled with what was sent. Values that don't fit the
 * 100-character id are left out; undefined when not even the command fits.
 */
export function retryButton(input: Pick<CommandInput, 'command' | 'subcommand' | 'options'>): ChatMessage['buttons'] {
  const options: Record<string, string> = {};
  const ref = (o: Record<string, string>) => ({ command: input.command, ...(input.subcommand ? { subcommand: input.subcommand } : {}), options: o });
  let id: string;
  try {
    id = encodeAction(ref(options));
  } catch {
    return undefined;
  }
  for (const [k, v] of Object.entries(input.options)) {
    try {
      id = encodeAction(ref({ ...options, [k]: v }));
      options[k] = v;
    } catch {
      // leave this value out
    }
  }
  return [{ id, label: 'Fix it', style: 'primary' }];
}

/** What adapters show when something failed before the dispatcher could (bad button id, unreadable line). */
export function inboundError(summary: string): ChatMessage {
  return { title: 'That didn’t work', summary, tone: 'amber', ephemeral: true };
}

/** Resolve with the value, or with `timedOut` after `ms` (the promise keeps running). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ done: true as const, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

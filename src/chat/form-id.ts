/**
 * How a ChatForm travels through a platform's modal and comes back: the command (and sub-command) plus
 * the form's fixed context values are encoded in the modal's id, "form:<command>[ <sub>]?k=v&…". Discord
 * gives a modal custom_id 100 characters; Slack views also carry it in private_metadata (3000).
 */
import { AppError } from '../errors.ts';
import type { ChatForm, CommandInput } from '../core/chat.ts';

export const FORM_ID_PREFIX = 'form:';

/** What a submitted form turns into; the inbound adapter adds platform, user and channel. */
export type FormSubmission = Pick<CommandInput, 'command' | 'options' | 'source'> & { subcommand?: string };

export function encodeFormId(form: Pick<ChatForm, 'command' | 'context'>, maxLength: number): string {
  const query = new URLSearchParams(Object.entries(form.context ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString();
  const id = `${FORM_ID_PREFIX}${form.command}${query ? `?${query}` : ''}`;
  if (id.length > maxLength)
    throw new AppError('CHAT.FORM_ID_TOO_LONG', 'This form cannot be shown on this platform.', {
      details: { id, length: id.length, maxLength },
    });
  return id;
}

export function isFormId(id: string): boolean {
  return id.startsWith(FORM_ID_PREFIX);
}

/** "form:constraint add?date=…" → { command: 'constraint', subcommand: 'add', context: { date } }. */
export function decodeFormId(id: string): { command: string; subcommand?: string; context: Record<string, string> } {
  if (!isFormId(id)) throw new AppError('CHAT.NOT_A_FORM', 'That form is no longer valid. Please run the command again.', { details: { id } });
  const rest = id.slice(FORM_ID_PREFIX.length);
  const q = rest.indexOf('?');
  const name = q === -1 ? rest : rest.slice(0, q);
  const context = Object.fromEntries(new URLSearchParams(q === -1 ? '' : rest.slice(q + 1)));
  const [command, subcommand] = name.split(' ', 2) as [string, string | undefined];
  if (!command) throw new AppError('CHAT.NOT_A_FORM', 'That form is no longer valid. Please run the command again.', { details: { id } });
  return subcommand ? { command, subcommand, context } : { command, context };
}

/** Merge the form's context and the submitted values (submitted values win) into a FormSubmission. */
export function toSubmission(decoded: ReturnType<typeof decodeFormId>, values: Record<string, string>): FormSubmission {
  const options: Record<string, string> = { ...decoded.context };
  for (const [k, v] of Object.entries(values)) if (v !== '') options[k] = v;
  return decoded.subcommand
    ? { command: decoded.command, subcommand: decoded.subcommand, options, source: 'form' }
    : { command: decoded.command, options, source: 'form' };
}

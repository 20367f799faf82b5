/**
 * Button ids: a button runs a command. The id carries the command, an optional sub-command and option
 * values, so every platform round-trips it untouched (Discord custom_id ≤ 100, Slack action_id ≤ 255):
 *
 *   tc:feedback?completion=done&date=2026-11-22
 *   tc:privacy.delete?confirm=lq3k9x.5f1c…
 *
 * Adapters decode a pressed button into a CommandInput with source 'button'; the command decides what a
 * button means (e.g. /feedback from a button opens its form prefilled with these values).
 */
import { AppError } from '../../errors.ts';

export const ACTION_PREFIX = 'tc:';
/** Discord's custom_id limit is the tighter one. */
export const ACTION_ID_MAX = 100;

export interface ActionRef {
  command: string;
  subcommand?: string;
  options?: Record<string, string>;
}

const NAME = /^[a-z][a-z0-9_-]{0,31}$/;

export function encodeAction(ref: ActionRef): string {
  if (!NAME.test(ref.command) || (ref.subcommand !== undefined && !NAME.test(ref.subcommand)))
    throw new AppError('CHAT.ACTION_INVALID', 'This button cannot be shown.', { details: { ref } });
  const entries = Object.entries(ref.options ?? {}).filter(([, v]) => v !== undefined && v !== '');
  const query = new URLSearchParams(entries).toString();
  const id = `${ACTION_PREFIX}${ref.command}${ref.subcommand ? `.${ref.subcommand}` : ''}${query ? `?${query}` : ''}`;
  if (id.length > ACTION_ID_MAX) throw new AppError('CHAT.ACTION_INVALID', 'This button cannot be shown.', { details: { id, length: id.length } });
  return id;
}

export function isActionId(id: string): boolean {
  return id.startsWith(ACTION_PREFIX);
}

/** The command behind a button id; AppError CHAT.ACTION_INVALID for ids we did not make. */
export function decodeAction(id: string): Required<Pick<ActionRef, 'command' | 'options'>> & { subcommand?: string } {
  const invalid = () => new AppError('CHAT.ACTION_INVALID', 'That button is no longer valid. Please run the command again.', { details: { id } });
  if (!isActionId(id)) throw invalid();
  const rest = id.slice(ACTION_PREFIX.length);
  const q = rest.indexOf('?');
  const name = q === -1 ? rest : rest.slice(0, q);
  const [command, subcommand, extra] = name.split('.');
  if (!command || !NAME.test(command) || extra !== undefined || (subcommand !== undefined && !NAME.test(subcommand))) throw invalid();
  const options = Object.fromEntries(new URLSearchParams(q === -1 ? '' : rest.slice(q + 1)));
  return subcommand ? { command, subcommand, options } : { command, options };
}

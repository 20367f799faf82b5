/**
 * Typed command lines (Slack slash-command text, the console): "/feedback rpe:7 minutes:60 completion:done",
 * "/override @alex REST travel day", "/team create Falcons". Read against the command's definition:
 *
 * - the first word is the command; a next word naming a sub-command selects it;
 * - `name:value` or `name=value` sets an option (an unknown name is reported, not guessed); values may be quoted
 *   ("notes:\"legs heavy\""); Slack mentions <@U123|alex> stay one word;
 * - remaining words fill the required options in order (or, when there are none, the optional ones), and
 *   the last one takes the rest of the line when it is text ("travel day").
 */
import { commandError } from './errors.ts';
import type { CommandDefinition, OptionSpec } from './types.ts';

export interface ParsedLine {
  command: string;
  subcommand?: string;
  options: Record<string, string>;
}

/** Split on whitespace, keeping "quoted text", 'quoted', <…> and key:"quoted value" together. */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let angle = false;
  let started = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
      continue;
    }
    if (angle) {
      cur += ch;
      if (ch === '>') angle = false;
      continue;
    }
    if (ch === '"' || ch === '“' || ch === '”' || ch === "'") {
      quote = ch === '“' ? '”' : ch;
      started = true;
      continue;
    }
    if (ch === '<') {
      angle = true;
      cur += ch;
      started = true;
      continue;
    }
    if (/\s/.test(ch)) {
      if (started) out.push(cur);
      cur = '';
      started = false;
      continue;
    }
    cur += ch;
    started = true;
  }
  if (quote) throw commandError('COMMAND.PARSE', 'A quote was opened but not closed.');
  if (started) out.push(cur);
  return out;
}

export function parseCommandLine(line: string, find: (name: string) => CommandDefinition | undefined): ParsedLine {
  const tokens = tokenize(line.trim().replace(/^\//, ''));
  const name = tokens.shift()?.toLowerCase();
  if (!name) throw commandError('COMMAND.PARSE', 'Type a command, like /today or /help.');
  const def = find(name);
  if (!def) return { command: name, options: {} };
  let subcommand: string | undefined;
  let specs: readonly OptionSpec[] = def.options ?? [];
  if (def.subcommands && tokens.length > 0) {
    const sub = def.subcommands.find((s) => s.name === tokens[0]!.toLowerCase());
    if (sub) {
      tokens.shift();
      subcommand = sub.name;
      specs = sub.options ?? [];
    }
  }
  if (def.subcommands && !subcommand) specs = def.subcommands.find((s) => s.name === def.defaultSubcommand)?.options ?? [];
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options: Record<string, string> = {};
  const positional: string[] = [];
  for (const t of tokens) {
    const m = /^([a-z][a-z0-9_]*)[:=](?!\/\/)(.*)$/is.exec(t);
    // name:value with a name the command lacks is kept as an option, so validation names it.
    if (m) options[m[1]!.toLowerCase()] = m[2]!;
    else positional.push(t);
  }
  const open = specs.filter((s) => !s.hidden && options[s.name] === undefined);
  const slots = open.some((s) => s.required) ? open.filter((s) => s.required) : open;
  for (let i = 0; i < positional.length; i++) {
    const slot = slots[i];
    if (!slot) throw commandError('COMMAND.PARSE', `I didn’t understand "${positional.slice(i).join(' ')}". Name the option, like ${specs[0]?.name ?? 'option'}:value.`);
    if (i === slots.length - 1 && slot.type === 'string' && i < positional.length - 1) {
      options[slot.name] = positional.slice(i).join(' ');
      break;
    }
    options[slot.name] = positional[i]!;
  }
  return subcommand ? { command: def.name, subcommand, options } : { command: def.name, options };
}

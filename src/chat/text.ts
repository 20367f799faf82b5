/**
 * Text helpers shared by the renderers: length limits, the light markdown of ChatMessage
 * (*bold*, _italic_, `code`, "• " bullets) translated per platform, and terminal width/wrapping.
 */

export const ELLIPSIS = '…';

/** Cut to at most `max` UTF-16 code units, ending with "…" when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let cut = max - ELLIPSIS.length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, Math.max(0, cut)).trimEnd() + ELLIPSIS;
}

const BOLD = /(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?![*\w])/g;
const ITALIC = /(^|[^_\w])_(?=\S)([^_\n]*?\S)_(?![_\w])/g;

/** ChatMessage markdown → Discord markdown: *bold* becomes **bold**; italics, code and bullets carry over. */
export function toDiscordMarkdown(text: string): string {
  return text.replace(BOLD, '$1**$2**');
}

/** Escape the three characters Slack mrkdwn treats as control characters. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** ChatMessage markdown → Slack mrkdwn (same syntax; only escaping needed). */
export function toSlackMrkdwn(text: string): string {
  return escapeSlack(text);
}

/** ChatMessage markdown → plain terminal text: emphasis markers removed, code kept in backticks. */
export function toPlainText(text: string): string {
  return text.replace(BOLD, '$1$2').replace(ITALIC, '$1$2');
}

/** Columns a code point takes in a terminal: 0 for combining marks, 2 for wide (CJK, emoji), else 1. */
export function charWidth(cp: number): number {
  if (cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0x300 && cp <= 0x36f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Pad on the right to `width` columns. */
export function padEnd(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/** Cut to `width` columns with "…". */
export function fitWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = charWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return out + ELLIPSIS;
}

/**
 * Word-wrap one paragraph to `width` columns. Lines that start with "• " (or "- ") get a hanging indent so
 * wrapped bullet text lines up; words longer than a line are broken.
 */
export function wrapLine(line: string, width: number): string[] {
  if (line.trim() === '') return [''];
  const bullet = /^(\s*(?:• |- |\d+\. ))/.exec(line);
  const indent = bullet ? ' '.repeat(displayWidth(bullet[1]!)) : '';
  const words = line.slice(bullet ? bullet[1]!.length : 0).split(/\s+/).filter((w) => w.length > 0);
  const out: string[] = [];
  let current = bullet ? bullet[1]! : '';
  let currentHasWord = false;
  const flush = () => {
    out.push(current.trimEnd());
    current = indent;
    currentHasWord = false;
  };
  for (let word of words) {
    const sep = currentHasWord ? ' ' : '';
    if (displayWidth(current + sep + word) <= width) {
      current += sep + word;
      currentHasWord = true;
      continue;
    }
    if (currentHasWord) flush();
    while (displayWidth(current + word) > width) {
      // Break a word that does not fit on a line of its own.
      let piece = '';
      for (const ch of word) {
        if (displayWidth(current + piece + ch) > width) break;
        piece += ch;
      }
      if (piece === '') piece = [...word][0]!;
      current += piece;
      word = word.slice(piece.length);
      flush();
    }
    current += word;
    currentHasWord = word.length > 0;
  }
  if (currentHasWord || out.length === 0) out.push(current.trimEnd());
  return out;
}

/** Wrap multi-line text; blank lines are kept. */
export function wrapText(text: string, width: number): string[] {
  return text.split('\n').flatMap((l) => wrapLine(l, width));
}

/**
 * Split a list into chunks of at most `max` characters without splitting an entry: an entry is a line and
 * the indented lines under it (a team-board athlete is "🟢 *Name* — session" plus "   reasons"). The chunks
 * joined with "\n" give the text back; only an entry longer than `max` on its own is shortened (with "…"),
 * so a list is never cut: it becomes more chunks.
 */
export function chunkEntries(text: string, max: number): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) {
    if (entries.length > 0 && /^\s/.test(line) && line.trim() !== '') entries[entries.length - 1] += `\n${line}`;
    else entries.push(line);
  }
  const chunks: string[] = [];
  let current: string | undefined;
  for (const raw of entries) {
    const entry = truncate(raw, max);
    if (current !== undefined && current.length + 1 + entry.length <= max) current += `\n${entry}`;
    else {
      if (current !== undefined) chunks.push(current);
      current = entry;
    }
  }
  if (current !== undefined) chunks.push(current);
  return chunks;
}

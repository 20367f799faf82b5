/**
 * ChatMessage → a boxed, word-wrapped block of terminal text (80 columns by default). This is what a
 * newcomer running the service in local mode sees first, so it aims to read like the real thing:
 *
 *   ╭─ twincoach → Alex ──────────────────────────────────────────────╮
 *   │ Tuesday 22 Nov — ENDURANCE 60 min                      ● green │
 *   ├─────────────────────────────────────────────────────────────────┤
 *   │ Summary, wrapped…                                              │
 *   │                                                                │
 *   │ WHY TODAY                                                      │
 *   │ • bullets keep a hanging indent                                │
 *   │   Duration    60 min                                           │
 *   │ ▣ Chart: load, fitness and HRV, last 6 weeks                   │
 *   │   → data/charts/alex-2026-11-22.png                            │
 *   ├─────────────────────────────────────────────────────────────────┤
 *   │ [1] Done   [2] Skipped                                         │
 *   │ footer                                                         │
 *   ╰─────────────────────────────────────────────────────────────────╯
 *
 * Buttons are numbered in order, so the console adapter can map "1" back to buttons[0].id.
 * Colour (ANSI) is optional and never changes the layout: widths are measured on the plain text.
 */
import type { ChatMessage } from '../../core/chat.ts';
import { displayWidth, fitWidth, padEnd, toPlainText, wrapText } from '../text.ts';

export interface ConsoleRenderOptions {
  /** Total width including the border. Default 80, minimum 40. */
  width?: number;
  /** ANSI colours and bold. Default false. */
  color?: boolean;
  /** Who the message is for, shown in the top border, e.g. "Alex (DM)" or "#team". */
  recipient?: string;
  /** Where the chart PNG was written, shown next to its description. */
  imagePath?: string;
}

const ANSI = {
  bold: ['\x1b[1m', '\x1b[22m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  green: ['\x1b[32m', '\x1b[39m'],
  amber: ['\x1b[33m', '\x1b[39m'],
  red: ['\x1b[31m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
} as const;
type Style = keyof typeof ANSI;

const FIELD_LABEL_MAX = 20;

export function renderConsoleMessage(message: ChatMessage, options: ConsoleRenderOptions = {}): string {
  const width = Math.max(40, options.width ?? 80);
  const inner = width - 4;
  const color = options.color ?? false;
  const paint = (text: string, ...styles: Style[]) =>
    color && text !== '' ? styles.reduce((t, s) => `${ANSI[s][0]}${t}${ANSI[s][1]}`, text) : text;
  const out: string[] = [];
  /** One boxed row: `plain` decides the padding, `styled` (same visible text) is printed. */
  const row = (plain: string, styled: string = plain) => {
    out.push(`│ ${styled}${' '.repeat(Math.max(0, inner - displayWidth(plain)))} │`);
  };
  const text = (t: string, ...styles: Style[]) => {
    for (const l of wrapText(toPlainText(t), inner)) row(l, paint(l, ...styles));
  };
  const rule = (left: string, right: string, label = '') => {
    const head = label ? `─ ${label} ` : '';
    return `${left}${head}${'─'.repeat(Math.max(0, width - 2 - displayWidth(head)))}${right}`;
  };

  // Top border with the recipient, then the title with the tone badge on its first line.
  const who = options.recipient ?? (message.ephemeral ? 'you (only you can see this)' : '');
  out.push(rule('╭', '╮', fitWidth(who ? `twincoach → ${who}` : 'twincoach', width - 6)));
  const tone = message.tone && message.tone !== 'neutral' ? message.tone : undefined;
  const badge = tone ? `● ${tone}` : '';
  const titleWidth = badge ? inner - displayWidth(badge) - 2 : inner;
  const titleLines = wrapText(toPlainText(message.title), titleWidth);
  titleLines.forEach((l, i) => {
    if (i === 0 && badge) {
      const gap = ' '.repeat(Math.max(2, inner - displayWidth(l) - displayWidth(badge)));
      row(`${l}${gap}${badge}`, `${paint(l, 'bold')}${gap}${paint(badge, tone!)}`);
    } else row(l, paint(l, 'bold'));
  });
  out.push(rule('├', '┤'));

  text(message.summary);
  for (const section of message.sections ?? []) {
    row('');
    if (section.title) {
      const t = fitWidth(section.title.toUpperCase(), inner);
      row(t, paint(t, 'bold'));
    }
    if (section.text && section.text.trim() !== '') text(section.text);
    const fields = section.fields ?? [];
    if (fields.length > 0) {
      const labelWidth = Math.min(FIELD_LABEL_MAX, Math.max(...fields.map((f) => displayWidth(toPlainText(f.label)))));
      const valueWidth = inner - 2 - labelWidth - 2;
      for (const f of fields) {
        const label = padEnd(fitWidth(toPlainText(f.label), labelWidth), labelWidth);
        const lines = wrapText(toPlainText(f.value), valueWidth);
        lines.forEach((v, i) => {
          const lead = i === 0 ? label : ' '.repeat(labelWidth);
          row(`  ${lead}  ${v}`, `  ${i === 0 ? paint(lead, 'dim') : lead}  ${v}`);
        });
      }
    }
  }
  if (message.image) {
    row('');
    text(`▣ Chart: ${message.image.alt}`, 'cyan');
    if (options.imagePath)
      for (const l of wrapText(`→ ${options.imagePath}`, inner - 2)) row(`  ${l}`, `  ${paint(l, 'dim')}`);
  }

  const buttons = message.buttons ?? [];
  if (buttons.length > 0 || message.footer) {
    out.push(rule('├', '┤'));
    if (buttons.length > 0) {
      const labels = buttons.map((b, i) => `[${i + 1}] ${toPlainText(b.label)}`);
      // Lay the buttons out left to right, wrapping between buttons, never inside one.
      let line = '';
      const lines: string[] = [];
      for (const l of labels) {
        const candidate = line ? `${line}   ${l}` : l;
        if (displayWidth(candidate) <= inner || line === '') line = fitWidth(candidate, inner);
        else {
          lines.push(line);
          line = fitWidth(l, inner);
        }
      }
      if (line) lines.push(line);
      for (const l of lines) row(l, paint(l, 'bold'));
    }
    if (message.footer) text(message.footer, 'dim');
  }
  out.push(rule('╰', '╯'));
  return out.join('\n');
}

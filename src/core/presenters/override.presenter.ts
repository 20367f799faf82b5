/**
 * The coach's confirmation step for an override into a session the safety rules block (issue 17): which
 * rules, each with the numbers that triggered it, what happens if the coach goes ahead, and the button
 * (or the `confirm:true` option) that sets it anyway. Nothing is saved until the coach confirms.
 */
import type { ChatButton, ChatMessage } from '../chat.ts';
import { dayLabel, sessionName } from './format.ts';

export interface OverrideConfirmInput {
  athleteName: string;
  date: string;
  type: string;
  breaks: readonly { rule: string; reason: string }[];
  /** The same override with confirm=true, as a button id; absent when it does not fit in one. */
  confirmButtonId?: string;
}

export function presentOverrideConfirm(input: OverrideConfirmInput): ChatMessage {
  const n = input.breaks.length;
  const buttons: ChatButton[] = input.confirmButtonId ? [{ id: input.confirmButtonId, label: `Set ${sessionName(input.type)} anyway`, style: 'danger' }] : [];
  return {
    title: `${sessionName(input.type)} breaks ${n === 1 ? 'a safety rule' : `${n} safety rules`} for ${input.athleteName} — ${dayLabel(input.date)}`,
    summary: `Nothing was changed yet. ${input.confirmButtonId ? 'Press the button, or send' : 'Send'} the same /override again with confirm:true to set it anyway; ${input.athleteName} will be told which rule you overrode and why. Both the attempt and the decision are audited.`,
    sections: [{ title: 'Safety rules this session breaks today', text: input.breaks.map((b, i) => `${i + 1}. ${b.rule} — ${b.reason}`).join('\n') }],
    tone: 'amber',
    ephemeral: true,
    ...(buttons.length > 0 ? { buttons } : {}),
  };
}

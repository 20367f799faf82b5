/** A realistic morning message used across the renderer tests. */
import type { ChatMessage } from '../../../src/core/chat.ts';

export function morningMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    title: 'Tuesday 22 Nov — ENDURANCE 60 min',
    summary: 'Your HRV is back inside its *normal range* and fatigue has settled, so today is a steady aerobic hour.',
    sections: [
      {
        title: 'Why today',
        text: '• HRV 4.21 (normal 4.12–4.32)\n• Form (TSB) −6, fatigue falling for 3 days',
      },
      {
        title: 'Session',
        fields: [
          { label: 'Duration', value: '60 min', inline: true },
          { label: 'Intensity', value: 'Z2 · HR 130–145', inline: true },
        ],
      },
    ],
    buttons: [
      { id: 'feedback:done:2026-11-22', label: 'Done', style: 'success' },
      { id: 'feedback:skipped:2026-11-22', label: 'Skipped', style: 'secondary' },
      { id: 'why:2026-11-22', label: 'Why?', style: 'primary' },
    ],
    image: { png: Buffer.from([0x89, 0x50, 0x4e, 0x47]), filename: 'alex 2026-11-22.png', alt: 'Load, fitness and HRV over the last 6 weeks' },
    tone: 'green',
    footer: 'policy dqn@3 · reply /why for the full explanation',
    ...overrides,
  };
}

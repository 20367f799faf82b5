import { dayLabel } from '../src/core/presenters/index.ts';
import { dateOption } from './shared-options.ts';
import { done, int, me } from './support.ts';
import { defineCommand, type OptionSpec } from './types.ts';

const ITEMS = [
  { name: 'sleep', key: 'sleepQuality', label: 'Sleep quality', description: 'How well you slept, 1 (badly) – 5 (great)' },
  { name: 'fatigue', key: 'fatigue', label: 'Fatigue', description: 'How fresh you feel, 1 (exhausted) – 5 (fresh)' },
  { name: 'stress', key: 'stress', label: 'Stress', description: 'How relaxed you are, 1 (very stressed) – 5 (relaxed)' },
  { name: 'mood', key: 'mood', label: 'Mood', description: 'Your mood, 1 (low) – 5 (great)' },
  { name: 'soreness', key: 'soreness', label: 'Soreness', description: 'How your muscles feel, 1 (very sore) – 5 (not sore)' },
] as const;

export const checkinCommand = defineCommand({
  name: 'checkin',
  description: 'Morning wellness check-in: sleep, fatigue, stress, mood, soreness (1–5, 5 best)',
  audience: 'athlete',
  options: [
    ...ITEMS.map((i): OptionSpec => ({ name: i.name, label: i.label, description: i.description, type: 'integer', min: 1, max: 5 })),
    { name: 'ill', label: 'Ill', description: 'Are you ill?', type: 'boolean' },
    { name: 'injured', label: 'Injured', description: 'Are you injured?', type: 'boolean' },
    dateOption('Which day (default today)'),
  ],
  examples: ['/checkin sleep:4 fatigue:3 stress:4 mood:4 soreness:3', '/checkin'],
  form(prefill, ctx) {
    const date = prefill.date && /^\d{4}-\d{2}-\d{2}$/.test(prefill.date) ? prefill.date : ctx.today;
    return {
      command: 'checkin',
      title: `Check-in — ${dayLabel(date)}`,
      context: { date },
      inputs: ITEMS.map((i) => ({ name: i.name, label: `${i.label} 1–5 (5 best)`, kind: 'number' as const, placeholder: i.description.replace(/^[^,]*, /, ''), ...(prefill[i.name] ? { initial: prefill[i.name] } : {}) })),
    };
  },
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const date = ctx.values.date ?? ctx.today;
    const input: Parameters<typeof deps.core.recordCheckin>[1] = { date };
    for (const i of ITEMS) {
      const v = int(ctx, i.name);
      if (v !== undefined) input[i.key] = v;
    }
    const ill = ctx.values.ill;
    const injured = ctx.values.injured;
    if (ill !== undefined) input.illness = ill;
    if (injured !== undefined) input.injury = injured;
    const { feedback: f } = await deps.core.recordCheckin(actor, input);
    const w = f.wellness ?? {};
    const parts = ITEMS.filter((i) => w[i.key] !== undefined).map((i) => `${i.label.toLowerCase()} ${w[i.key]}/5`);
    if (f.illness) parts.push('ill');
    if (f.injury) parts.push('injured');
    return done(`Check-in saved — ${dayLabel(f.date)}`, parts.join(' · ') || 'Noted', { footer: 'Thanks — it goes into today’s readiness.' });
  },
});

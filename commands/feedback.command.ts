import { dayLabel } from '../src/core/presenters/index.ts';
import { COMPLETION_CHOICES, dateOption } from './shared-options.ts';
import { done, me } from './support.ts';
import { defineCommand } from './types.ts';

export const feedbackCommand = defineCommand({
  name: 'feedback',
  description: 'How a session went: RPE, minutes, done/partial/skipped, soreness, notes',
  audience: 'athlete',
  options: [
    { name: 'rpe', label: 'RPE', description: 'How hard it felt, 1 (very easy) – 10 (maximal)', type: 'integer', min: 1, max: 10 },
    { name: 'minutes', label: 'Minutes', description: 'How long you trained', type: 'integer', min: 0, max: 600 },
    { name: 'completion', label: 'Completion', description: 'Did you do it?', type: 'choice', choices: COMPLETION_CHOICES },
    { name: 'soreness', label: 'Soreness', description: 'Muscle soreness, 1 (none) – 5 (very sore)', type: 'integer', min: 1, max: 5 },
    { name: 'notes', label: 'Notes', description: 'Anything else', type: 'string', max: 1000 },
    dateOption('Which day (default today)'),
  ],
  examples: ['/feedback rpe:7 minutes:60 completion:done', '/feedback'],
  form(prefill, ctx) {
    const date = prefill.date && /^\d{4}-\d{2}-\d{2}$/.test(prefill.date) ? prefill.date : ctx.today;
    const initial = (name: string) => (prefill[name] !== undefined ? { initial: prefill[name] } : {});
    return {
      command: 'feedback',
      title: `Feedback — ${dayLabel(date)}`,
      context: { date },
      inputs: [
        { name: 'rpe', label: 'How hard was it? RPE 1–10', kind: 'number', placeholder: '1 very easy … 10 maximal', ...initial('rpe') },
        { name: 'minutes', label: 'Minutes', kind: 'number', placeholder: 'e.g. 60', ...initial('minutes') },
        { name: 'completion', label: 'Did you do it?', kind: 'choice', choices: [...COMPLETION_CHOICES], ...initial('completion') },
        { name: 'soreness', label: 'Soreness 1–5', kind: 'number', placeholder: '1 none … 5 very sore', ...initial('soreness') },
        { name: 'notes', label: 'Notes', kind: 'paragraph', placeholder: 'How did it feel?', ...initial('notes') },
      ],
    };
  },
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const { rpe, minutes, completion, soreness, notes } = ctx.values;
    const date = ctx.values.date ?? ctx.today;
    const input = { date } as Parameters<typeof deps.core.recordFeedback>[1];
    if (rpe !== undefined) input.rpe = rpe;
    if (minutes !== undefined) input.minutes = minutes;
    if (completion !== undefined) input.completion = completion;
    if (soreness !== undefined) input.soreness = soreness;
    if (notes !== undefined) input.notes = notes;
    const { feedback: f, created } = await deps.core.recordFeedback(actor, input);
    const parts = [
      f.completion ? { done: 'done', partial: 'partly done', skipped: 'skipped' }[f.completion] : undefined,
      f.rpe !== undefined ? `RPE ${f.rpe}` : undefined,
      f.minutes !== undefined ? `${f.minutes} min` : undefined,
      f.soreness !== undefined ? `soreness ${f.soreness}/5` : undefined,
    ].filter(Boolean);
    return done(`${created ? 'Feedback saved' : 'Feedback updated'} — ${dayLabel(f.date)}`, `${parts.join(' · ') || 'Noted'}${f.notes ? `\n_“${f.notes}”_` : ''}`, {
      footer: 'It shapes your next sessions. You can change it for 7 days: run /feedback again.',
    });
  },
});

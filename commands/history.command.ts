import { presentHistory } from '../src/core/presenters/index.ts';
import { athleteOf, me } from './support.ts';
import { defineCommand } from './types.ts';

export const historyCommand = defineCommand({
  name: 'history',
  description: 'Your last weeks: load, fitness, fatigue and HRV, with a chart',
  audience: 'athlete',
  slow: true,
  options: [{ name: 'weeks', label: 'Weeks', description: 'How many weeks back (default 6)', type: 'integer', min: 1, max: 12 }],
  examples: ['/history', '/history weeks:12'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const athlete = athleteOf(ctx);
    const weeks = ctx.values.weeks ?? 6;
    const history = await deps.core.athleteHistory(actor, athlete.id, { days: weeks * 7, endDate: ctx.today });
    return { message: presentHistory(history, deps.charts ? { charts: deps.charts } : {}) };
  },
});

import { presentMorning } from '../src/core/presenters/index.ts';
import { dateOption } from './shared-options.ts';
import { athleteOf, me, note } from './support.ts';
import { defineCommand } from './types.ts';

export const todayCommand = defineCommand({
  name: 'today',
  description: 'Today’s session, explained',
  audience: 'athlete',
  slow: true,
  options: [dateOption('Which day (default today)')],
  examples: ['/today'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const athlete = athleteOf(ctx);
    const date = ctx.values.date ?? ctx.today;
    let view = await deps.core.sessionFor(actor, athlete.id, date);
    if (view.status === 'none') {
      if (date < ctx.today) return note(`No session for ${date}`, 'There was no session prescribed for that day.');
      await deps.core.prescribeForDay(athlete.id, date);
      view = await deps.core.sessionFor(actor, athlete.id, date);
    }
    if (view.status === 'awaiting_approval')
      return note('Your coach is looking at it', `Your team reviews sessions before you see them. You’ll get ${date === ctx.today ? 'today’s' : `the ${date}`} session as soon as your coach approves it.`);
    if (view.status === 'none') return note(`No session for ${date}`, 'I could not prescribe a session for that day.');
    const history = deps.charts ? await deps.core.athleteHistory(actor, athlete.id, { days: 42, endDate: date }) : null;
    return { message: presentMorning({ prescription: view.prescription, athlete, history, ...(deps.charts ? { charts: deps.charts } : {}) }) };
  },
});

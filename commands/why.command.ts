import { presentWhy } from '../src/core/presenters/index.ts';
import { dateOption } from './shared-options.ts';
import { athleteOf, me, note } from './support.ts';
import { defineCommand } from './types.ts';

export const whyCommand = defineCommand({
  name: 'why',
  description: 'The full explanation of a session',
  audience: 'athlete',
  options: [dateOption('Which day (default today)')],
  examples: ['/why', '/why date:yesterday'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const athlete = athleteOf(ctx);
    const date = ctx.values.date ?? ctx.today;
    const view = await deps.core.sessionFor(actor, athlete.id, date);
    if (view.status === 'none') return note(`No session for ${date} yet`, date === ctx.today ? 'Run /today to get today’s session first.' : 'There was no session prescribed for that day.');
    if (view.status === 'awaiting_approval') return note('Your coach is looking at it', 'The explanation comes with the session once your coach approves it.');
    return { message: presentWhy(view.prescription) };
  },
});

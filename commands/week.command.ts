import { presentWeek } from '../src/core/presenters/index.ts';
import { athleteOf, me } from './support.ts';
import type { CommandDefinition } from './types.ts';

export const weekCommand: CommandDefinition = {
  name: 'week',
  description: 'Your last seven days: sessions and what you reported',
  audience: 'athlete',
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const athlete = athleteOf(ctx);
    return { message: presentWeek(await deps.core.athleteWeek(actor, athlete.id, { endDate: ctx.today })) };
  },
};

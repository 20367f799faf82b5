import { done, me } from './support.ts';
import type { CommandDefinition } from './types.ts';

export const resumeCommand: CommandDefinition = {
  name: 'resume',
  description: 'Resume coaching after a pause',
  audience: 'athlete',
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    await deps.core.resumeAthlete(actor);
    return done('Welcome back', 'Coaching is on again: your next session arrives at your usual morning time (or run /today now).');
  },
};

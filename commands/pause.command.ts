import { done, me } from './support.ts';
import type { CommandDefinition } from './types.ts';

export const pauseCommand: CommandDefinition = {
  name: 'pause',
  description: 'Pause coaching (holiday, illness): no sessions until you /resume',
  audience: 'athlete',
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    await deps.core.pauseAthlete(actor);
    return done('Coaching paused', 'No sessions until you /resume. Your data stays as it is.');
  },
};

import { accountPhrase } from '../src/core/presenters/index.ts';
import { commandError } from './errors.ts';
import { PROVIDER_CHOICES } from './shared-options.ts';
import { athleteOf, done, me } from './support.ts';
import { defineCommand } from './types.ts';

const NAMES: Record<string, string> = Object.fromEntries(PROVIDER_CHOICES.map((c) => [c.value, c.label]));

export const connectCommand = defineCommand({
  name: 'connect',
  description: 'Connect a wearable or training platform (Oura, WHOOP, intervals.icu, Polar)',
  audience: 'athlete',
  options: [
    { name: 'provider', label: 'Provider', description: 'Which one', type: 'choice', required: true, choices: PROVIDER_CHOICES },
    { name: 'api_key', label: 'API key', description: 'intervals.icu only: your API key (Settings → Developer)', type: 'string', max: 200, secret: true },
    { name: 'athlete_id', label: 'Athlete id', description: 'intervals.icu only: your athlete id, like i12345', type: 'string', max: 40 },
  ],
  examples: ['/connect provider:oura', '/connect provider:intervals api_key:<key> athlete_id:i12345'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const athlete = athleteOf(ctx);
    const provider = ctx.values.provider;
    const apiKey = ctx.values.api_key;
    const name = NAMES[provider] ?? provider;
    if (apiKey !== undefined) {
      if (provider !== 'intervals') throw commandError('CONNECT.API_KEY', `${name} connects with a sign-in link, not an API key. Run /connect provider:${provider} without api_key.`);
      const externalUserId = ctx.values.athlete_id;
      if (!externalUserId || !/^i?\d+$/.test(externalUserId))
        throw commandError('CONNECT.API_KEY', 'intervals.icu needs your athlete id with the API key, like athlete_id:i12345 (Settings → Developer).', { field: 'athlete_id' });
      // Checked with intervals.icu before it is stored (and refused when the server could not read it back).
      const { account } = await deps.core.connectApiKey(actor, 'intervals', { apiKey, externalUserId });
      return done('intervals.icu connected', `I’ll read your wellness and activities from ${accountPhrase('intervals.icu', account)} every night. /disconnect provider:intervals stops it.`);
    }
    if (!deps.connectLinks) throw commandError('CONNECT.UNAVAILABLE', `Connecting ${name} isn’t set up on this server yet. Ask the person who runs twincoach.`);
    const link = await deps.connectLinks.authorizeUrl({ athleteId: athlete.id, provider, platform: actor.platform });
    return {
      message: {
        title: `Connect ${name}`,
        summary: `Open this link and allow twincoach to read your data: ${link.url}`,
        tone: 'neutral',
        footer: link.expiresAt ? `The link works once, until ${link.expiresAt.toISOString().slice(11, 16)} UTC. Only you can see it.` : 'The link works once. Only you can see it.',
      },
    };
  },
});

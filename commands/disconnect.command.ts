import { revocationLine } from '../src/core/presenters/index.ts';
import { PROVIDER_CHOICES } from './shared-options.ts';
import { done, me } from './support.ts';
import { defineCommand } from './types.ts';

export const disconnectCommand = defineCommand({
  name: 'disconnect',
  description: 'Stop reading data from a provider and delete its tokens',
  audience: 'athlete',
  options: [{ name: 'provider', label: 'Provider', description: 'Which one', type: 'choice', required: true, choices: PROVIDER_CHOICES }],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const provider = ctx.values.provider;
    const { revocation } = await deps.core.disconnectProvider(actor, provider);
    const name = PROVIDER_CHOICES.find((c) => c.value === provider)?.label ?? provider;
    const atVendor = revocationLine(name, revocation);
    return done(`${name} disconnected`, `I deleted its tokens and stopped syncing.${atVendor ? ` ${atVendor}` : ''} Data already imported stays; /privacy delete removes everything.`);
  },
});

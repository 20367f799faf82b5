import type { Platform } from '../src/core/chat.ts';
import { commandError } from './errors.ts';
import { done, note } from './support.ts';
import { defineCommand } from './types.ts';

const NAMES: Record<Platform, string> = { discord: 'Discord', slack: 'Slack', console: 'the console' };

export const linkCommand = defineCommand({
  name: 'link',
  description: 'Use the same profile on Discord and Slack (no code: get one; with a code: link this account)',
  audience: 'anyone',
  options: [{ name: 'code', label: 'Code', description: 'The code from /link on your other account', type: 'string', max: 20 }],
  examples: ['/link', '/link code:ABCD-EFGH'],
  async handler(ctx, deps) {
    const code = ctx.values.code;
    if (code !== undefined) {
      await deps.core.linkIdentity(ctx.input.platform, ctx.input.platformUserId, code);
      return done('Accounts linked', `This ${NAMES[ctx.input.platform]} account now uses your twincoach profile. Sessions and feedback are shared.`);
    }
    if (!ctx.actor) throw commandError('AUTH.NOT_ATHLETE', 'Run /link on the account you already use with me to get a code, then /link code:<code> here.');
    const { code: fresh, expiresAt } = await deps.core.createLinkCode(ctx.actor);
    return note('Your link code', `Run /link code:${fresh} on your other account (Discord or Slack) within 15 minutes.`, {
      footer: `Valid until ${expiresAt.toISOString().slice(11, 16)} UTC, once. Only you can see it.`,
    });
  },
});

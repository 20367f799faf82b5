import { encodeAction, revocationLine } from '../src/core/presenters/index.ts';
import { PROVIDER_CHOICES } from './shared-options.ts';
import { commandError } from './errors.ts';
import { done, me, note } from './support.ts';
import { defineCommand } from './types.ts';

const PURPOSE = 'privacy.delete';

export const privacyCommand = defineCommand({
  name: 'privacy',
  description: 'Your data: export it, or delete all of it',
  audience: 'registered',
  subcommands: [
    { name: 'export', description: 'Everything I store about you, as a file' },
    {
      name: 'delete',
      description: 'Delete all your data for good (asks you to confirm)',
      options: [{ name: 'confirm', description: 'Confirmation from the button', type: 'string', hidden: true, max: 64 }],
    },
  ],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    if (ctx.subcommand === 'export') {
      const data = await deps.core.exportMyData(actor);
      const counts = Object.entries(data.collections)
        .filter(([, docs]) => docs.length > 0)
        .map(([name, docs]) => `• ${name}: ${docs.length}`);
      const sections = [{ title: 'What I store about you', text: counts.join('\n') || 'Nothing.' }];
      if (!deps.exports) return note('Your data', 'Downloads aren’t set up on this server; ask its operator for the export file. This is what it holds:', { sections });
      const link = await deps.exports.publish(actor.personId, data);
      if ('file' in link) return note('Your data export', `Saved on this machine: ${link.file}`, { sections, footer: 'A JSON file with everything above (tokens masked). Only your user account can read it.' });
      return note('Your data export', `Download it here: ${link.url}`, { sections, footer: `The link works until ${link.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC. Only you can see it.` });
    }
    const token = ctx.values.confirm;
    if (token === undefined) {
      const { token: t, expiresAt } = deps.confirm.issue(PURPOSE, actor.personId, deps.clock.now());
      return {
        message: {
          title: 'Delete all your data?',
          summary: 'This deletes your profile, wearable data, feedback, sessions and connections for good. It cannot be undone. Press the button to confirm; ignore this message to keep everything.',
          tone: 'red',
          buttons: [{ id: encodeAction({ command: 'privacy', subcommand: 'delete', options: { confirm: t } }), label: 'Yes, delete everything', style: 'danger' }],
          footer: `The button works for 5 minutes (until ${expiresAt.toISOString().slice(11, 16)} UTC).`,
        },
      };
    }
    if (!deps.confirm.verify(token, PURPOSE, actor.personId, deps.clock.now()))
      throw commandError('CONFIRM.INVALID', 'That confirmation has expired (or isn’t yours). Run /privacy delete again.');
    const { erased, revocations } = await deps.core.deleteMyData(actor, { confirm: true });
    const total = Object.values(erased).reduce((a, b) => a + b, 0);
    const atVendors = revocations.map((r) => revocationLine(PROVIDER_CHOICES.find((c) => c.value === r.provider)?.label ?? r.provider, r.outcome)).filter(Boolean);
    return done('Your data is deleted', `I deleted ${total} records. I don’t know you any more; /register starts again from scratch.${atVendors.length ? ` ${atVendors.join(' ')}` : ''}`);
  },
});

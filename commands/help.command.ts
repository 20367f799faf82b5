import { usage } from './options.ts';
import { COMMANDS } from './registry.ts';
import { STAFF } from './support.ts';
import type { CommandDefinition } from './types.ts';

function lines(defs: readonly CommandDefinition[]): string {
  return defs
    .map((d) => {
      if (!d.subcommands) return `• \`${usage(d.name, undefined, d.options ?? [])}\` — ${d.description}`;
      return [`• /${d.name} — ${d.description}`, ...d.subcommands.map((s) => `   \`${usage(d.name, s.name, s.options ?? [])}\` — ${s.description}`)].join('\n');
    })
    .join('\n');
}

export const helpCommand: CommandDefinition = {
  name: 'help',
  description: 'What I can do for you',
  audience: 'anyone',
  async handler(ctx) {
    const isAthlete = ctx.me?.athlete != null;
    const isCoach = ctx.me?.teams.some((t) => STAFF(t.roles)) ?? false;
    const of = (a: string) => COMMANDS.filter((c) => c.audience === a);
    const sections = [];
    if (!ctx.me) sections.push({ title: 'Start here', text: lines(COMMANDS.filter((c) => ['register', 'link', 'help'].includes(c.name))) });
    // Coaches see the athletes' commands too: they are what their athletes will ask about.
    if (isAthlete || !ctx.me) sections.push({ title: 'Athletes', text: lines(of('athlete')) });
    else if (isCoach) sections.push({ title: 'Your athletes use', text: lines(of('athlete')) });
    if (isCoach || !ctx.me) sections.push({ title: 'Coaches', text: lines(of('coach')) });
    if (ctx.me) sections.push({ title: 'Everyone', text: lines([...of('registered'), ...of('anyone')]) });
    return {
      message: {
        title: 'twincoach — commands',
        summary: ctx.me
          ? 'Options go as name:value (quote text with spaces). Buttons under my messages do the same as the commands.'
          : 'I’m a training coach: one explained session each morning, built from your wearable data and your feedback. Register to start.',
        sections,
        tone: 'neutral',
      },
    };
  },
};

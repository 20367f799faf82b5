import { dayLabel, encodeAction } from '../src/core/presenters/index.ts';
import type { ConstraintRecord } from '../src/core/types.ts';
import { athleteOption } from './shared-options.ts';
import { done, me, note, resolveAthlete } from './support.ts';
import { defineCommand } from './types.ts';

const KIND_CHOICES = [
  { value: 'no_high_intensity', label: 'No high intensity' },
  { value: 'max_load', label: 'Max load per session' },
  { value: 'rest_only', label: 'Rest only' },
  { value: 'no_impact', label: 'No impact' },
] as const;

export function constraintLine(c: ConstraintRecord): string {
  const kind = KIND_CHOICES.find((k) => k.value === c.kind)?.label ?? c.kind;
  const value = c.kind === 'max_load' ? ` ${c.value} TSS` : '';
  const window = c.to ? `${dayLabel(c.from)} – ${dayLabel(c.to)}` : `from ${dayLabel(c.from)}`;
  return `• ${kind}${value}, ${window}${c.reason ? ` — ${c.reason}` : ''} (id ${c.id.slice(0, 8)})`;
}

export const constraintCommand = defineCommand({
  name: 'constraint',
  description: 'Limits on what the model may prescribe for an athlete',
  audience: 'coach',
  subcommands: [
    {
      name: 'add',
      description: 'Add a constraint',
      options: [
        athleteOption(),
        { name: 'kind', label: 'Kind', description: 'What to limit', type: 'choice', required: true, choices: KIND_CHOICES },
        { name: 'value', label: 'The maximum load', description: 'max_load only: TSS points per session, 1–1000', type: 'integer', min: 1, max: 1000 },
        { name: 'from', label: 'From', description: 'First day (default today)', type: 'date' },
        { name: 'to', label: 'To', description: 'Last day (default open-ended)', type: 'date' },
        { name: 'reason', label: 'Reason', description: 'Why (the athlete sees it)', type: 'string', max: 500 },
      ],
    },
    { name: 'list', description: 'An athlete’s active constraints', options: [athleteOption()] },
    { name: 'remove', description: 'Remove a constraint', options: [{ name: 'id', label: 'Id', description: 'The constraint id (from /constraint list)', type: 'string', required: true, max: 64 }] },
  ],
  examples: ['/constraint add athlete:@alex kind:no_high_intensity to:2026-12-01 reason:"sore knee"', '/constraint list @alex'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    if (ctx.subcommand === 'remove') {
      const ref = ctx.values.id;
      let id = ref;
      if (ref.length < 36) {
        // Short ids from /constraint list: find the full one among the coach's athletes' constraints.
        const teams = ctx.me!.teams.filter((t) => t.roles.includes('coach') || t.roles.includes('admin'));
        const rosters = await Promise.all(teams.map((t) => deps.core.teamRoster(actor, t.teamId)));
        const athletes = [...new Set(rosters.flatMap((r) => r.members.filter((m) => m.roles.includes('athlete')).map((m) => m.personId)))];
        const all = (await Promise.all(athletes.map((a) => deps.core.listConstraints(actor, a)))).flat();
        id = all.find((c) => c.id.startsWith(ref))?.id ?? ref;
      }
      const removed = await deps.core.removeConstraint(actor, id);
      return done('Constraint removed', constraintLine(removed).slice(2));
    }
    const athlete = await resolveAthlete(ctx, deps, ctx.values.athlete);
    if (ctx.subcommand === 'list') {
      const list = await deps.core.listConstraints(actor, athlete.personId);
      if (list.length === 0) return note(`${athlete.displayName}: no constraints`, 'Nothing limits the model for them right now.');
      return note(`${athlete.displayName}: ${list.length} active constraint${list.length === 1 ? '' : 's'}`, list.map(constraintLine).join('\n'), {
        buttons: list.slice(0, 5).map((c, i) => ({ id: encodeAction({ command: 'constraint', subcommand: 'remove', options: { id: c.id } }), label: `Remove ${i + 1}`, style: 'secondary' as const })),
      });
    }
    const { value, from, to, reason } = ctx.values;
    const c = await deps.core.setConstraint(actor, {
      athleteId: athlete.personId,
      kind: ctx.values.kind,
      ...(value !== undefined ? { value } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(reason !== undefined ? { reason } : {}),
    });
    return done(`Constraint added for ${athlete.displayName}`, constraintLine(c).slice(2), { footer: 'It applies from the next session I prescribe.' });
  },
});

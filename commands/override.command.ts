import { isAppError } from '../src/errors.ts';
import { dayLabel, encodeAction, presentOverrideConfirm, sessionLabel } from '../src/core/presenters/index.ts';
import { athleteOption, dateOption, SESSION_CHOICES } from './shared-options.ts';
import { done, me, resolveAthlete, todayOf } from './support.ts';
import { defineCommand } from './types.ts';

export const overrideCommand = defineCommand({
  name: 'override',
  description: 'Set an athlete’s session yourself (it always wins over the model)',
  audience: 'coach',
  slow: true,
  options: [
    athleteOption(),
    { name: 'session', label: 'Session', description: 'The session type', type: 'choice', required: true, choices: SESSION_CHOICES },
    { name: 'reason', label: 'Reason', description: 'Why (the athlete sees it)', type: 'string', required: true, max: 500 },
    { name: 'minutes', label: 'Minutes', description: 'Duration, 5–600 (not for REST)', type: 'integer', min: 0, max: 600 },
    dateOption('Which day (default the athlete’s today)'),
    { name: 'confirm', label: 'Confirm', description: 'Set it even though the safety rules block it today (you are shown which first)', type: 'boolean' },
  ],
  examples: ['/override athlete:@alex session:REST reason:"travel day"', '/override @alex ENDURANCE easy week minutes:45'],
  async handler(ctx, deps) {
    const { actor } = me(ctx);
    const { values } = ctx;
    const athlete = await resolveAthlete(ctx, deps, values.athlete);
    const date = values.date ?? todayOf(deps, athlete.timezone);
    const minutes = values.minutes;
    const type = values.session;
    let saved;
    try {
      saved = await deps.core.applyOverride(actor, {
        athleteId: athlete.personId,
        date,
        type,
        reason: values.reason,
        ...(minutes !== undefined ? { minutes } : {}),
        ...(values.confirm === true ? { confirm: true } : {}),
      });
    } catch (err) {
      if (!isAppError(err, 'OVERRIDE.CONFIRM_REQUIRED')) throw err;
      const breaks = (err.details?.breaks ?? []) as { rule: string; reason: string }[];
      let confirmButtonId: string | undefined;
      try {
        const options: Record<string, string> = { athlete: athlete.personId, session: type, reason: values.reason, date, confirm: 'true' };
        if (minutes !== undefined) options.minutes = String(minutes);
        confirmButtonId = encodeAction({ command: 'override', options });
      } catch {
        // a long reason does not fit in a button id: the reply asks for confirm:true instead
      }
      return { message: presentOverrideConfirm({ athleteName: athlete.displayName, date, type, breaks, ...(confirmButtonId ? { confirmButtonId } : {}) }) };
    }
    const before = saved.override?.previous;
    return done(`Session set for ${athlete.displayName} — ${dayLabel(date)}`, `${sessionLabel(saved.session)}. Reason: ${saved.override?.reason ?? values.reason}`, {
      footer: `${before ? `Replaces ${sessionLabel(before)}. ` : ''}${athlete.displayName} sees your reason next to the session.`,
    });
  },
});

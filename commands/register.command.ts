import { isAppError } from '../src/errors.ts';
import { LEVEL_CHOICES, SPORT_CHOICES, timezoneOption } from './shared-options.ts';
import { done } from './support.ts';
import { defineCommand } from './types.ts';

export const registerCommand = defineCommand({
  name: 'register',
  description: 'Sign up as an athlete (no options: a form)',
  audience: 'anyone',
  options: [
    { name: 'sport', label: 'Sport', description: 'Your sport', type: 'choice', required: true, choices: SPORT_CHOICES },
    { name: 'agree', label: 'Agree', description: 'I agree to the privacy notice (yes)', type: 'boolean', required: true },
    { name: 'level', label: 'Level', description: 'Your level (default recreational)', type: 'choice', choices: LEVEL_CHOICES },
    timezoneOption,
    { name: 'morning_time', label: 'Morning time', description: 'When your session arrives, HH:MM (default 06:30)', type: 'time' },
    { name: 'goal_date', label: 'Goal date', description: 'Race or test day, yyyy-mm-dd', type: 'date' },
    { name: 'name', label: 'Name', description: 'The name I use for you', type: 'string', max: 80 },
  ],
  examples: ['/register sport:running agree:yes timezone:Europe/Berlin', '/register'],
  form(prefill, ctx) {
    return {
      command: 'register',
      title: 'Join twincoach',
      inputs: [
        { name: 'sport', label: 'Your sport', kind: 'choice', required: true, choices: [...SPORT_CHOICES], ...(prefill.sport ? { initial: prefill.sport } : {}) },
        { name: 'level', label: 'Your level', kind: 'choice', choices: [...LEVEL_CHOICES], initial: prefill.level ?? 'recreational' },
        { name: 'timezone', label: 'Time zone (like Europe/Berlin)', kind: 'short', initial: prefill.timezone ?? ctx.me?.person.timezone ?? 'UTC' },
        { name: 'morning_time', label: 'Morning message at (HH:MM)', kind: 'short', initial: prefill.morning_time ?? '06:30' },
        {
          name: 'agree',
          label: 'I agree to the privacy notice',
          kind: 'choice',
          required: true,
          choices: [
            { value: 'yes', label: 'Yes, I agree' },
            { value: 'no', label: 'No' },
          ],
        },
      ],
    };
  },
  async handler(ctx, deps) {
    const { platform, platformUserId, displayName } = ctx.input;
    const goal = ctx.values.goal_date;
    const { actor, profile } = await deps.core.registerAthlete({
      platform,
      platformUserId,
      displayName: ctx.values.name ?? ctx.me?.person.displayName ?? displayName ?? platformUserId,
      timezone: ctx.values.timezone ?? ctx.me?.person.timezone ?? deps.defaultTimezone,
      sport: ctx.values.sport,
      level: ctx.values.level ?? 'recreational',
      consentVersion: ctx.values.agree === true ? deps.consentVersion : null,
      ...(ctx.values.morning_time ? { morningTime: ctx.values.morning_time } : {}),
      ...(goal ? { goalDate: goal } : {}),
    });
    // Registered in a team's channel: join that team too.
    let joined: string | undefined;
    const { workspaceId, channelId } = ctx.input;
    if (workspaceId && channelId) {
      try {
        const team = await deps.core.findTeamByChannel(platform, workspaceId, channelId);
        await deps.core.joinTeam(actor, team.id);
        joined = team.name;
      } catch (err) {
        if (!isAppError(err, 'TEAM.NOT_FOUND')) throw err;
      }
    }
    return done(`Welcome, ${profile.displayName}`, `You’re registered as a ${profile.level} ${profile.sport} athlete${joined ? ` in ${joined}` : ''}. Your session arrives at ${profile.morningTime} (${profile.timezone}).${joined ? ' The team channel shows your session, not your readiness (/settings team_channel to change).' : ''}`, {
      sections: [
        {
          title: 'Next',
          text: ['• /connect a wearable (Oura, WHOOP, intervals.icu, Polar) — or just log sessions with /feedback', '• /checkin each morning: 5 quick questions', '• /today for today’s session'].join('\n'),
        },
      ],
      footer: deps.privacyNoticeUrl ? `Privacy notice ${deps.consentVersion}: ${deps.privacyNoticeUrl} · /privacy export or delete at any time` : `Privacy notice ${deps.consentVersion} · /privacy export or delete at any time`,
    });
  },
});

import type { SettingsPatch } from '../src/core/settings.use-case.ts';
import type { TeamChannelShare } from '../src/core/types.ts';
import { LEVEL_CHOICES, SPORT_CHOICES, TEAM_CHANNEL_CHOICES, timezoneOption } from './shared-options.ts';
import { done, me, note } from './support.ts';
import { defineCommand } from './types.ts';

export const settingsCommand = defineCommand({
  name: 'settings',
  description: 'Your settings: time zone, morning time, sport, goal date, DMs (no options: show them)',
  audience: 'registered',
  options: [
    timezoneOption,
    { name: 'morning_time', label: 'Morning time', description: 'When your session arrives, HH:MM', type: 'time' },
    { name: 'sport', label: 'Sport', description: 'Your sport', type: 'choice', choices: SPORT_CHOICES },
    { name: 'level', label: 'Level', description: 'Your level', type: 'choice', choices: LEVEL_CHOICES },
    { name: 'goal_date', label: 'Goal date', description: 'Race or test day, yyyy-mm-dd (none to clear)', type: 'date', clearable: true },
    { name: 'goal_name', label: 'Goal', description: 'What the goal is, e.g. Berlin marathon', type: 'string', max: 80 },
    { name: 'team_channel', label: 'Team channel shows', description: 'What team channels show of you each morning (default: session only)', type: 'choice', choices: TEAM_CHANNEL_CHOICES },
    { name: 'dms', label: 'DMs', description: 'May I message you directly? yes/no', type: 'boolean' },
    { name: 'name', label: 'Name', description: 'The name I use for you', type: 'string', max: 80 },
  ],
  examples: ['/settings', '/settings timezone:Europe/Berlin morning_time:06:45'],
  async handler(ctx, deps) {
    const m = me(ctx);
    const patch: SettingsPatch = {};
    const tz = ctx.values.timezone;
    if (tz !== undefined) patch.timezone = tz;
    const mt = ctx.values.morning_time;
    if (mt !== undefined) patch.morningTime = mt;
    const sport = ctx.values.sport;
    if (sport !== undefined) patch.sport = sport;
    const level = ctx.values.level;
    if (level !== undefined) patch.level = level;
    const goal = ctx.values.goal_date;
    if (goal !== undefined) patch.goalDate = goal;
    const goalName = ctx.values.goal_name;
    if (goalName !== undefined) patch.goalName = goalName;
    const teamChannel = ctx.values.team_channel;
    if (teamChannel !== undefined) patch.teamChannel = teamChannel;
    const dms = ctx.values.dms;
    if (dms !== undefined) patch.dmsEnabled = dms;
    const name = ctx.values.name;
    if (name !== undefined) patch.displayName = name;

    const show = (s: { displayName: string; timezone: string; dmsEnabled: boolean; athlete?: { morningTime: string; sport: string; level: string; goalDate?: string; goalName?: string; status: string; teamChannel?: TeamChannelShare } | null }) => {
      const fields = [
        { label: 'Name', value: s.displayName, inline: true },
        { label: 'Time zone', value: s.timezone, inline: true },
        { label: 'DMs', value: s.dmsEnabled ? 'on' : 'off', inline: true },
      ];
      if (s.athlete)
        fields.push(
          { label: 'Morning time', value: s.athlete.morningTime, inline: true },
          { label: 'Sport', value: `${s.athlete.sport} (${s.athlete.level})`, inline: true },
          { label: 'Goal', value: s.athlete.goalDate ? `${s.athlete.goalName ?? 'goal'} on ${s.athlete.goalDate}` : 'none', inline: true },
          { label: 'Coaching', value: s.athlete.status, inline: true },
          { label: 'Team channel shows', value: (s.athlete.teamChannel ?? 'session') === 'readiness' ? 'session and readiness' : 'session only', inline: true },
        );
      return [{ fields }];
    };
    if (Object.keys(patch).length === 0)
      return note('Your settings', 'Change any of them with /settings name:value, e.g. /settings morning_time:06:45.', {
        sections: show({ displayName: m.person.displayName, timezone: m.person.timezone, dmsEnabled: m.person.dmsEnabled, athlete: m.athlete }),
      });
    const saved = await deps.core.updateSettings(m.actor, patch);
    return done('Settings saved', `Changed: ${Object.keys(patch).join(', ')}.`, { sections: show({ ...saved, athlete: saved.athlete ?? null }) });
  },
});

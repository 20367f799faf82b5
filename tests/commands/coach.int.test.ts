import { describe, expect, it } from 'vitest';
import { repositoryContacts } from '../../jobs/read-models.ts';
import { count, useCommands } from './support.ts';

const h = useCommands('2026-11-22T07:00:00Z');
const TODAY = '2026-11-22';
let n = 0;

/** A coach with a team bound to a fresh channel, and athletes who registered there (and so joined). */
async function squad(athletes: string[] = ['alex']) {
  const tag = `${++n}`;
  const chan = { workspaceId: `G${tag}`, channelId: `C${tag}` };
  const coach = `coach${tag}`;
  const created = await h.say(coach, '/team create Falcons', chan);
  expect(created.message!.title).toBe('Team Falcons created');
  const ids: Record<string, string> = {};
  for (const a of athletes) {
    const r = await h.say(`${a}${tag}`, '/register sport:running agree:yes', chan);
    expect(r.message!.summary).toMatch(/in Falcons/);
    ids[a] = (await h.core.resolveActor('discord', `${a}${tag}`)).personId;
  }
  const teamId = (await h.core.findTeamByChannel('discord', chan.workspaceId, chan.channelId)).id;
  return { chan, coach, tag, ids, teamId, user: (a: string) => `${a}${tag}` };
}

describe('/override', () => {
  it('when an athlete runs /override then it is refused with a clear message and nothing is stored', async () => {
    const s = await squad(['alex', 'bea']);
    const before = { rx: await count(h, 'Prescription'), audit: await count(h, 'AuditLog') };
    const r = await h.say(s.user('alex'), `/override athlete:<@${s.user('bea')}> session:REST reason:"I say so"`, s.chan);
    expect(r.failure?.code).toBe('AUTH.COACHES_ONLY');
    expect(r.message).toMatchObject({ title: 'Not allowed', tone: 'red', ephemeral: true });
    expect(r.message!.summary).toBe('Only a team’s coaches can use /override. You’re registered as an athlete. Ask your coach, or create your own team with /team create.');
    expect(await count(h, 'Prescription')).toBe(before.rx);
    expect(await count(h, 'AuditLog')).toBe(before.audit);
  });

  it('when the coach overrides by mention then the session is stored, audited and the athlete sees it with the reason', async () => {
    const s = await squad();
    const r = await h.say(s.coach, `/override <@${s.user('alex')}> REST travel day`, s.chan);
    expect(r.failure).toBeUndefined();
    expect(r.message!.title).toBe(`Session set for Alex${s.tag} — Sun 22 Nov`);
    expect(r.message!.summary).toBe('Rest day. Reason: travel day');
    const rx = await h.deps.prescriptions.get(s.ids.alex!, TODAY);
    expect(rx).toMatchObject({ session: { type: 'REST' }, override: { reason: 'travel day' }, approval: { state: 'approved' } });
    expect(await h.deps.audit.list({ athleteId: s.ids.alex!, action: 'prescription.override' })).toHaveLength(1);
    const seen = await h.say(s.user('alex'), '/today', s.chan);
    expect(seen.message!.title).toBe('Sun 22 Nov — Rest day');
    expect(seen.message!.summary).toContain('Your coach set this session: travel day');
  });

  it('when the coach names the athlete by display name with minutes and a date then that day gets that session', async () => {
    const s = await squad();
    const r = await h.say(s.coach, `/override athlete:alex${s.tag} session:endurance reason:"easy week" minutes:45 date:2026-11-24`, s.chan);
    expect(r.message!.summary).toBe('Endurance 45 min. Reason: easy week');
    expect((await h.deps.prescriptions.get(s.ids.alex!, '2026-11-24'))!.session).toMatchObject({ type: 'ENDURANCE', minutes: 45 });
  });

  it('when the coach overrides into a session the safety rules block then nothing changes until the coach confirms, and the athlete’s message is coherent', async () => {
    const s = await squad();
    expect((await h.say(s.coach, `/constraint add <@${s.user('alex')}> max_load value:60 reason:"taper"`, s.chan)).failure).toBeUndefined();
    await h.core.prescribeForDay(s.ids.alex!, TODAY);
    const before = (await h.deps.prescriptions.get(s.ids.alex!, TODAY))!;
    expect(before.mask.blocked.some((b) => b.type === 'INTERVALS')).toBe(true);

    const ask = await h.say(s.coach, `/override <@${s.user('alex')}> INTERVALS race rehearsal minutes:50`, s.chan);
    expect(ask.failure).toBeUndefined();
    expect(ask.message!.title).toBe(`Intervals breaks a safety rule for Alex${s.tag} — Sun 22 Nov`);
    expect(ask.message!.sections![0]!.text).toBe('1. constraint:max_load — load above 60');
    expect(ask.message!.summary).toMatch(/^Nothing was changed yet\. .*confirm:true/);
    expect(await h.deps.prescriptions.get(s.ids.alex!, TODAY)).toMatchObject({ session: before.session, revision: before.revision });
    expect(await h.deps.audit.list({ athleteId: s.ids.alex!, action: 'prescription.override_unconfirmed' })).toHaveLength(1);
    expect(await h.deps.audit.list({ athleteId: s.ids.alex!, action: 'prescription.override' })).toHaveLength(0);

    // the same override with confirm:true sets it (an athlete id and a reason do not fit in a 100-character button id)
    expect(ask.message!.buttons).toBeUndefined();
    expect(ask.message!.summary).toContain('Send the same /override again with confirm:true');
    const ok = await h.say(s.coach, `/override <@${s.user('alex')}> INTERVALS race rehearsal minutes:50 confirm:true`, s.chan);
    expect(ok.failure).toBeUndefined();
    expect(ok.message!.title).toBe(`Session set for Alex${s.tag} — Sun 22 Nov`);
    const rx = (await h.deps.prescriptions.get(s.ids.alex!, TODAY))!;
    expect(rx.session.type).toBe('INTERVALS');
    expect(rx.override!.breaks).toEqual([{ rule: 'constraint:max_load', reason: 'load above 60' }]);
    const audited = await h.deps.audit.list({ athleteId: s.ids.alex!, action: 'prescription.override' });
    expect(audited).toHaveLength(1);
    expect(audited[0]!.after).toMatchObject({ type: 'INTERVALS', breaks: [{ rule: 'constraint:max_load', reason: 'load above 60' }] });

    const seen = (await h.say(s.user('alex'), '/today', s.chan)).message!;
    expect(seen.summary).toContain('Your coach set this session: race rehearsal. Your coach chose it despite the safety rule constraint:max_load (load above 60).');
    const notToday = seen.sections!.find((x) => x.title === 'Not today')?.text ?? '';
    expect(notToday).not.toMatch(/Intervals/);
    expect(JSON.stringify(seen)).not.toMatch(/Coach your coach/);
  });

  it('when the session type or date is wrong then the message names both and nothing is stored', async () => {
    const s = await squad();
    const before = await count(h, 'Prescription');
    const r = await h.say(s.coach, `/override <@${s.user('alex')}> NAP "why not" date:2026-13-01`, s.chan);
    expect(r.message!.summary).toBe(
      'Session must be REST, ACTIVE_RECOVERY, ENDURANCE, TEMPO, INTERVALS or STRENGTH; you sent "NAP"\nDate must be a date like 2026-11-22 (or today, yesterday); you sent "2026-13-01"',
    );
    expect(await count(h, 'Prescription')).toBe(before);
  });

  it('when the reason is missing then the coach is told it is required', async () => {
    const s = await squad();
    const r = await h.say(s.coach, `/override athlete:<@${s.user('alex')}> session:REST`, s.chan);
    expect(r.message!.summary).toBe('Reason is required.');
    expect(r.message!.footer).toBe('Usage: /override athlete:<@someone> session:<REST|ACTIVE_RECOVERY|ENDURANCE|TEMPO|INTERVALS|STRENGTH> reason:<text> [minutes:<0–600>] [date:<yyyy-mm-dd>] [confirm:<yes|no>]');
  });

  it('when a coach names an athlete of another team then it is refused and nothing is stored', async () => {
    const mine = await squad();
    const theirs = await squad(['zoe']);
    const before = await count(h, 'Prescription');
    const r = await h.say(mine.coach, `/override <@${theirs.user('zoe')}> REST nope`, mine.chan);
    expect(r.failure?.code).toBe('ATHLETE.NOT_IN_TEAMS');
    expect(r.message!.summary).toBe('That person is not an athlete in a team you coach.');
    expect(await count(h, 'Prescription')).toBe(before);
  });
});

describe('/constraint', () => {
  it('when a constraint is added, listed and removed then the store follows and the list offers remove buttons', async () => {
    const s = await squad();
    const add = await h.say(s.coach, `/constraint add <@${s.user('alex')}> no_high_intensity to:2026-12-01 reason:"sore knee"`, s.chan);
    expect(add.message!.title).toBe(`Constraint added for Alex${s.tag}`);
    expect(add.message!.summary).toMatch(/^No high intensity, Sun 22 Nov – Tue 1 Dec — sore knee \(id [0-9a-f]{8}\)$/);
    const [c] = await h.deps.constraints.listForAthlete(s.ids.alex!);
    expect(c).toMatchObject({ kind: 'no_high_intensity', from: TODAY, to: '2026-12-01', active: true });
    const list = await h.say(s.coach, `/constraint list <@${s.user('alex')}>`, s.chan);
    expect(list.message!.buttons).toEqual([{ id: `tc:constraint.remove?id=${c!.id}`, label: 'Remove 1', style: 'secondary' }]);
    const removed = await h.press(s.coach, list.message!.buttons![0]!.id, s.chan);
    expect(removed.message!.title).toBe('Constraint removed');
    expect(await h.deps.constraints.listForAthlete(s.ids.alex!)).toHaveLength(0);
  });

  it('when max_load comes without a value then the core’s message is shown and nothing is stored', async () => {
    const s = await squad();
    const r = await h.say(s.coach, `/constraint add <@${s.user('alex')}> max_load`, s.chan);
    expect(r.failure?.code).toBe('CONSTRAINT.VALUE_REQUIRED');
    expect(await h.deps.constraints.listForAthlete(s.ids.alex!)).toHaveLength(0);
  });

  it('when an athlete tries /constraint then it is refused', async () => {
    const s = await squad();
    const r = await h.say(s.user('alex'), `/constraint add <@${s.user('alex')}> rest_only`, s.chan);
    expect(r.failure?.code).toBe('AUTH.COACHES_ONLY');
    expect(await h.deps.constraints.listForAthlete(s.ids.alex!)).toHaveLength(0);
  });
});

describe('/team, /approve, /roster, /join', () => {
  it('when the coach asks for the board then every athlete is on it with the team chart', async () => {
    const s = await squad(['alex', 'bea']);
    h.charts.teamCalls.length = 0;
    const r = await h.say(s.coach, '/team', s.chan);
    expect(r.message!.title).toBe('Team readiness — Falcons · Sun 22 Nov');
    expect(r.message!.summary).toMatch(/^2 athletes: /);
    expect(h.charts.teamCalls[0]!.data.athletes.map((a) => a.name).sort()).toEqual([`Alex${s.tag}`, `Bea${s.tag}`]);
  });

  it('when approval mode is on then the athlete waits until the coach approves', async () => {
    const s = await squad();
    expect((await h.say(s.coach, '/approve mode:on', s.chan)).message!.title).toBe('Approval mode on — Falcons');
    const waiting = await h.say(s.user('alex'), '/today', s.chan);
    expect(waiting.message!.title).toBe('Your coach is looking at it');
    const board = await h.say(s.coach, '/team board', s.chan);
    expect(board.message!.buttons![0]!.label).toBe('Approve 1 pending');
    const approved = await h.press(s.coach, board.message!.buttons![0]!.id, s.chan);
    expect(approved.message!.title).toBe('Approved 1 session — Sun 22 Nov');
    expect((await h.say(s.user('alex'), '/today', s.chan)).message!.title).toMatch(/^Sun 22 Nov — /);
  });

  it('when the roster is asked then members and roles are listed; the admin can make an athlete (who joined) a coach', async () => {
    const s = await squad(['alex']);
    const r = await h.say(s.coach, '/roster', s.chan);
    expect(r.message!.title).toBe('Falcons: 2 members');
    expect(r.message!.summary).toContain(`• *Alex${s.tag}* — athlete · discord`);
    const set = await h.say(s.coach, `/roster member:<@${s.user('alex')}> roles:athlete,coach`, s.chan);
    expect(set.message!.summary).toBe(`Alex${s.tag}: athlete, coach in Falcons.`);
    expect((await h.say(s.user('alex'), '/roster', s.chan)).failure).toBeUndefined();
  });

  it('when an athlete registered elsewhere runs /join in the team channel then they join the team', async () => {
    const s = await squad([]);
    await h.say(`late${s.tag}`, '/register sport:cycling agree:yes');
    const r = await h.say(`late${s.tag}`, '/join', s.chan);
    expect(r.message!.title).toBe('You joined Falcons');
    const id = (await h.core.resolveActor('discord', `late${s.tag}`)).personId;
    expect((await h.deps.memberships.get(s.teamId, id))!.roles).toEqual(['athlete']);
  });

  it('when a stranger creates a team in another guild and adds a registered athlete with /roster then it becomes an invitation: no override, no board row, no team summary until the athlete accepts', async () => {
    const s = await squad(['alex']);
    const evil = { workspaceId: `EVIL${s.tag}`, channelId: `X${s.tag}` };
    expect((await h.say(`mallory${s.tag}`, '/team create Mine', evil)).message!.title).toBe('Team Mine created');
    const evilTeam = (await h.core.findTeamByChannel('discord', evil.workspaceId, evil.channelId)).id;
    const added = await h.say(`mallory${s.tag}`, `/roster member:<@${s.user('alex')}> roles:athlete`, evil);
    expect(added.failure).toBeUndefined();
    expect(added.message!.title).toBe('Invitation sent');
    expect(added.message!.summary).toMatch(new RegExp(`^Alex${s.tag} becomes an athlete of Mine once they accept — until then you can’t see or change their training\\.`));
    expect(await h.deps.memberships.get(evilTeam, s.ids.alex!)).toBeNull();
    const override = await h.say(`mallory${s.tag}`, `/override <@${s.user('alex')}> REST mine`, evil);
    expect(override.failure?.code).toBe('ATHLETE.NOT_IN_TEAMS');
    await expect(h.core.applyOverride(await h.core.resolveActor('discord', `mallory${s.tag}`), { athleteId: s.ids.alex!, date: TODAY, type: 'REST', reason: 'mine' })).rejects.toMatchObject({ code: 'AUTH.NOT_COACH' });
    // the morning team summary goes to the athlete's own team channel only
    const contact = (await repositoryContacts(h.deps, { platforms: ['discord'] }).contacts([s.ids.alex!])).get(s.ids.alex!)!;
    expect(contact.recipients.filter((r) => r.audience === 'team').map((r) => r.target)).toEqual([{ platform: 'discord', kind: 'channel', channelId: s.chan.channelId }]);
    const board = await h.say(`mallory${s.tag}`, '/team board', evil);
    expect(board.message!.summary).toBe('No athletes in this team yet. Athletes join with /join in the team channel.');
    // the athlete was told who invited them, to what, with buttons to answer
    const told = h.notifier.events.find((e) => e.type === 'team.invited' && e.personId === s.ids.alex);
    expect(told).toMatchObject({ teamName: 'Mine', byName: `Mallory${s.tag}` });
    // /join in a DM lists the open invitation; declining keeps everything as it was
    const listed = await h.say(s.user('alex'), '/join');
    expect(listed.message!.title).toBe(`Mallory${s.tag} invited you to train in Mine`);
    expect(listed.message!.buttons!.map((b) => b.label)).toEqual(['Join', 'Join, show my readiness in the channel', 'Decline']);
    const declined = await h.press(s.user('alex'), listed.message!.buttons![2]!.id);
    expect(declined.message!.title).toBe('Invitation to Mine declined');
    expect(await h.deps.memberships.get(evilTeam, s.ids.alex!)).toBeNull();
    const again = await h.say(`mallory${s.tag}`, `/roster member:<@${s.user('alex')}> roles:athlete`, evil);
    expect(again.failure?.code).toBe('INVITE.DECLINED');
  });

  it('when the athlete presses Join on an invitation then they train in the team and its coach may override', async () => {
    const s = await squad([]);
    await h.say(`kim${s.tag}`, '/register sport:running agree:yes');
    const kim = (await h.core.resolveActor('discord', `kim${s.tag}`)).personId;
    await h.say(s.coach, `/roster member:<@kim${s.tag}> roles:athlete`, s.chan);
    const invite = await h.say(`kim${s.tag}`, '/join');
    const joined = await h.press(`kim${s.tag}`, invite.message!.buttons![1]!.id);
    expect(joined.message!.title).toBe('You joined Falcons');
    expect(joined.message!.summary).toMatch(/^The team channel shows your session and readiness band each morning/);
    expect((await h.deps.memberships.get(s.teamId, kim))!.roles).toEqual(['athlete']);
    expect((await h.deps.athletes.get(kim))!.teamChannel).toBe('readiness');
    // pressing again answers the same, nothing doubles
    expect((await h.press(`kim${s.tag}`, invite.message!.buttons![1]!.id)).message!.title).toBe('You joined Falcons');
    expect((await h.say(s.coach, `/override <@kim${s.tag}> REST travel`, s.chan)).failure).toBeUndefined();
  });

  it('when an athlete registers in the team channel then the channel shows their session only until they choose readiness in /settings (and back)', async () => {
    const s = await squad(['alex']);
    const contacts = repositoryContacts(h.deps, { platforms: ['discord'] });
    expect((await contacts.contacts([s.ids.alex!])).get(s.ids.alex!)!.teamChannel).toBe('session');
    const shown = await h.say(s.user('alex'), '/settings');
    expect(shown.message!.sections![0]!.fields).toContainEqual({ label: 'Team channel shows', value: 'session only', inline: true });
    const on = await h.say(s.user('alex'), '/settings team_channel:readiness');
    expect(on.message!.sections![0]!.fields).toContainEqual({ label: 'Team channel shows', value: 'session and readiness', inline: true });
    expect((await contacts.contacts([s.ids.alex!])).get(s.ids.alex!)!.teamChannel).toBe('readiness');
    expect(await h.deps.audit.list({ athleteId: s.ids.alex!, action: 'athlete.team_channel' })).toEqual([expect.objectContaining({ before: 'session', after: 'readiness' })]);
    const bad = await h.say(s.user('alex'), '/settings team_channel:everything');
    expect(bad.failure?.code).toBeDefined();
    await h.say(s.user('alex'), '/settings team_channel:session');
    expect((await h.deps.athletes.get(s.ids.alex!))!.teamChannel).toBe('session');
  });

  it('when a second team is created in the same channel then it is refused and only one team exists there', async () => {
    const s = await squad([]);
    const before = await count(h, 'Team');
    const r = await h.say(`rival${s.tag}`, '/team create Hawks', s.chan);
    expect(r.failure?.code).toBe('TEAM.CHANNEL_TAKEN');
    expect(await count(h, 'Team')).toBe(before);
  });
});

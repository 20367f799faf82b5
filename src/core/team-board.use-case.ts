/**
 * teamBoard: the coach's view of a team for one day — per athlete a readiness band with its reasons,
 * the day's session and flags. Coaches and admins of the team only.
 *
 * Readiness uses the stored prescription's state snapshot (what the engine saw) when there is one, and
 * otherwise computes the state on the spot from the stored history (agent/state computeState).
 */
import type { SessionPlan } from '../../agent/decision.ts';
import { optionsOf, requireTeamRole, todayIn } from './context.ts';
import { fail } from './error-codes.ts';
import { addDays, daysBetween } from './local-time.ts';
import { morningState } from './observations.ts';
import type { CoreDeps } from './ports.ts';
import { readiness, readinessInputs, type Readiness } from './readiness.ts';
import type { Actor, ApprovalState, AthleteStatus } from './types.ts';
import { requireDate } from './validation.ts';

export type BoardFlag = 'ACWR_HIGH' | 'HRV_BELOW_BAND' | 'NO_CHECKIN_TODAY' | 'NO_DATA_3_DAYS' | 'PAUSED' | 'AWAITING_APPROVAL';

export interface BoardRow {
  athleteId: string;
  displayName: string;
  status: AthleteStatus;
  readiness: Readiness;
  session: SessionPlan | null;
  approval: ApprovalState | null;
  overridden: boolean;
  flags: BoardFlag[];
  /** This morning's fitness (CTL) and fatigue (ATL), from the same state as the readiness; null before any load. */
  trainingLoad: { ctl: number; atl: number } | null;
  /** This morning's load ratio (ACWR); null until 28 days of history. */
  loadRatio: number | null;
  /** Where the readiness came from. */
  stateFrom: 'prescription' | 'history';
}

export interface TeamBoard {
  teamId: string;
  teamName: string;
  date: string;
  rows: BoardRow[];
}

function trainingLoadOf(state: Record<string, unknown>): BoardRow['trainingLoad'] {
  const { ctl, atl } = state;
  if (typeof ctl !== 'number' || typeof atl !== 'number' || !Number.isFinite(ctl) || !Number.isFinite(atl) || (ctl === 0 && atl === 0)) return null;
  return { ctl, atl };
}

export async function teamBoard(deps: CoreDeps, actor: Actor, teamId: string, date?: string): Promise<TeamBoard> {
  const team = await deps.teams.get(teamId);
  if (!team) throw fail('TEAM.NOT_FOUND', 'I could not find that team.');
  await requireTeamRole(deps, actor, teamId, ['coach', 'admin'], 'see the team board');
  const person = await deps.persons.get(actor.personId);
  const day = date === undefined ? todayIn(deps, person?.timezone ?? 'UTC') : requireDate(date);

  const ids = (await deps.memberships.listForTeam(teamId)).filter((m) => m.roles.includes('athlete')).map((m) => m.personId);
  const { historyDays } = optionsOf(deps);
  const from = addDays(day, -historyDays);
  const [profiles, prescriptions, metrics, feedback] = await Promise.all([
    deps.athletes.profiles(ids),
    deps.prescriptions.listForDate(ids, day),
    deps.dailyMetrics.listRange(ids, from, day),
    deps.feedback.listRange(ids, from, day),
  ]);
  const rxBy = new Map(prescriptions.map((p) => [p.athleteId, p]));

  const rows = profiles.map((profile): BoardRow => {
    const rx = rxBy.get(profile.id);
    const m = metrics.filter((x) => x.athleteId === profile.id);
    const f = feedback.filter((x) => x.athleteId === profile.id);
    let state: Record<string, unknown>;
    let stateFrom: BoardRow['stateFrom'];
    if (rx && Object.keys(rx.state).length > 0) {
      state = rx.state;
      stateFrom = 'prescription';
    } else {
      state = morningState(day, historyDays, m, f, profile.goalDate) as unknown as Record<string, unknown>;
      stateFrom = 'history';
    }
    const inputs = readinessInputs(state);
    const flags: BoardFlag[] = [];
    if (inputs.acwr !== undefined && inputs.acwr >= 1.5) flags.push('ACWR_HIGH');
    if (inputs.hrvBand === 'below' || (inputs.hrvZ !== undefined && inputs.hrvZ < -0.5)) flags.push('HRV_BELOW_BAND');
    if (!f.some((x) => x.date === day && x.wellness && Object.keys(x.wellness).length > 0)) flags.push('NO_CHECKIN_TODAY');
    const recent = addDays(day, -2);
    const band = readiness(inputs);
    if (!m.some((x) => x.date >= recent && Object.keys(x.fields).length > 0)) {
      flags.push('NO_DATA_3_DAYS');
      const last = m.filter((x) => Object.keys(x.fields).length > 0).at(-1)?.date;
      band.reasons.push(last ? `no wearable data since ${last} (${daysBetween(last, day)} days)` : 'no wearable data yet');
      if (band.band === 'green') band.band = 'amber';
    }
    if (profile.status === 'paused') flags.push('PAUSED');
    if (rx?.approval.state === 'pending') flags.push('AWAITING_APPROVAL');
    return {
      athleteId: profile.id,
      displayName: profile.displayName,
      status: profile.status,
      readiness: band,
      session: rx ? rx.session : null,
      approval: rx ? rx.approval.state : null,
      overridden: rx?.override !== undefined,
      flags,
      trainingLoad: trainingLoadOf(state),
      loadRatio: inputs.acwr ?? null,
      stateFrom,
    };
  });
  const order = { red: 0, amber: 1, green: 2 } as const;
  rows.sort((a, b) => order[a.readiness.band] - order[b.readiness.band] || a.displayName.localeCompare(b.displayName));
  return { teamId, teamName: team.name, date: day, rows };
}

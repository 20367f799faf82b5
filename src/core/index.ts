/**
 * The use cases, bound to their dependencies once by the composition root:
 *
 *   const core = createUseCases({ ...createRepositories(conn, { cipher }), clock, newId, engine, twin, notifier, mergeDays });
 *   const actor = await core.resolveActor('discord', userId);
 *   await core.applyOverride(actor, { athleteId, date, type: 'REST', reason: 'travel day' });
 *
 * Each function is also exported unbound (deps first) from its *.use-case.ts file.
 */
import type { CoreDeps } from './ports.ts';
import { approvePrescriptions } from './approval.use-case.ts';
import { connectApiKey, connectProvider, disconnectProvider, listMyConnections } from './connections.use-case.ts';
import { listConstraints, removeConstraint, setConstraint } from './constraints.use-case.ts';
import { recordCheckin, recordFeedback, recordTestResult } from './feedback.use-case.ts';
import { createLinkCode, linkIdentity, registerAthlete, registerPerson, resolveActor } from './identity.use-case.ts';
import { answerInvitation, inviteAthlete, myInvitations } from './invitation.use-case.ts';
import { recordSourceDays } from './metrics.use-case.ts';
import { activatePolicyModel, publishPolicyModel, saveTwinCalibration } from './models.use-case.ts';
import { applyOverride } from './override.use-case.ts';
import { deliverablePrescriptions, prescribeForDay, prescribeMany, recordDelivery, sessionFor } from './prescribe.use-case.ts';
import { deleteMyData, exportMyData } from './privacy.use-case.ts';
import { pauseAthlete, resumeAthlete, updateSettings } from './settings.use-case.ts';
import { teamBoard } from './team-board.use-case.ts';
import { createTeam, findTeamByChannel, joinTeam, setMemberRoles, updateTeamSettings } from './team.use-case.ts';
import { athleteHistory, athleteWeek, teamRoster, whoAmI } from './views.use-case.ts';

type Bound<F> = F extends (deps: CoreDeps, ...args: infer A) => infer R ? (...args: A) => R : never;

const USE_CASES = {
  resolveActor,
  registerPerson,
  registerAthlete,
  createLinkCode,
  linkIdentity,
  createTeam,
  findTeamByChannel,
  joinTeam,
  inviteAthlete,
  answerInvitation,
  myInvitations,
  setMemberRoles,
  updateTeamSettings,
  updateSettings,
  pauseAthlete,
  resumeAthlete,
  prescribeForDay,
  prescribeMany,
  sessionFor,
  deliverablePrescriptions,
  recordDelivery,
  applyOverride,
  setConstraint,
  removeConstraint,
  listConstraints,
  approvePrescriptions,
  recordFeedback,
  recordCheckin,
  recordTestResult,
  teamBoard,
  exportMyData,
  deleteMyData,
  recordSourceDays,
  connectProvider,
  connectApiKey,
  disconnectProvider,
  listMyConnections,
  saveTwinCalibration,
  publishPolicyModel,
  activatePolicyModel,
  whoAmI,
  athleteHistory,
  teamRoster,
  athleteWeek,
} as const;

export type UseCases = { [K in keyof typeof USE_CASES]: Bound<(typeof USE_CASES)[K]> };

export function createUseCases(deps: CoreDeps): UseCases {
  const out = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(USE_CASES)) out[name] = (...args: unknown[]) => (fn as (d: CoreDeps, ...a: unknown[]) => unknown)(deps, ...args);
  return out as UseCases;
}

export { CalibratingTwinUpdater } from './twin-updater.ts';
export { TokenCipher } from './crypto.ts';
export type * from './types.ts';
export type * from './ports.ts';

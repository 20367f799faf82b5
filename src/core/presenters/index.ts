/**
 * Presenters: pure functions from domain records to platform-neutral ChatMessages. Charts come in
 * through the ChartRenderer port, so nothing here renders, reads a clock or does I/O.
 *
 *   presentMorning({ prescription, athlete, history?, charts? })   the morning message (also /today)
 *   presentWhy(prescription)                                        the full explanation (/why)
 *   presentOverrideConfirm({ breaks, … })                           the coach's confirm step for an unsafe override
 *   presentTeamBoard(board, { detail, charts })                     coach board / compact channel summary
 *   presentHistory(history, { charts })                             /history
 *   presentWeek(week)                                               /week, Slack App Home
 *   presentInvitation(inv) / presentInvitationList(list)            a coach's invitation (DM) / /join in a DM
 *   presentConnected / revocationLine / accountPhrase                connections: which account, revocations
 *   encodeAction / decodeAction                                     button ids that run commands
 */
export { ACTION_ID_MAX, ACTION_PREFIX, decodeAction, encodeAction, isActionId, type ActionRef } from './actions.ts';
export { tryChart, type AthleteChartData, type ChartRenderer, type TeamChartData } from './charts.ts';
export { dayLabel, sessionLabel, sessionName } from './format.ts';
export { athleteChartData, blockedLines, feedbackButtons, normalLines, presentMorning, rankedReasons, reasonLine, type MorningInput } from './morning.presenter.ts';
export { presentWhy, safetyLines, trainingLines } from './why.presenter.ts';
export { presentOverrideConfirm, type OverrideConfirmInput } from './override.presenter.ts';
export { boardLine, presentTeamBoard, type TeamBoardOptions } from './team.presenter.ts';
export { presentHistory, weeklyLines } from './history.presenter.ts';
export { presentWeek, weekLine } from './week.presenter.ts';
export { presentInvitation, presentInvitationList, type InvitationView } from './invitation.presenter.ts';
export { accountPhrase, presentConnected, revocationLine } from './connections.presenter.ts';

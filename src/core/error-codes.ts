/**
 * Every AppError code the use cases throw, with what it means. The messages themselves are built where
 * the error is raised (they cite the offending value); src/core/README.md lists the same table and a test
 * keeps the two in step.
 */
import { AppError } from '../errors.ts';

export const ERROR_CODES = {
  'AUTH.UNKNOWN_USER': 'The chat account is not registered yet.',
  'AUTH.NOT_SELF': 'An athlete tried to see or change another person’s data.',
  'AUTH.NOT_COACH': 'Only a coach or admin of the athlete’s (or the) team may do this.',
  'AUTH.NOT_ADMIN': 'Only an admin of the team may do this.',
  'VALIDATION.DATE_INVALID': 'A date was not a real yyyy-mm-dd calendar date.',
  'ATHLETE.NOT_FOUND': 'No athlete with that id.',
  'ATHLETE.NOT_REGISTERED': 'The person has no athlete profile (register first).',
  'ATHLETE.ALREADY_REGISTERED': 'The person already has an athlete profile.',
  'ATHLETE.PAUSED': 'The athlete is paused; no sessions are prescribed.',
  'PERSON.NOT_FOUND': 'No person with that id.',
  'CHAT.ACTION_INVALID': 'A button id that cannot be encoded (too long) or decoded (not ours, or from an older version).',
  'SETTINGS.DISPLAY_NAME_INVALID': 'Display name empty or longer than 80 characters.',
  'SETTINGS.TIMEZONE_INVALID': 'Not an IANA time zone.',
  'SETTINGS.MORNING_TIME_INVALID': 'Morning time not HH:MM (24 h).',
  'SETTINGS.SPORT_INVALID': 'Sport not one of the supported sports.',
  'SETTINGS.LEVEL_INVALID': 'Level not one of the supported levels.',
  'SETTINGS.GOAL_DATE_INVALID': 'Goal date not a yyyy-mm-dd date in the future.',
  'SETTINGS.UNITS_INVALID': 'Units not metric or imperial.',
  'SETTINGS.EMPTY': 'A settings update with nothing to change.',
  'CONSENT.REQUIRED': 'Registration without agreeing to the privacy notice.',
  'TEAM.NOT_FOUND': 'No team with that id (or none bound to this channel).',
  'TEAM.NAME_INVALID': 'Team name empty or longer than 80 characters.',
  'TEAM.CHANNEL_TAKEN': 'The chat channel is already bound to another team.',
  'TEAM.NOT_MEMBER': 'The person is not a member of the team.',
  'TEAM.ROLES_INVALID': 'Roles empty or not among athlete, coach, admin.',
  'TEAM.LAST_ADMIN': 'The change would leave the team without an admin.',
  'TEAM.CONSENT_REQUIRED': 'Someone tried to make a person an athlete of a team directly; athletes join only by /join or by accepting an invitation.',
  'INVITE.NOT_FOUND': 'No invitation with that code for this person.',
  'INVITE.EXPIRED': 'The invitation is older than its 7 days.',
  'INVITE.DECLINED': 'The person declined the invitation; it cannot be sent again until it would have expired.',
  'INVITE.LIMIT': 'Too many open invitations for the team or for the person.',
  'SETTINGS.TEAM_CHANNEL_INVALID': 'Team channel choice not session or readiness.',
  'IDENTITY.ALREADY_REGISTERED': 'The chat account already belongs to a registered person.',
  'IDENTITY.PLATFORM_ALREADY_LINKED': 'The person already has an account linked on that platform.',
  'IDENTITY.ACCOUNT_ID_INVALID': 'A chat account id empty or longer than the 64 characters an identity holds.',
  'LINK.CODE_INVALID': 'The link code does not exist.',
  'LINK.CODE_EXPIRED': 'The link code is older than its 15 minutes.',
  'LINK.CODE_USED': 'The link code was used already.',
  'FEEDBACK.EMPTY': 'Feedback with no values in it.',
  'FEEDBACK.RPE_OUT_OF_RANGE': 'RPE not a whole number 1–10.',
  'FEEDBACK.MINUTES_OUT_OF_RANGE': 'Minutes not a whole number 0–600.',
  'FEEDBACK.COMPLETION_INVALID': 'Completion not done, partial or skipped.',
  'FEEDBACK.SORENESS_OUT_OF_RANGE': 'Soreness not a whole number 1–5.',
  'FEEDBACK.WELLNESS_OUT_OF_RANGE': 'A wellness item not a whole number 1–5.',
  'FEEDBACK.SESSION_TYPE_INVALID': 'Session type not in the catalogue.',
  'FEEDBACK.SLOT_INVALID': 'Session slot not a short lowercase name (main, extra-1).',
  'FEEDBACK.NOTES_TOO_LONG': 'Notes longer than 1000 characters.',
  'FEEDBACK.DATE_IN_FUTURE': 'Feedback for a day that has not started in the athlete’s time zone.',
  'FEEDBACK.TOO_OLD': 'New feedback for a day more than 7 days ago.',
  'FEEDBACK.LOCKED': 'An edit more than 7 days after the feedback was first given.',
  'TEST.NAME_INVALID': 'Test name empty or longer than 40 characters.',
  'TEST.VALUE_INVALID': 'Test value not a positive finite number.',
  'TEST.UNIT_INVALID': 'Test unit empty or longer than 16 characters.',
  'OVERRIDE.SESSION_INVALID': 'Session type not in the catalogue.',
  'OVERRIDE.MINUTES_OUT_OF_RANGE': 'Override minutes not a whole number 5–600 (REST is 0).',
  'OVERRIDE.REASON_REQUIRED': 'Override without a reason (1–500 characters).',
  'OVERRIDE.DATE_IN_PAST': 'Override for a day already over in the athlete’s time zone.',
  'OVERRIDE.CONFIRM_REQUIRED': 'Override into a session the safety rules block, without confirm (details.breaks lists the rules).',
  'CONSTRAINT.KIND_INVALID': 'Constraint kind not one of no_high_intensity, max_load, rest_only, no_impact.',
  'CONSTRAINT.VALUE_REQUIRED': 'max_load without a load 1–1000.',
  'CONSTRAINT.WINDOW_INVALID': 'Constraint ends before it starts, or ended already.',
  'CONSTRAINT.REASON_TOO_LONG': 'Constraint reason longer than 500 characters.',
  'CONSTRAINT.NOT_FOUND': 'No active constraint with that id.',
  'PRESCRIPTION.NOT_FOUND': 'No prescription for that athlete and date.',
  'PRESCRIPTION.ENGINE_FAILED': 'The decision engine returned no usable decision.',
  'RECORD.BUSY': 'A lock on the record could not be taken in time (someone else is changing it).',
  'DELETE.CONFIRMATION_REQUIRED': 'deleteMyData called without explicit confirmation.',
  'CONNECTION.NOT_FOUND': 'No connection to that provider.',
  'CONNECT.PROVIDER_UNAVAILABLE': 'The provider is not configured on this server, or does not connect that way.',
  'CONNECT.LINK_INVALID': 'A connect link whose state is forged, expired, for another provider or already used.',
  'CONNECT.AUTHORIZATION_FAILED': 'The athlete declined, or the provider refused the authorization code.',
  'CONNECT.API_KEY_INVALID': 'The provider did not accept the API key and athlete id.',
  'CONNECT.NOT_DURABLE': 'The server has no TOKEN_ENCRYPTION_KEY: a stored secret would be unreadable after a restart, so none is stored.',
  'POLICY.MODEL_NOT_FOUND': 'No policy model with that id.',
  'POLICY.MODEL_INVALID': 'Policy model without weights, name or feature spec.',
  'CRYPTO.KEY_INVALID': 'Token encryption key is not 32 bytes base64.',
  'CRYPTO.UNKNOWN_KEY': 'A token was encrypted under a key that is not configured any more.',
  'CRYPTO.DECRYPT_FAILED': 'A token ciphertext was tampered with or belongs to another record.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

declare module '../errors.ts' {
  interface AppErrorCodes extends Record<ErrorCode, true> {}
}

/** An AppError with a registered code. */
export function fail(code: ErrorCode, userMessage: string, details?: Record<string, unknown>): AppError {
  return new AppError(code, userMessage, details ? { details } : undefined);
}

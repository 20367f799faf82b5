/** Signed Slack requests (v0 = HMAC-SHA256(secret, "v0:<ts>:<body>")) as Slack sends them to a Bolt receiver. */
import { createHmac } from 'node:crypto';

export const SECRET = 'slack-signing-secret-for-tests';
export const TEAM = 'T0TEAM';
export const CHANNEL = 'C0TEAM';

export function signature(secret: string, ts: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

export interface Sent {
  status: number;
  body: string;
}

export async function post(
  url: string,
  body: string,
  contentType: string,
  sign: { secret?: string; ts?: number; signature?: string | null } = {},
): Promise<Sent> {
  const ts = sign.ts ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (sign.signature !== null) {
    headers['x-slack-request-timestamp'] = String(ts);
    headers['x-slack-signature'] = sign.signature ?? signature(sign.secret ?? SECRET, ts, body);
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

let trigger = 0;
/** A trigger id as the fake reads it: issued now (the fake gives views.open 3 seconds from this moment). */
export function triggerId(issuedAt = Date.now()): string {
  return `${issuedAt}.${++trigger}.abcdef`;
}
export function slashBody(user: string, command: string, text: string, responseUrl: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: TEAM,
    team_domain: 'falcons',
    channel_id: CHANNEL,
    channel_name: 'team',
    user_id: user,
    user_name: user.toLowerCase(),
    command,
    text,
    api_app_id: 'A0TWINCOACH',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
    ...extra,
  }).toString();
}

export function interactive(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function blockAction(user: string, actionId: string, responseUrl: string | undefined): string {
  return interactive({
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM },
    api_app_id: 'A0TWINCOACH',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1795300000.000100', channel_id: CHANNEL, is_ephemeral: true },
    trigger_id: triggerId(),
    team: { id: TEAM, domain: 'falcons' },
    channel: { id: CHANNEL, name: 'team' },
    ...(responseUrl ? { response_url: responseUrl } : {}),
    actions: [{ action_id: actionId, block_id: 'b1', value: actionId, type: 'button', action_ts: '1795300001.000200', text: { type: 'plain_text', text: 'Done' } }],
  });
}

/** A submitted modal: `view` as renderSlackModal built it, with the user's values filled into state. */
export function viewSubmission(user: string, view: Record<string, unknown>, values: Record<string, { type: string; value?: string; selected?: string }>): string {
  const state: Record<string, Record<string, unknown>> = {};
  for (const [name, v] of Object.entries(values))
    state[name] = { [name]: v.selected !== undefined ? { type: v.type, selected_option: { value: v.selected, text: { type: 'plain_text', text: v.selected } } } : { type: v.type, value: v.value ?? null } };
  return interactive({
    type: 'view_submission',
    team: { id: TEAM, domain: 'falcons' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM },
    api_app_id: 'A0TWINCOACH',
    token: 'deprecated-verification-token',
    trigger_id: triggerId(),
    view: { id: 'V0000001', team_id: TEAM, type: 'modal', hash: '1795300000.abc', ...view, state: { values: state } },
  });
}

export function homeOpened(user: string): string {
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: TEAM,
    api_app_id: 'A0TWINCOACH',
    type: 'event_callback',
    event_id: `Ev${++trigger}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: '1795300000.000300' },
  });
}

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

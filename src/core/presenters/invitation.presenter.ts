/**
 * Invitations as messages: the DM a person gets when a coach invites them (who invited them, to which
 * team, what joining means for their data, Join / Join and share readiness / Decline buttons), and the
 * list `/join` shows in a DM. The buttons run `/join invite:CODE …`; the code only works for its person.
 */
import type { ChatMessage } from '../chat.ts';
import { encodeAction } from './actions.ts';

export interface InvitationView {
  teamName: string;
  /** The display name of the coach who invited them. */
  invitedByName: string;
  code: string;
  expiresAt: Date;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function presentInvitation(inv: InvitationView): ChatMessage {
  return {
    title: `${inv.invitedByName} invited you to train in ${inv.teamName}`,
    summary:
      `If you join, ${inv.teamName}’s coaches see your readiness (HRV, resting HR, sleep) and sessions on their team board and can change your sessions. ` +
      `Nothing is shared until you join. The team channel shows your session only, unless you choose to share your readiness there too.`,
    tone: 'neutral',
    buttons: [
      { id: encodeAction({ command: 'join', options: { invite: inv.code } }), label: 'Join', style: 'primary' },
      { id: encodeAction({ command: 'join', options: { invite: inv.code, share: 'readiness' } }), label: 'Join, show my readiness in the channel' },
      { id: encodeAction({ command: 'join', options: { invite: inv.code, decline: 'true' } }), label: 'Decline', style: 'danger' },
    ],
    footer: `Or type /join invite:${inv.code} · the invitation expires on ${day(inv.expiresAt)}`,
  };
}

export function presentInvitationList(list: readonly InvitationView[]): ChatMessage {
  if (list.length === 0)
    return { title: 'No open invitations', summary: 'Run /join in your team’s channel to join it, or ask its coach to invite you.', tone: 'neutral' };
  return {
    title: `${list.length} open invitations`,
    summary: list.map((i) => `• *${i.teamName}* from ${i.invitedByName} — /join invite:${i.code} (until ${day(i.expiresAt)})`).join('\n'),
    tone: 'neutral',
    footer: 'Add decline:true to decline one; add share:readiness to show your readiness in that team’s channel.',
  };
}

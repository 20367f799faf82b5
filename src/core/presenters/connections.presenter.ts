/**
 * What the athlete reads about their connections: which vendor account was just attached to their profile
 * (so a forwarded /connect link that someone else opened cannot attach a stranger's account unseen, issue
 * #16), and what ending a grant at the vendor did on /disconnect and /privacy delete.
 */
import type { ChatMessage } from '../chat.ts';
import type { RevocationOutcome, VendorAccount } from '../ports.ts';
import { encodeAction } from './actions.ts';

/** "the Oura account runner@example.org (user id 8f2c)", or "an Oura account" when the vendor names none. */
export function accountPhrase(providerName: string, account: VendorAccount | undefined): string {
  const who = [account?.email ?? account?.name, account?.id ? `user id ${account.id}` : undefined].filter(Boolean);
  if (who.length === 0) return `a ${providerName} account`;
  return account?.email || account?.name ? `the ${providerName} account ${who[0]}${who[1] ? ` (${who[1]})` : ''}` : `the ${providerName} account with ${who[0]}`;
}

/** The DM after a connection is stored: the account, and a one-press undo. */
export function presentConnected(input: { provider: string; providerName: string; account?: VendorAccount }): ChatMessage {
  const who = accountPhrase(input.providerName, input.account);
  return {
    title: `${input.providerName} connected`,
    summary: `${who.charAt(0).toUpperCase()}${who.slice(1)} is now connected to your twincoach profile. Not your account, or not you? Disconnect it now: /disconnect provider:${input.provider}`,
    tone: 'neutral',
    buttons: [{ id: encodeAction({ command: 'disconnect', options: { provider: input.provider } }), label: `Disconnect ${input.providerName}`, style: 'danger' }],
  };
}

/** One sentence about a revocation at the vendor, or undefined when there was nothing to revoke. */
export function revocationLine(providerName: string, outcome: RevocationOutcome | undefined): string | undefined {
  if (!outcome) return undefined;
  if (outcome.status === 'revoked') return `${providerName} confirmed that twincoach’s access has ended.`;
  if (outcome.status === 'not_offered') return outcome.how;
  return `I could not reach ${providerName} to end twincoach’s access there (${outcome.code}): please remove twincoach in your ${providerName} account settings.`;
}

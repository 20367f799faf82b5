/**
 * Delivery keys and the idempotency tokens derived from them.
 *
 * A delivery key names one message to one place, exactly once: `${prescriptionId}:${channel}`, e.g.
 * "rx_2026-11-22_alex:discord-dm". Discord gets a nonce derived from it (≤ 25 characters, sent with
 * enforce_nonce so Discord returns the earlier message for a repeat); Slack gets it in the message
 * metadata, where conversations.history can find it again.
 */
import { createHash } from 'node:crypto';

export function deliveryKey(prescriptionId: string, channel: string): string {
  return `${prescriptionId}:${channel}`;
}

/** 25 hex characters (100 bits) of SHA-256 of the key: Discord's nonce limit is 25. */
export function discordNonce(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 25);
}

export const SLACK_DELIVERY_EVENT = 'twincoach_delivery';

export function slackDeliveryMetadata(key: string): { event_type: string; event_payload: { key: string } } {
  return { event_type: SLACK_DELIVERY_EVENT, event_payload: { key } };
}

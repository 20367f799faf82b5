/**
 * Delivery errors as the outbox needs to see them: transient (retry with backoff) or permanent (record
 * and stop), and whether the request may have reached the platform (then the outbox asks the platform
 * before trying again, so a timeout never becomes a duplicate).
 */
import { AppError } from '../errors.ts';

export type DeliveryErrorCode =
  | 'CHAT.DM_CLOSED'
  | 'CHAT.CHANNEL_NOT_FOUND'
  | 'CHAT.NO_ACCESS'
  | 'CHAT.AUTH_FAILED'
  | 'CHAT.PAYLOAD_REJECTED'
  | 'CHAT.RATE_LIMITED'
  | 'CHAT.PLATFORM_UNAVAILABLE'
  | 'CHAT.NETWORK';

const USER_MESSAGES: Record<DeliveryErrorCode, string> = {
  'CHAT.DM_CLOSED': 'I could not send you a direct message: your privacy settings block messages from me.',
  'CHAT.CHANNEL_NOT_FOUND': 'The chat channel configured for twincoach does not exist or I was removed from it.',
  'CHAT.NO_ACCESS': 'twincoach has no permission to post in that channel.',
  'CHAT.AUTH_FAILED': 'The chat platform rejected twincoach’s credentials.',
  'CHAT.PAYLOAD_REJECTED': 'The chat platform rejected the message.',
  'CHAT.RATE_LIMITED': 'The chat platform asked us to slow down; the message will be retried.',
  'CHAT.PLATFORM_UNAVAILABLE': 'The chat platform is unavailable; the message will be retried.',
  'CHAT.NETWORK': 'The chat platform could not be reached; the message will be retried.',
};

export class DeliveryError extends AppError {
  readonly permanent: boolean;
  /** The request may have been processed (timeout, connection reset, 5xx). */
  readonly ambiguous: boolean;

  constructor(
    code: DeliveryErrorCode,
    options: { permanent: boolean; ambiguous?: boolean; cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(code, USER_MESSAGES[code], {
      ...(options.cause !== undefined ? { cause: options.cause } : {}),
      ...(options.details ? { details: options.details } : {}),
    });
    this.name = 'DeliveryError';
    this.permanent = options.permanent;
    this.ambiguous = options.ambiguous ?? false;
  }
}

export function isDeliveryError(err: unknown): err is DeliveryError {
  return err instanceof DeliveryError;
}

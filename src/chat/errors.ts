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

/** The chat adapters' other codes: what they refuse to render or route (the message says it to the person). */
export const CHAT_ERROR_CODES = {
  'CHAT.CUSTOM_ID_INVALID': 'A button id empty, longer than the platform allows, or used twice in one message.',
  'CHAT.TOO_MANY_BUTTONS': 'More buttons than a Discord message holds (5 rows × 5).',
  'CHAT.NONCE_INVALID': 'A Discord nonce that is not 1–25 characters.',
  'CHAT.FORM_TOO_LARGE': 'A form with no inputs or more than the platform shows in a modal.',
  'CHAT.FORM_INVALID': 'A choice input without choices (or with more than a select holds).',
  'CHAT.FORM_ID_TOO_LONG': 'A form whose command and context do not fit the platform’s modal id.',
  'CHAT.NOT_A_FORM': 'A submitted modal whose id is not one of our forms.',
  'CHAT.NO_SENDER': 'A delivery to a platform with no sender configured.',
} as const;

/** Every code of the chat layer: delivery outcomes and the adapters' refusals. */
export type ChatErrorCode = DeliveryErrorCode | keyof typeof CHAT_ERROR_CODES;

declare module '../errors.ts' {
  interface AppErrorCodes extends Record<ChatErrorCode, true> {}
}

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

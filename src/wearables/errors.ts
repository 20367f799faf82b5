/**
 * Typed errors for the wearable adapters. Every failure that leaves src/wearables is a ProviderError with a
 * stable `code` (callers switch on it, logs and metrics group by it) and a short user-facing message.
 */
import type { ProviderId } from '../core/metrics.ts';
import { AppError } from '../errors.ts';

export const PROVIDER_ERROR_CODES = [
  /** The body was not JSON, or did not match the vendor's documented shape. Nothing partial is returned. */
  'PROVIDER.MALFORMED_RESPONSE',
  /** 401 from a data call: the access token is invalid or expired. The token manager refreshes once. */
  'PROVIDER.UNAUTHORIZED',
  /** 403: the user has not granted a scope / accepted a consent (Polar), or the app lacks access. */
  'PROVIDER.FORBIDDEN',
  /**
   * Oura's 403: the athlete's Oura membership has lapsed, so Oura serves no data through its API. Reconnecting
   * does not help; renewing does, and the nightly sync picks the data up again by itself.
   */
  'PROVIDER.MEMBERSHIP_EXPIRED',
  /** 429 that we could not wait out within the configured bound (retryAfterMs says how long the vendor asked). */
  'PROVIDER.RATE_LIMITED',
  /** 5xx or a network error after all retry attempts. */
  'PROVIDER.UNAVAILABLE',
  /** The request did not complete within the per-request timeout, after all retry attempts. */
  'PROVIDER.TIMEOUT',
  /** Any other 4xx (a bug on our side or a changed API). Not retried. */
  'PROVIDER.BAD_REQUEST',
  /** The token endpoint rejected the refresh token or the authorization code (OAuth `invalid_grant`). */
  'PROVIDER.INVALID_GRANT',
  /** The provider issues no refresh tokens (Polar, intervals.icu): an expired/revoked token needs a reconnect. */
  'PROVIDER.REFRESH_UNSUPPORTED',
  /** The connection is marked needs-reauth: the athlete has to connect the provider again. */
  'PROVIDER.NEEDS_REAUTH',
  /** No connection stored for this athlete and provider. */
  'PROVIDER.NOT_CONNECTED',
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

declare module '../errors.ts' {
  interface AppErrorCodes extends Record<ProviderErrorCode, true> {}
}

const USER_MESSAGES: Record<ProviderErrorCode, string> = {
  'PROVIDER.MALFORMED_RESPONSE': 'The wearable service sent data we could not read. We will try again later.',
  'PROVIDER.UNAUTHORIZED': 'The wearable service did not accept our access.',
  'PROVIDER.FORBIDDEN': 'The wearable service refused access. Check the permissions you granted.',
  'PROVIDER.MEMBERSHIP_EXPIRED':
    'Oura stopped sharing your data: this usually means your Oura membership has expired. Reconnecting won’t help — once the membership is active again, syncing resumes by itself.',
  'PROVIDER.RATE_LIMITED': 'The wearable service asked us to slow down. We will try again later.',
  'PROVIDER.UNAVAILABLE': 'The wearable service is unavailable right now. We will try again later.',
  'PROVIDER.TIMEOUT': 'The wearable service did not answer in time. We will try again later.',
  'PROVIDER.BAD_REQUEST': 'The wearable service rejected our request.',
  'PROVIDER.INVALID_GRANT': 'Your connection to the wearable service has expired or was revoked.',
  'PROVIDER.REFRESH_UNSUPPORTED': 'Your connection to the wearable service has expired.',
  'PROVIDER.NEEDS_REAUTH': 'Please connect your wearable again.',
  'PROVIDER.NOT_CONNECTED': 'This wearable is not connected yet.',
};

export interface ProviderErrorDetails {
  status?: number;
  /** How long the vendor asked us to wait (429), in ms. */
  retryAfterMs?: number;
  /** Method and path (no query string, no tokens) of the failing request. */
  request?: string;
  cause?: unknown;
}

/** An AppError (src/errors.ts), so the command/job error boundaries show `userMessage` and log the rest. */
export class ProviderError extends AppError {
  override readonly name = 'ProviderError';
  override readonly code: ProviderErrorCode;
  readonly provider: ProviderId;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly request?: string;

  constructor(code: ProviderErrorCode, provider: ProviderId, message: string, details: ProviderErrorDetails = {}) {
    super(code, USER_MESSAGES[code], {
      ...(details.cause === undefined ? {} : { cause: details.cause }),
      details: { provider, ...(details.status === undefined ? {} : { status: details.status }), ...(details.request ? { request: details.request } : {}) },
    });
    this.code = code;
    this.provider = provider;
    // The technical message (for logs); userMessage stays the short, safe one.
    this.message = `[${code}] ${provider}: ${message}`;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.request !== undefined) this.request = details.request;
  }
}

export function isProviderError(e: unknown, code?: ProviderErrorCode): e is ProviderError {
  return e instanceof ProviderError && (code === undefined || e.code === code);
}

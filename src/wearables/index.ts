/** Public surface of the wearable adapters (src/wearables/files is the file importers' own module). */
export { ProviderError, isProviderError, PROVIDER_ERROR_CODES, type ProviderErrorCode } from './errors.ts';
export { HttpClient, parseRetryAfter, xRateLimitPolicy, polarRateLimitPolicy, type HttpOptions, type Sleep } from './http.ts';
export { ProviderClient } from './provider.ts';
export { OuraSubscriptions, OURA_WEBHOOK_DATA_TYPES, OURA_WEBHOOK_EVENTS } from './oura-webhooks.ts';
export { ensurePolarWebhook, type PolarWebhookOutcome } from './polar-webhook.ts';
export type {
  RevocationResult,
  SkippedDocument,
  WearableProvider,
  ProviderClientOptions,
  ProviderConnection,
  TokenSet,
  FetchRange,
  AuthorizationParams,
  ExchangeContext,
} from './provider.ts';
export { OuraProvider, OURA_DEFAULTS, type OuraOptions } from './oura.ts';
export { WhoopProvider, WHOOP_DEFAULTS, type WhoopOptions } from './whoop.ts';
export { IntervalsProvider, INTERVALS_DEFAULTS, type IntervalsOptions } from './intervals.ts';
export { PolarProvider, POLAR_DEFAULTS, type PolarOptions } from './polar.ts';
export { whoopStrainToTss, durationEstimateTss, srpeToTss, DEFAULT_STRAIN_CALIBRATION, type StrainCalibration } from './load.ts';
export {
  InMemoryConnectionStore,
  type ConnectionStore,
  type Connection,
  type ConnectionStatus,
  type CasResult,
} from './connection-store.ts';
export { TokenManager, type TokenManagerOptions, type RefreshCapable } from './tokens.ts';
export {
  beginAuthorization,
  createOAuthState,
  verifyOAuthState,
  createPkcePair,
  createPkceVerifier,
  pkceChallenge,
  pkceVerifierForNonce,
  InMemoryNonceStore,
  OAuthStateError,
  type NonceStore,
  type OAuthStatePayload,
  type OAuthStateErrorCode,
} from './oauth.ts';
export {
  verifyWhoopWebhook,
  verifyOuraWebhook,
  verifyPolarWebhook,
  signWhoopWebhook,
  signOuraWebhook,
  signPolarWebhook,
  ouraChallengeResponse,
  WEBHOOK_HEADERS,
  type WebhookVerification,
  type WebhookRejection,
} from './webhooks.ts';
export { mergeSourceDays, DEFAULT_PRECEDENCE, type MergedDay, type MergeOptions, type Precedence } from './merge.ts';

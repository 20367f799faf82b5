/**
 * ProviderConnection: an athlete's link to a wearable provider. _id "<provider>:<athleteId>" (one per
 * athlete and provider). accessToken / refreshToken hold AES-256-GCM ciphertext (src/core/crypto.ts),
 * never plaintext; the repository encrypts on the way in and decrypts on the way out.
 */
import type { Connection, Model } from 'mongoose';
import { PROVIDERS, type ProviderId } from '../core/metrics.ts';
import { modelOf, schema } from './schema-helpers.ts';

export interface ProviderConnectionDoc {
  _id: string;
  athleteId: string;
  provider: ProviderId;
  externalUserId?: string;
  accessToken?: string;
  refreshToken?: string;
  tokenKind?: 'bearer' | 'api_key';
  scope?: string;
  expiresAt?: Date;
  scopes: string[];
  status: 'active' | 'needs_reauth' | 'revoked';
  needsReauthReason?: string;
  needsReauthNotifiedAt?: Date;
  syncCursor?: string;
  lastSyncAt?: Date;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const CIPHERTEXT = /^v1\.[0-9a-f]{8}\./;

export const providerConnectionSchema = schema<ProviderConnectionDoc>(
  {
    athleteId: { type: String, required: true },
    provider: { type: String, required: true, enum: PROVIDERS },
    externalUserId: String,
    accessToken: { type: String, match: [CIPHERTEXT, 'tokens are stored encrypted only'] },
    refreshToken: { type: String, match: [CIPHERTEXT, 'tokens are stored encrypted only'] },
    tokenKind: { type: String, enum: ['bearer', 'api_key'] },
    scope: String,
    expiresAt: Date,
    scopes: { type: [String], default: [] },
    status: { type: String, required: true, enum: ['active', 'needs_reauth', 'revoked'] },
    needsReauthReason: { type: String, maxlength: 500 },
    needsReauthNotifiedAt: Date,
    syncCursor: String,
    lastSyncAt: Date,
    version: { type: Number, required: true, min: 1 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  'provider_connections',
);
providerConnectionSchema.index({ athleteId: 1, provider: 1 }, { unique: true });
providerConnectionSchema.index({ provider: 1, externalUserId: 1 }); // webhooks name the vendor's user
providerConnectionSchema.index({ status: 1, provider: 1 }); // nightly ingest: active connections

export const connectionId = (provider: string, athleteId: string) => `${provider}:${athleteId}`;

export const registerProviderConnectionModel = (conn: Connection): Model<ProviderConnectionDoc> =>
  modelOf(conn, 'ProviderConnection', providerConnectionSchema);

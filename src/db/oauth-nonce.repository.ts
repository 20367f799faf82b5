/**
 * NonceStore (src/wearables/oauth.ts) on MongoDB / FerretDB: an OAuth state's nonce is consumed by inserting
 * it as an `_id`. The primary-key insert is the one operation atomic on both servers (README), so of any
 * number of concurrent callbacks carrying the same state exactly one gets `true`.
 *
 * Documents hold the random nonce and its expiry only — nothing about the person. Expired nonces are deleted
 * opportunistically (a state is refused on its expiry before the nonce is looked at, so an expired row is
 * dead weight, never a security need). Collection `oauth_nonces`; the model registers itself (and its
 * personal-data policy) when the store is constructed.
 */
import type { Connection, Model } from 'mongoose';
import { registerPersonalDataPolicy } from './personal-data.ts';
import { insertOne, modelOf, schema } from './schema-helpers.ts';

export interface OAuthNonceDoc {
  _id: string;
  expiresAt: Date;
  usedAt: Date;
}

const oauthNonceSchema = schema<OAuthNonceDoc>(
  {
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, required: true },
  },
  'oauth_nonces',
);
oauthNonceSchema.index({ expiresAt: 1 });

registerPersonalDataPolicy('OAuthNonce', { none: 'random one-time nonces of OAuth connect links and their expiry; nothing about a person' });

export function registerOAuthNonceModel(conn: Connection): Model<OAuthNonceDoc> {
  return modelOf(conn, 'OAuthNonce', oauthNonceSchema);
}

export class MongoNonceStore {
  private readonly model: Model<OAuthNonceDoc>;
  private lastSweep = 0;

  constructor(
    conn: Connection,
    private readonly now: () => number = Date.now,
    /** Delete expired nonces at most this often. */
    private readonly sweepEveryMs = 10 * 60_000,
  ) {
    this.model = registerOAuthNonceModel(conn);
  }

  /** True the first time a nonce is presented, false for every later (or concurrent losing) attempt. */
  async consume(nonce: string, expiresAt: number): Promise<boolean> {
    const t = this.now();
    if (t - this.lastSweep >= this.sweepEveryMs) {
      this.lastSweep = t;
      // Keep a day of margin so clock skew between instances never re-opens a nonce that is still valid somewhere.
      await this.model.deleteMany({ expiresAt: { $lt: new Date(t - 86_400_000) } }).exec();
    }
    return (await insertOne(this.model, { _id: nonce, expiresAt: new Date(expiresAt), usedAt: new Date(t) })) === 'inserted';
  }
}

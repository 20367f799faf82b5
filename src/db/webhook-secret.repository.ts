/**
 * Webhook signing secrets that a vendor hands out once, at creation (Polar's signature_secret_key is in the
 * POST /v3/webhooks answer and nowhere else), kept in the database so every instance and every restart
 * verifies with it. One document per provider, `_id` = the provider; the secret is AES-256-GCM ciphertext
 * under the token key (src/core/crypto.ts, associated data "webhook:<provider>"), re-encrypted under the
 * current key when read under a previous one, like provider tokens. Nothing about a person. Collection
 * `webhook_secrets`; the model registers itself (and its personal-data policy) when the store is built.
 */
import type { Connection, Model } from 'mongoose';
import type { TokenCipher } from '../core/crypto.ts';
import { registerPersonalDataPolicy } from './personal-data.ts';
import { modelOf, schema } from './schema-helpers.ts';

export interface WebhookSecretDoc {
  _id: string;
  webhookId: string;
  secret: string;
  createdAt: Date;
}

const CIPHERTEXT = /^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]*$/;

const webhookSecretSchema = schema<WebhookSecretDoc>(
  {
    webhookId: { type: String, required: true },
    secret: { type: String, required: true, match: [CIPHERTEXT, 'webhook secrets are stored encrypted only'] },
    createdAt: { type: Date, required: true },
  },
  'webhook_secrets',
);

registerPersonalDataPolicy('WebhookSecret', { none: 'the app’s webhook signing secrets per vendor (encrypted); nothing about a person' });

export function registerWebhookSecretModel(conn: Connection): Model<WebhookSecretDoc> {
  return modelOf(conn, 'WebhookSecret', webhookSecretSchema);
}

export interface WebhookSecret {
  webhookId: string;
  secret: string;
}

export class MongoWebhookSecretStore {
  private readonly model: Model<WebhookSecretDoc>;
  constructor(
    conn: Connection,
    private readonly cipher: TokenCipher,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.model = registerWebhookSecretModel(conn);
  }

  async get(provider: string): Promise<WebhookSecret | null> {
    const d = await this.model.findById(provider).lean<WebhookSecretDoc>().exec();
    if (!d) return null;
    const secret = this.cipher.decrypt(d.secret, `webhook:${provider}`);
    if (this.cipher.needsRotation(d.secret)) await this.put(provider, { webhookId: d.webhookId, secret });
    return { webhookId: d.webhookId, secret };
  }

  async put(provider: string, value: WebhookSecret): Promise<void> {
    const doc = { _id: provider, webhookId: value.webhookId, secret: this.cipher.encrypt(value.secret, `webhook:${provider}`), createdAt: this.now() };
    await this.model.replaceOne({ _id: provider }, doc, { upsert: true, runValidators: true }).exec();
  }

  async delete(provider: string): Promise<void> {
    await this.model.deleteOne({ _id: provider }).exec();
  }
}

/**
 * Oura webhook subscriptions (Oura API v2 OpenAPI document, "Webhook Subscription Routes"): they expire
 * (`expiration_time`), so something must create them and renew them or Oura stops calling. Authenticated by
 * the app's `x-client-id` / `x-client-secret` headers, not a user token. One subscription per
 * (event_type, data_type): we want `create` and `update` of each collection the nightly fetch reads
 * (sleep, daily_sleep, daily_readiness, workout) — 8 subscriptions on our callback url.
 *
 *   ensure()      GET /v2/webhook/subscription, then POST one {callback_url, verification_token, event_type,
 *                 data_type} per missing pair (Oura first calls the callback with ?verification_token=&challenge=
 *                 and creates nothing unless it echoes {challenge}: src/http/webhooks.routes.ts). Idempotent:
 *                 a pair that exists is never posted again; a 409 counts as existing.
 *   due(before)   ours that expire before `before`
 *   renew({id})   PUT /v2/webhook/subscription/renew/{id}
 *
 * This is the jobs/ WebhookRenewal port; the hourly renewals job calls ensure(), then renews what is due.
 */
import { z } from 'zod';
import { HttpClient, type HttpOptions } from './http.ts';
import { OURA_DEFAULTS } from './oura.ts';

const subscriptionSchema = z.object({ id: z.string(), callback_url: z.string(), event_type: z.string(), data_type: z.string(), expiration_time: z.string() });

export const OURA_WEBHOOK_EVENTS = ['create', 'update'] as const;
export const OURA_WEBHOOK_DATA_TYPES = ['sleep', 'daily_sleep', 'daily_readiness', 'workout'] as const;

export interface OuraSubscriptionsOptions extends Partial<Omit<HttpOptions, 'baseUrl'>> {
  clientId: string;
  clientSecret: string;
  /** <PUBLIC_BASE_URL>/webhooks/oura */
  callbackUrl: string;
  /** OURA_WEBHOOK_VERIFICATION_TOKEN: the route echoes Oura's challenge only for it. */
  verificationToken: string;
  baseUrl?: string;
}

export class OuraSubscriptions {
  private readonly http: HttpClient;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: OuraSubscriptionsOptions) {
    const { clientId: _i, clientSecret: _s, callbackUrl: _c, verificationToken: _v, baseUrl, ...transport } = options;
    this.http = new HttpClient('oura', { ...transport, baseUrl: baseUrl ?? OURA_DEFAULTS.baseUrl });
    this.headers = { 'x-client-id': options.clientId, 'x-client-secret': options.clientSecret };
  }

  /** Our subscriptions (those on our callback url). */
  async list(): Promise<z.output<typeof subscriptionSchema>[]> {
    const { data } = await this.http.request({ path: '/v2/webhook/subscription', headers: this.headers, schema: z.array(subscriptionSchema) });
    return data.filter((s) => s.callback_url === this.options.callbackUrl);
  }

  /** Create every missing (event_type, data_type) subscription; returns how many were created. */
  async ensure(): Promise<{ created: number; existing: number }> {
    const have = new Set((await this.list()).map((s) => `${s.event_type}:${s.data_type}`));
    let created = 0;
    for (const event_type of OURA_WEBHOOK_EVENTS) {
      for (const data_type of OURA_WEBHOOK_DATA_TYPES) {
        if (have.has(`${event_type}:${data_type}`)) continue;
        const { status } = await this.http.request({
          method: 'POST',
          path: '/v2/webhook/subscription',
          headers: this.headers,
          json: { callback_url: this.options.callbackUrl, verification_token: this.options.verificationToken, event_type, data_type },
          schema: z.unknown(),
          acceptStatus: [409],
        });
        if (status !== 409) created++;
      }
    }
    return { created, existing: have.size };
  }

  async due(before: Date): Promise<{ provider: string; id: string; expiresAt: Date }[]> {
    return (await this.list())
      .map((s) => ({ provider: 'oura', id: s.id, expiresAt: new Date(s.expiration_time) }))
      .filter((s) => !(s.expiresAt.getTime() >= before.getTime()));
  }

  async renew(subscription: { id: string }): Promise<void> {
    await this.http.request({ method: 'PUT', path: `/v2/webhook/subscription/renew/${encodeURIComponent(subscription.id)}`, headers: this.headers, schema: subscriptionSchema, retry: true });
  }
}

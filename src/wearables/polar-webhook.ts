/**
 * Creating the app's Polar webhook, once, idempotently (Polar AccessLink OpenAPI document, createWebhook):
 * POST /v3/webhooks {events, url} with the client credentials. While that call is open Polar POSTs a PING to
 * the url and creates nothing unless it gets 200 — so our route must be up first and must answer the PING
 * before any signature check (src/http/webhooks.routes.ts) — and the answer carries signature_secret_key,
 * the only time Polar shows it. It is stored encrypted (src/db/webhook-secret.repository.ts).
 *
 *   stored secret and Polar's webhook has its id  → 'exists' (nothing sent)
 *   Polar has a webhook we hold no secret for       → delete it and create a new one (its key is lost for good)
 *   none                                            → create
 *
 * Run at start-up once the HTTP server listens (src/app.ts), when Polar and PUBLIC_BASE_URL are configured
 * and POLAR_WEBHOOK_SECRET is not (that variable still pins a secret created by hand).
 */
import type { PolarProvider } from './polar.ts';

export interface WebhookSecretStore {
  get(provider: string): Promise<{ webhookId: string; secret: string } | null>;
  put(provider: string, value: { webhookId: string; secret: string }): Promise<void>;
}

export type PolarWebhookOutcome = { status: 'exists'; webhookId: string } | { status: 'created'; webhookId: string; replaced?: string };

export async function ensurePolarWebhook(deps: { client: Pick<PolarProvider, 'getWebhook' | 'createWebhook' | 'deleteWebhook'>; store: WebhookSecretStore; url: string }): Promise<PolarWebhookOutcome> {
  const stored = await deps.store.get('polar');
  const remote = await deps.client.getWebhook();
  if (stored && remote?.id === stored.webhookId && remote.url === deps.url) return { status: 'exists', webhookId: remote.id };
  if (remote) await deps.client.deleteWebhook(remote.id);
  const created = await deps.client.createWebhook(deps.url);
  if (!created) throw new Error('Polar still reports a webhook after it was deleted; try again later');
  await deps.store.put('polar', { webhookId: created.id, secret: created.signatureSecretKey });
  return remote ? { status: 'created', webhookId: created.id, replaced: remote.id } : { status: 'created', webhookId: created.id };
}

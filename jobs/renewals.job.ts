/**
 * Renewals, hourly: provider OAuth tokens that expire within `tokenWindowMs` are refreshed ahead of time
 * (the wearables token manager: single-flight, compare-and-set across processes, needs-reauth once), and
 * provider webhook subscriptions that expire within `webhookWindowMs` are renewed.
 *
 * Webhook subscriptions: `ensure` first creates the ones that should exist and do not (Oura: one per event
 * and data type, src/wearables/oura-webhooks.ts; idempotent), then what expires within the window is renewed.
 * Without a `renew` function the job only lists what is due (logged, counted). The whole pass is claimed per hour (`renewals:<yyyy-mm-ddThh>`), so two
 * instances do not both walk every connection; the token manager's CAS protects the tokens either way.
 */
import type { Job, JobSummary } from './job.ts';
import type { Claims, TokenRenewal, WebhookRenewal } from './ports.ts';

export const RENEWALS_JOB = 'renewals';

export interface RenewalsDeps {
  tokens?: TokenRenewal;
  webhooks?: WebhookRenewal;
  claims: Claims;
  owner: string;
  options?: { schedule?: string; tokenWindowMs?: number; webhookWindowMs?: number };
}

export function renewalsJob(deps: RenewalsDeps): Job {
  const tokenWindow = deps.options?.tokenWindowMs ?? 2 * 3_600_000;
  const webhookWindow = deps.options?.webhookWindowMs ?? 48 * 3_600_000;
  return {
    name: RENEWALS_JOB,
    schedule: deps.options?.schedule ?? '7 * * * *',
    due: () => deps.tokens !== undefined || deps.webhooks !== undefined,
    async run(ctx) {
      const { now } = ctx;
      const key = `renewals:${now.toISOString().slice(0, 13)}`;
      const claim = await deps.claims.acquire(key, deps.owner, 30 * 60_000);
      if (!claim.acquired) return {};
      const summary: JobSummary = {};
      try {
        if (deps.tokens) {
          const r = await deps.tokens.renewExpiring(new Date(now.getTime() + tokenWindow), now);
          if (r.checked > 0) Object.assign(summary, { tokensChecked: r.checked, tokensRenewed: r.renewed, tokensFailed: r.failed, needsReauth: r.needsReauth });
        }
        if (deps.webhooks) {
          if (deps.webhooks.ensure) {
            const { created } = await deps.webhooks.ensure();
            if (created > 0) summary.webhooksCreated = created;
          }
          const due = await deps.webhooks.due(new Date(now.getTime() + webhookWindow));
          if (due.length > 0) {
            if (deps.webhooks.renew) {
              let renewed = 0;
              for (const sub of due) {
                try {
                  await deps.webhooks.renew(sub);
                  renewed += 1;
                } catch (err) {
                  ctx.logger.warn({ err, provider: sub.provider, subscription: sub.id }, 'webhook renewal failed');
                }
              }
              Object.assign(summary, { webhooksDue: due.length, webhooksRenewed: renewed });
            } else {
              ctx.logger.warn({ due: due.map((d) => `${d.provider}:${d.id} expires ${d.expiresAt.toISOString()}`) }, 'webhook subscriptions due for renewal, but the provider layer offers no renewal yet');
              summary.webhooksDue = due.length;
            }
          }
        }
        await deps.claims.complete(key, claim.gen);
        return summary;
      } catch (err) {
        await deps.claims.release(key, claim.gen).catch(() => undefined);
        throw err;
      }
    },
  };
}

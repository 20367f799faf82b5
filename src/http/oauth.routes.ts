/**
 * GET /oauth/<provider>/callback?code=&state= — where the vendor sends the athlete back after sign-in.
 *
 * The work is the core's completeConnect (state verified and consumed first, then the code exchange, tokens
 * stored encrypted, the athlete notified, the first sync queued). This file only turns the outcome into a
 * small HTML page: "Connected Oura — you can close this tab", or an error page with 400 for a bad, expired
 * or replayed link / a refused sign-in (500 for our own faults). Neither the page nor the log ever contains
 * the code, the state, a token or a secret: logs carry provider, outcome and error code only.
 *
 * One exact route per configured provider (the server's router matches exact paths).
 */
import type { ConnectFlow } from '../core/connect-flow.use-case.ts';
import { PROVIDER_NAMES } from '../core/connect-flow.use-case.ts';
import type { ProviderId } from '../core/metrics.ts';
import { isAppError } from '../errors.ts';
import { redactText, type Logger } from '../logger.ts';
import type { HttpResponse, Route } from './server.ts';

export interface OAuthRoutesDeps {
  flow: Pick<ConnectFlow, 'completeConnect'>;
  /** Providers whose callback is served (the OAuth gateway's oauthProviders). */
  providers: readonly ProviderId[];
  logger: Logger;
}

export const oauthCallbackPath = (provider: ProviderId) => `/oauth/${provider}/callback`;


export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function htmlPage(status: number, title: string, text: string): HttpResponse {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · twincoach</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}</style>
</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>
`;
  return {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    },
    body,
  };
}

export function oauthRoutes(deps: OAuthRoutesDeps): Route[] {
  const log = deps.logger.child({ component: 'oauth' });
  return deps.providers.map((provider) => ({
    method: 'GET' as const,
    path: oauthCallbackPath(provider),
    handler: async (req): Promise<HttpResponse> => {
      const name = PROVIDER_NAMES[provider] ?? provider;
      try {
        const done = await deps.flow.completeConnect(provider, {
          code: req.query.get('code'),
          state: req.query.get('state'),
          error: req.query.get('error'),
        });
        log.info({ provider, athleteId: done.athleteId, outcome: 'connected' }, 'provider connected');
        return htmlPage(200, `Connected ${name}`, `Connected ${name} — you can close this tab. Your data will show up in the chat after the first sync.`);
      } catch (err) {
        if (isAppError(err, 'CONNECT.LINK_INVALID', 'CONNECT.AUTHORIZATION_FAILED', 'CONNECT.PROVIDER_UNAVAILABLE', 'ATHLETE.NOT_FOUND')) {
          const reason = typeof err.details?.reason === 'string' ? err.details.reason : undefined;
          log.warn({ provider, outcome: 'refused', code: err.code, ...(reason ? { reason } : {}) }, 'OAuth callback refused');
          return htmlPage(400, `Could not connect ${name}`, err.userMessage);
        }
        log.error({ provider, outcome: 'error', code: isAppError(err) ? err.code : 'INTERNAL', err: redactText(err instanceof Error ? err.message : String(err)) }, 'OAuth callback failed');
        return htmlPage(500, `Could not connect ${name}`, 'Something went wrong on our side. It has been logged; please run /connect again in a few minutes.');
      }
    },
  }));
}

/**
 * Short-lived confirmation tokens for destructive buttons (/privacy delete). Stateless: the token is
 * "<expiry, base36 seconds>.<HMAC-SHA256(secret, purpose|personId|expiry), 16 bytes base64url>", so it
 * works across processes, cannot be used by anyone else (the person id is signed in) and fits easily in
 * a Discord custom_id.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export class ConfirmTokens {
  private readonly secret: Buffer;

  /** `secret`: e.g. OAUTH_STATE_SECRET; a random one per process when absent (tokens then die with it). */
  constructor(
    secret?: string,
    private readonly ttlMs = 5 * 60_000,
  ) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  private mac(purpose: string, personId: string, expires: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}|${personId}|${expires}`).digest('base64url').slice(0, 22);
  }

  issue(purpose: string, personId: string, now: Date): { token: string; expiresAt: Date } {
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const expires = Math.ceil(expiresAt.getTime() / 1000).toString(36);
    return { token: `${expires}.${this.mac(purpose, personId, expires)}`, expiresAt };
  }

  verify(token: string, purpose: string, personId: string, now: Date): boolean {
    const [expires, sig, extra] = token.split('.');
    if (!expires || !sig || extra !== undefined || !/^[0-9a-z]{1,10}$/.test(expires)) return false;
    const want = Buffer.from(this.mac(purpose, personId, expires));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !timingSafeEqual(want, got)) return false;
    return parseInt(expires, 36) * 1000 >= now.getTime();
  }
}

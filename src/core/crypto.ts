/**
 * Encryption of provider tokens at rest: AES-256-GCM under TOKEN_ENCRYPTION_KEY (32 bytes, base64).
 *
 * Ciphertext format (one ASCII string, safe to store and log-redact):
 *
 *   v1.<keyId>.<iv>.<tag>.<ciphertext>        (iv 12 bytes, tag 16 bytes, all base64url)
 *
 * - `v1` is the format version, so the layout can change later without guessing.
 * - `keyId` is the first 8 hex digits of SHA-256(key): it names the key without revealing it. Decryption
 *   picks the key by id, so keys can rotate: configure the new key as current and keep the old ones as
 *   `previous` until `needsRotation()` finds no ciphertext under them (re-encrypt on read or in a job).
 * - Associated data binds a ciphertext to its row (e.g. "oura:<athleteId>:access"): a ciphertext copied
 *   into another row fails to decrypt instead of silently handing over another athlete's token.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { fail } from './error-codes.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyFromBase64(b64: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32 || key.toString('base64') !== b64.trim().replace(/\s/g, ''))
    throw fail('CRYPTO.KEY_INVALID', 'The token encryption key must be 32 bytes, base64-encoded (openssl rand -base64 32).');
  return key;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export interface TokenCipherKeys {
  /** base64 of the 32-byte key used for new ciphertexts. */
  current: string;
  /** Older keys still accepted for decryption during a rotation. */
  previous?: readonly string[];
}

export class TokenCipher {
  private readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(keys: TokenCipherKeys) {
    const current = keyFromBase64(keys.current);
    this.currentId = keyIdOf(current);
    this.keys.set(this.currentId, current);
    for (const old of keys.previous ?? []) {
      const k = keyFromBase64(old);
      if (!this.keys.has(keyIdOf(k))) this.keys.set(keyIdOf(k), k);
    }
  }

  get keyId(): string {
    return this.currentId;
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentId)!, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.currentId, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string, associatedData: string): string {
    const parts = ciphertext.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION)
      throw fail('CRYPTO.DECRYPT_FAILED', 'A stored token is not in a format this version understands.');
    const [, keyId, ivB64, tagB64, ctB64] = parts as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key)
      throw fail('CRYPTO.UNKNOWN_KEY', `A stored token was encrypted with key ${keyId}, which is not configured; add it as a previous key.`, { keyId });
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivB64, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      decipher.setAuthTag(Buffer.from(tagB64, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw fail('CRYPTO.DECRYPT_FAILED', 'A stored token could not be decrypted (tampered with, or moved from another record).', {
        cause: (cause as Error).message,
      });
    }
  }

  /** True when the ciphertext was made with a key other than the current one. */
  needsRotation(ciphertext: string): boolean {
    return ciphertext.split('.')[1] !== this.currentId;
  }
}

/** Does a stored string look like our ciphertext (used by tests and the export masker)? */
export function isCiphertext(s: unknown): boolean {
  return typeof s === 'string' && /^v1\.[0-9a-f]{8}\.[\w-]+\.[\w-]+\.[\w-]*$/.test(s);
}

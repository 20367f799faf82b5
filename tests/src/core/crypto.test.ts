import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenCipher, isCiphertext, keyIdOf } from '../../../src/core/crypto.ts';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

describe('TokenCipher (AES-256-GCM)', () => {
  it('when any text is encrypted then it decrypts back under the same associated data', () => {
    const c = new TokenCipher({ current: k1 });
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 40 }), (plain, aad) => {
        expect(c.decrypt(c.encrypt(plain, aad), aad)).toBe(plain);
      }),
    );
  });

  it('when a ciphertext is produced then it is versioned, names the key and never contains the plaintext', () => {
    const c = new TokenCipher({ current: k1 });
    const ct = c.encrypt('super-secret-token', 'oura:a1:access');
    expect(isCiphertext(ct)).toBe(true);
    expect(ct.startsWith(`v1.${keyIdOf(Buffer.from(k1, 'base64'))}.`)).toBe(true);
    expect(ct).not.toContain('super-secret-token');
  });

  it('when the same text is encrypted twice then the ciphertexts differ (fresh IV)', () => {
    const c = new TokenCipher({ current: k1 });
    expect(c.encrypt('same', 'x')).not.toBe(c.encrypt('same', 'x'));
  });

  it('when the associated data differs then decryption fails with CRYPTO.DECRYPT_FAILED', () => {
    const c = new TokenCipher({ current: k1 });
    expect(() => c.decrypt(c.encrypt('t', 'oura:a1:access'), 'oura:a2:access')).toThrow(expect.objectContaining({ code: 'CRYPTO.DECRYPT_FAILED' }));
  });

  it('when any byte of the ciphertext or tag is flipped then decryption fails', () => {
    const c = new TokenCipher({ current: k1 });
    const ct = c.encrypt('token-value', 'aad');
    const parts = ct.split('.');
    for (const part of [3, 4]) {
      const bytes = Buffer.from(parts[part]!, 'base64url');
      for (let i = 0; i < bytes.length; i++) {
        const tampered = Buffer.from(bytes);
        tampered[i] = tampered[i]! ^ 0x01;
        const copy = [...parts];
        copy[part] = tampered.toString('base64url');
        expect(() => c.decrypt(copy.join('.'), 'aad')).toThrow(expect.objectContaining({ code: 'CRYPTO.DECRYPT_FAILED' }));
      }
    }
  });

  it('when the key rotates then old ciphertexts decrypt with the previous key and report needing rotation', () => {
    const old = new TokenCipher({ current: k1 });
    const ct = old.encrypt('t', 'aad');
    const rotated = new TokenCipher({ current: k2, previous: [k1] });
    expect(rotated.decrypt(ct, 'aad')).toBe('t');
    expect(rotated.needsRotation(ct)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('t', 'aad'))).toBe(false);
    expect(() => new TokenCipher({ current: k2 }).decrypt(ct, 'aad')).toThrow(expect.objectContaining({ code: 'CRYPTO.UNKNOWN_KEY' }));
  });

  it.each(['', 'c2hvcnQ=', randomBytes(31).toString('base64'), 'not base64 at all!!'])('when the key is %j then construction fails with CRYPTO.KEY_INVALID', (key) => {
    expect(() => new TokenCipher({ current: key })).toThrow(expect.objectContaining({ code: 'CRYPTO.KEY_INVALID' }));
  });
});

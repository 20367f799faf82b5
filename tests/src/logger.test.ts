import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactText } from '../../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger({ destination: stream, level: 'debug' }) };
}

describe('logger', () => {
  it('when an object with tokens is logged then the token values are redacted', () => {
    const { lines, logger } = capture();
    logger.child({ component: 'oura' }).info({ connection: { accessToken: 'AT-123', refreshToken: 'RT-456' }, token: 'T-789' }, 'refreshed');
    const out = lines.join('');
    expect(out).not.toMatch(/AT-123|RT-456|T-789/);
    expect(out).toContain('"component":"oura"');
    expect(out).toContain('[redacted]');
  });

  it('when a message string contains a bearer token or slack token then it is masked', () => {
    const { lines, logger } = capture();
    logger.warn('request failed with Authorization: Bearer abc.def.ghi using xoxb-111-222-secret');
    expect(lines.join('')).not.toMatch(/abc\.def\.ghi|xoxb-111-222-secret/);
  });

  it('when a mongodb uri has a password then redactText hides it', () => {
    expect(redactText('mongodb://user:hunter2@db:27017/x')).toBe('mongodb://user:[redacted]@db:27017/x');
  });
});

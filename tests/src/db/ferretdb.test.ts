import { describe, expect, it } from 'vitest';
import { parseGoVersion } from '../../../src/db/ferretdb.ts';
import { safeUri } from '../../../src/db/connection.ts';

describe('embedded database helpers', () => {
  it('when go prints its version then major and minor are parsed', () => {
    expect(parseGoVersion('go version go1.26.8 linux/amd64')).toEqual([1, 26]);
    expect(parseGoVersion('go version go1.24rc1 darwin/arm64')).toEqual([1, 24]);
    expect(parseGoVersion('command not found')).toBeUndefined();
  });
  it('when a uri carries credentials then safeUri hides them', () => {
    expect(safeUri('mongodb://u:p@h:1/db')).toBe('mongodb://[credentials]@h:1/db');
    expect(safeUri('mongodb://127.0.0.1:5/')).toBe('mongodb://127.0.0.1:5/');
  });
});

/** Error codes: one table per layer, no code in two tables, and a typed guard to compare them. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { COMMAND_ERROR_CODES } from '../../commands/errors.ts';
import { CHART_ERROR_CODES } from '../../src/charts/errors.ts';
import { CHAT_ERROR_CODES, DeliveryError } from '../../src/chat/errors.ts';
import { ERROR_CODES, fail } from '../../src/core/error-codes.ts';
import { DB_ERROR_CODES } from '../../src/db/errors.ts';
import { AppError, isAppError, type AppErrorCode } from '../../src/errors.ts';
import { PROVIDER_ERROR_CODES } from '../../src/wearables/errors.ts';

const DELIVERY = ['CHAT.DM_CLOSED', 'CHAT.CHANNEL_NOT_FOUND', 'CHAT.NO_ACCESS', 'CHAT.AUTH_FAILED', 'CHAT.PAYLOAD_REJECTED', 'CHAT.RATE_LIMITED', 'CHAT.PLATFORM_UNAVAILABLE', 'CHAT.NETWORK'];

describe('error codes', () => {
  it('when the layers’ tables are put together then no code is defined twice (AUTH.NOT_COACH and AUTH.NOT_ADMIN once, in the core)', () => {
    const tables: Record<string, readonly string[]> = {
      core: Object.keys(ERROR_CODES),
      commands: Object.keys(COMMAND_ERROR_CODES),
      chat: [...Object.keys(CHAT_ERROR_CODES), ...DELIVERY],
      wearables: PROVIDER_ERROR_CODES,
      db: Object.keys(DB_ERROR_CODES),
      charts: Object.keys(CHART_ERROR_CODES),
      config: ['CONFIG.INVALID'],
    };
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [layer, codes] of Object.entries(tables))
      for (const code of codes) {
        if (seen.has(code)) twice.push(`${code} in ${seen.get(code)} and ${layer}`);
        seen.set(code, layer);
      }
    expect(twice).toEqual([]);
    expect(seen.get('AUTH.NOT_COACH')).toBe('core');
    expect(seen.get('AUTH.COACHES_ONLY')).toBe('commands');
  });

  it('when isAppError is given codes then it is true only for an AppError carrying one of them, and narrows err.code', () => {
    const err: unknown = fail('TEAM.NOT_FOUND', 'No such team.');
    expect(isAppError(err)).toBe(true);
    expect(isAppError(err, 'TEAM.NOT_FOUND')).toBe(true);
    expect(isAppError(err, 'AUTH.UNKNOWN_USER', 'TEAM.NOT_FOUND')).toBe(true);
    expect(isAppError(err, 'AUTH.UNKNOWN_USER')).toBe(false);
    expect(isAppError(new Error('TEAM.NOT_FOUND'), 'TEAM.NOT_FOUND')).toBe(false);
    expect(isAppError(new DeliveryError('CHAT.DM_CLOSED', { permanent: true }), 'CHAT.DM_CLOSED')).toBe(true);
    if (isAppError(err, 'AUTH.UNKNOWN_USER', 'TEAM.NOT_FOUND')) expectTypeOf(err.code).toEqualTypeOf<'AUTH.UNKNOWN_USER' | 'TEAM.NOT_FOUND'>();
    if (isAppError(err)) expectTypeOf(err).toEqualTypeOf<AppError>();
  });

  it('when a code is in no table then the guard does not compile', () => {
    expectTypeOf<'TEAM.NOT_FOUND'>().toExtend<AppErrorCode>();
    expectTypeOf<'COMMAND.PARSE'>().toExtend<AppErrorCode>();
    expectTypeOf<'CHAT.FORM_INVALID'>().toExtend<AppErrorCode>();
    expectTypeOf<'DB.UNREACHABLE'>().toExtend<AppErrorCode>();
    expectTypeOf<'TEAM.NOT_FUOND'>().not.toExtend<AppErrorCode>();
    // @ts-expect-error a misspelt code is refused at compile time
    expect(isAppError(new Error(), 'TEAM.NOT_FUOND')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { COMMANDS, ConfirmTokens } from '../../commands/index.ts';

describe('command registry', () => {
  it('when the registry is read then every name, option and description fits Discord’s rules', () => {
    const NAME = /^[a-z0-9_-]{1,32}$/;
    for (const c of COMMANDS) {
      expect(c.name).toMatch(NAME);
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.description.length).toBeLessThanOrEqual(100);
      const groups = c.subcommands ? c.subcommands.map((s) => s.options ?? []) : [c.options ?? []];
      for (const opts of groups) {
        expect(opts.length).toBeLessThanOrEqual(25);
        expect(new Set(opts.map((o) => o.name)).size).toBe(opts.length);
        for (const o of opts) {
          expect(o.name).toMatch(NAME);
          expect(o.description.length).toBeLessThanOrEqual(100);
          if (o.type === 'choice') expect(o.choices!.length).toBeGreaterThan(0);
        }
      }
    }
  });

  it('when the commands of the product brief are looked for then each exists with its audience', () => {
    const audience = Object.fromEntries(COMMANDS.map((c) => [c.name, c.audience]));
    expect(audience).toMatchObject({
      today: 'athlete',
      why: 'athlete',
      feedback: 'athlete',
      checkin: 'athlete',
      result: 'athlete',
      history: 'athlete',
      connect: 'athlete',
      disconnect: 'athlete',
      settings: 'registered',
      pause: 'athlete',
      resume: 'athlete',
      privacy: 'registered',
      override: 'coach',
      constraint: 'coach',
      team: 'coach',
      approve: 'coach',
      roster: 'coach',
      link: 'anyone',
      register: 'anyone',
      join: 'athlete',
    });
  });

  it('when slow commands are listed then they are the ones that compute (engine, charts)', () => {
    expect(COMMANDS.filter((c) => c.slow).map((c) => c.name).sort()).toEqual(['history', 'override', 'today']);
  });
});

describe('confirmation tokens', () => {
  const t = new ConfirmTokens('secret');
  const now = new Date('2026-11-22T07:00:00Z');
  it('when a token is checked for its person within five minutes then it holds; otherwise it does not', () => {
    const { token } = t.issue('privacy.delete', 'p1', now);
    expect(t.verify(token, 'privacy.delete', 'p1', new Date(now.getTime() + 4 * 60_000))).toBe(true);
    expect(t.verify(token, 'privacy.delete', 'p2', now)).toBe(false);
    expect(t.verify(token, 'other', 'p1', now)).toBe(false);
    expect(t.verify(token, 'privacy.delete', 'p1', new Date(now.getTime() + 6 * 60_000))).toBe(false);
    expect(new ConfirmTokens('other-secret').verify(token, 'privacy.delete', 'p1', now)).toBe(false);
  });
});

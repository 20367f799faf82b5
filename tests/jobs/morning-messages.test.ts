/**
 * The team channel summary shows what the athlete chose (issue 16): the session only by default, the
 * readiness band (from HRV, resting HR, sleep) only when they opted in. The fixture's state is red
 * (ACWR 1.62), so a leak would show as 🔴 or a red tone.
 */
import { describe, expect, it } from 'vitest';
import { presenterRenderer, teamSummaryMessage } from '../../jobs/morning-messages.ts';
import type { AthleteContact } from '../../jobs/ports.ts';
import { prescription } from '../src/core/presenters/fixtures.ts';

const contact = (teamChannel: AthleteContact['teamChannel']): AthleteContact => ({ athleteId: 'a-1', displayName: 'Bea', timezone: 'Europe/London', teamChannel, recipients: [] });

describe('team summary message', () => {
  it('when the athlete keeps the default (session only) then the channel sees the session and nothing of the readiness band, not even as a colour', async () => {
    const m = await presenterRenderer().render({ prescription: prescription(), contact: contact('session'), audience: 'team' });
    expect(m).toEqual({ title: 'Bea — Sun 22 Nov', summary: 'Endurance 60 min', tone: 'neutral', footer: 'Coaches: /team board for readiness' });
  });

  it('when the contact carries no choice then it is treated as session only', () => {
    expect(teamSummaryMessage(prescription(), { displayName: 'Bea' })).toMatchObject({ summary: 'Endurance 60 min', tone: 'neutral' });
  });

  it('when the athlete opted in to show readiness then the channel sees the band with the session', async () => {
    const m = await presenterRenderer().render({ prescription: prescription(), contact: contact('readiness'), audience: 'team' });
    expect(m).toEqual({ title: 'Bea — Sun 22 Nov', summary: '🔴 Endurance 60 min', tone: 'red', footer: 'Coaches: /team board for the details' });
  });
});

import { describe, expect, it } from 'vitest';
import { localConsoleCommands, type LocalCommandDeps } from '../../../src/local/console-commands.ts';

function setup() {
  const calls: string[] = [];
  const athletes = [
    { userId: 'sim-alex', displayName: 'Alex', athleteId: 'a1', timezone: 'Europe/London' },
    { userId: 'sim-sam', displayName: 'Sam', athleteId: 'a2', timezone: 'America/New_York' },
  ];
  const deps: LocalCommandDeps = {
    core: {
      prescribeMany: async (items) => {
        calls.push(`prescribe ${items.map((i) => `${i.athleteId}@${i.date}`).join(',')}`);
        return items.map((i) => ({ athleteId: i.athleteId, date: i.date, outcome: 'created', prescription: { id: `rx-${i.athleteId}` } }) as never);
      },
    },
    ingest: { ingestAthlete: async (id, o) => void calls.push(`ingest ${id}@${o.date}`) },
    contacts: { contacts: async (ids) => new Map(ids.map((id) => [id, { athleteId: id, recipients: [] } as never])) },
    renderer: { render: async ({ prescription }) => ({ title: `Session ${prescription.id}`, summary: '', tone: 'green' as const }) },
    now: () => new Date('2026-12-04T03:00:00Z'),
    athletes: () => athletes,
    advance: async (ms) => (calls.push(`advance ${ms}`), { from: new Date('2026-12-04T03:00:00Z'), to: new Date(Date.parse('2026-12-04T03:00:00Z') + ms) }),
  };
  const [morning, skip] = localConsoleCommands(deps);
  return { morning: morning!, skip: skip!, calls };
}

describe('local console commands', () => {
  it('when "morning Sam" is typed then Sam\'s night is ingested before his session is made, on his local day, and the DM is returned', async () => {
    const { morning, calls } = setup();
    expect(morning.match('morning Sam')).toBe('Sam');
    expect(morning.match('/morning')).toBe('');
    expect(morning.match('mornings')).toBeUndefined();
    const out = await morning.run('sam', { userId: 'coach', displayName: 'Coach' });
    expect(calls).toEqual(['ingest a2@2026-12-03', 'prescribe a2@2026-12-03']);
    expect(out.messages!.map((m) => m.title)).toEqual(["Sam's morning (shown now) — Session rx-a2"]);
  });

  it('when "morning" is typed by the coach then everyone\'s comes; by an athlete then only theirs', async () => {
    const a = setup();
    expect((await a.morning.run('', { userId: 'coach', displayName: 'Coach' })).messages).toHaveLength(2);
    const b = setup();
    expect((await b.morning.run('', { userId: 'sim-alex', displayName: 'Alex' })).messages!.map((m) => m.title)).toEqual(["Alex's morning (shown now) — Session rx-a1"]);
  });

  it('when the name is nobody\'s then it is refused with the names', async () => {
    const { morning } = setup();
    await expect(morning.run('Bobby', { userId: 'coach', displayName: 'Coach' })).rejects.toMatchObject({ code: 'LOCAL.UNKNOWN_ATHLETE', userMessage: 'There is no athlete called "Bobby". The athletes: Alex, Sam.' });
  });

  it('when "skip 1d", "skip 6h" or "advance days:3" is typed then the clock is walked that far; nonsense and more than 28 days are refused', async () => {
    const { skip, calls } = setup();
    expect((await skip.run('1d', { userId: 'coach', displayName: 'Coach' })).text).toBe(
      'The clock moved from 2026-12-04 03:00 to 2026-12-05 03:00 UTC (1 day); it stays ahead of real time until you delete DATA_DIR/local/clock.json.',
    );
    await skip.run('6h', { userId: 'coach', displayName: 'Coach' });
    expect(skip.match('advance days:3')).toBe('days:3');
    await skip.run('days:3', { userId: 'coach', displayName: 'Coach' });
    expect(calls).toEqual([`advance ${86_400_000}`, `advance ${6 * 3_600_000}`, `advance ${3 * 86_400_000}`]);
    await expect(skip.run('soon', { userId: 'coach', displayName: 'Coach' })).rejects.toMatchObject({ code: 'LOCAL.SKIP_INVALID' });
    await expect(skip.run('29d', { userId: 'coach', displayName: 'Coach' })).rejects.toMatchObject({ code: 'LOCAL.SKIP_INVALID' });
  });
});

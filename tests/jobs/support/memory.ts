/** In-memory stand-ins for the jobs' tests: the morning use cases, schedules, contacts, a title-only renderer. */
import type { AthleteContact, AthleteSchedule, ContactDirectory, MorningRenderer } from '../../../jobs/ports.ts';
import type { UseCases } from '../../../src/core/index.ts';
import type { PrescriptionRecord } from '../../../src/core/types.ts';

/** prescribeMany / deliverablePrescriptions / recordDelivery over a Map (idempotent per athlete-day). */
export function memoryCore(opts: { pending?: (athleteId: string) => boolean } = {}) {
  const rxs = new Map<string, PrescriptionRecord>();
  const calls = { prescribe: 0 };
  const core: Pick<UseCases, 'prescribeMany' | 'deliverablePrescriptions' | 'recordDelivery'> = {
    async prescribeMany(items) {
      calls.prescribe += items.length;
      return items.map(({ athleteId, date }) => {
        const k = `${athleteId}|${date}`;
        let rx = rxs.get(k);
        if (!rx) {
          rx = {
            id: `rx-${athleteId}-${date}`,
            athleteId,
            date,
            revision: 1,
            state: {},
            mask: { allowed: ['REST', 'ENDURANCE'], blocked: [] },
            session: { type: 'ENDURANCE', minutes: 60, description: 'steady', intensity: 'easy', targetLoad: 50, dose: 'standard' } as PrescriptionRecord['session'],
            alternatives: ['REST'],
            reasons: [],
            policy: 'test@1',
            inputsHash: 'h',
            approval: { state: opts.pending?.(athleteId) ? 'pending' : 'not_required' },
            delivery: {},
            createdAt: new Date(),
            updatedAt: new Date(),
          };
          rxs.set(k, rx);
          return { athleteId, date, outcome: 'created' as const, prescription: rx };
        }
        return { athleteId, date, outcome: 'unchanged' as const, prescription: rx };
      });
    },
    async deliverablePrescriptions(keys) {
      return keys.map((k) => rxs.get(`${k.athleteId}|${k.date}`)).filter((r): r is PrescriptionRecord => !!r && r.approval.state !== 'pending');
    },
    async recordDelivery(athleteId, date, channel, d) {
      const rx = rxs.get(`${athleteId}|${date}`)!;
      rx.delivery[channel] = { status: d.status, revision: d.revision, at: new Date() };
      return rx;
    },
  };
  return { core, rxs, calls, approve: (athleteId: string, date: string) => (rxs.get(`${athleteId}|${date}`)!.approval = { state: 'approved' }) };
}

export const schedule = (athleteId: string, timezone: string, morningTime = '06:30'): AthleteSchedule => ({ athleteId, timezone, morningTime, status: 'active', simulated: false, sport: 'running', level: 'trained' });

export function dmContacts(list: AthleteSchedule[]): ContactDirectory {
  return {
    async contacts(ids) {
      const out = new Map<string, AthleteContact>();
      for (const id of ids) {
        const s = list.find((x) => x.athleteId === id)!;
        out.set(id, { athleteId: id, displayName: id, timezone: s.timezone, teamChannel: 'session', recipients: [{ channel: 'dm', audience: 'athlete', target: { platform: 'console', kind: 'dm', userId: id } }] });
      }
      return out;
    },
  };
}

export const titleRenderer: MorningRenderer = { render: async ({ prescription }) => ({ title: prescription.date, summary: prescription.session.type }) };


/**
 * Every core repository port in memory, for the demo's fast path (`npm run demo`, default `--store memory`).
 *
 * Why: the embedded FerretDB 1.24 (SQLite) pushes only `_id` equality down to SQLite; every other filter,
 * range, `$in` or sort reads and decodes the whole collection in Go. Measured on the 2-core machine after
 * two simulated weeks of four athletes: prescriptions.get 26 ms (56 documents), findMany 70 ms,
 * dailyMetrics.listRange 131 ms (224), twinParams.latest 29 ms (59) — and it grows with every day, so a
 * 12-week season on the embedded database takes minutes, not one. Same semantics as src/db where the
 * use cases can tell: unique keys answer 'duplicate', records are copied in and out (no aliasing),
 * versions are appended. One process only (the mutex is in-process).
 */
import type {
  AthleteRepository,
  AuditRepository,
  ConstraintRepository,
  DailyMetricsRepository,
  FeedbackRepository,
  IdentityRepository,
  InsertResult,
  InvitationRepository,
  LinkCodeRepository,
  MembershipRepository,
  PersonalDataStore,
  PersonRepository,
  PolicyModelRepository,
  PrescriptionRepository,
  ProviderConnectionRepository,
  Repositories,
  TeamRepository,
  TwinParamsRepository,
} from '../core/ports.ts';
import type { Athlete, AuditEntry, ConstraintRecord, DailyMetricsRecord, FeedbackRecord, Identity, Invitation, LinkCode, Membership, Person, PolicyActivation, PolicyModelRecord, PrescriptionRecord, ProviderConnectionRecord, Team, TwinParamsRecord } from '../core/types.ts';
import { InProcessMutex } from './in-process-mutex.ts';

const copy = <T>(x: T): T => structuredClone(x);
const byKey = <T>(m: Map<string, T>, keys: readonly string[]) => keys.map((k) => m.get(k)).filter((x): x is T => x !== undefined).map(copy);

export function createMemoryRepositories(newId: () => string): Repositories {
  const persons = new Map<string, Person>();
  const identities = new Map<string, Identity>();
  const athletes = new Map<string, Athlete>();
  const teams = new Map<string, Team>();
  const bindings = new Map<string, string>();
  const memberships = new Map<string, Membership>();
  const metrics = new Map<string, DailyMetricsRecord>();
  const feedback = new Map<string, FeedbackRecord>();
  const rxs = new Map<string, PrescriptionRecord>();
  const constraints = new Map<string, ConstraintRecord>();
  const twins = new Map<string, TwinParamsRecord[]>();
  const models = new Map<string, PolicyModelRecord>();
  const activations: PolicyActivation[] = [];
  const audit: AuditEntry[] = [];
  const codes = new Map<string, LinkCode>();
  const invitations = new Map<string, Invitation>();
  const connections = new Map<string, ProviderConnectionRecord>();
  const ad = (athleteId: string, date: string) => `${athleteId}|${date}`;
  const inRange = (r: { athleteId: string; date: string }, ids: ReadonlySet<string>, from: string, to: string) => ids.has(r.athleteId) && r.date >= from && r.date <= to;
  const sorted = <T extends { athleteId: string; date: string }>(list: T[]) => list.sort((a, b) => (a.athleteId < b.athleteId ? -1 : a.athleteId > b.athleteId ? 1 : a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const insertOnce = <T>(m: Map<string, T>, key: string, v: T): InsertResult => {
    if (m.has(key)) return 'duplicate';
    m.set(key, copy(v));
    return 'inserted';
  };

  const personRepo: PersonRepository = {
    insert: async (p) => insertOnce(persons, p.id, p),
    get: async (id) => (persons.has(id) ? copy(persons.get(id)!) : null),
    getMany: async (ids) => byKey(persons, ids),
    replace: async (p) => void persons.set(p.id, copy(p)),
    delete: async (id) => void persons.delete(id),
  };
  const identityRepo: IdentityRepository = {
    insert: async (i) => {
      if ([...identities.values()].some((x) => x.personId === i.personId && x.platform === i.platform)) return 'duplicate';
      return insertOnce(identities, `${i.platform}:${i.userId}`, i);
    },
    find: async (platform, userId) => (identities.has(`${platform}:${userId}`) ? copy(identities.get(`${platform}:${userId}`)!) : null),
    listForPerson: async (personId) => [...identities.values()].filter((i) => i.personId === personId).map(copy),
    listForPersons: async (ids) => {
      const wanted = new Set(ids);
      return [...identities.values()].filter((i) => wanted.has(i.personId)).map(copy);
    },
  };
  const athleteRepo: AthleteRepository = {
    insert: async (a) => insertOnce(athletes, a.id, a),
    get: async (id) => (athletes.has(id) ? copy(athletes.get(id)!) : null),
    profiles: async (ids) =>
      ids
        .map((id) => {
          const a = athletes.get(id);
          const p = persons.get(id);
          return a && p ? copy({ ...a, displayName: p.displayName, timezone: p.timezone, dmsEnabled: p.dmsEnabled }) : undefined;
        })
        .filter((x) => x !== undefined),
    replace: async (a) => void athletes.set(a.id, copy(a)),
    listIds: async (filter = {}) =>
      [...athletes.values()]
        .filter((a) => (filter.status === undefined || a.status === filter.status) && (filter.simulated === undefined || a.simulated === filter.simulated))
        .map((a) => a.id)
        .sort(),
  };
  const teamRepo: TeamRepository = {
    insert: async (t) => void teams.set(t.id, copy(t)),
    get: async (id) => (teams.has(id) ? copy(teams.get(id)!) : null),
    getMany: async (ids) => byKey(teams, ids),
    replace: async (t) => void teams.set(t.id, copy(t)),
    delete: async (id) => void teams.delete(id),
    claimBinding: async (b, teamId) => {
      const k = `${b.platform}:${b.workspaceId}:${b.channelId}`;
      if (bindings.has(k)) return bindings.get(k) === teamId ? 'inserted' : 'duplicate';
      bindings.set(k, teamId);
      return 'inserted';
    },
    findByBinding: async (platform, workspaceId, channelId) => {
      const id = bindings.get(`${platform}:${workspaceId}:${channelId}`);
      return id && teams.has(id) ? copy(teams.get(id)!) : null;
    },
  };
  const membershipRepo: MembershipRepository = {
    insert: async (m) => insertOnce(memberships, `${m.teamId}:${m.personId}`, m),
    get: async (teamId, personId) => (memberships.has(`${teamId}:${personId}`) ? copy(memberships.get(`${teamId}:${personId}`)!) : null),
    replace: async (m) => void memberships.set(`${m.teamId}:${m.personId}`, copy(m)),
    listForTeam: async (teamId) => [...memberships.values()].filter((m) => m.teamId === teamId).map(copy),
    listForPersons: async (ids) => {
      const set = new Set(ids);
      return [...memberships.values()].filter((m) => set.has(m.personId)).map(copy);
    },
  };
  const connectionRepo: ProviderConnectionRepository = {
    get: async (athleteId, provider) => (connections.has(`${provider}:${athleteId}`) ? copy(connections.get(`${provider}:${athleteId}`)!) : null),
    listForAthlete: async (athleteId) => [...connections.values()].filter((c) => c.athleteId === athleteId).map(copy),
    listByStatus: async (status, provider) => [...connections.values()].filter((c) => c.status === status && (!provider || c.provider === provider)).map(copy),
    findByExternalUser: async (provider, ext) => copy([...connections.values()].find((c) => c.provider === provider && c.externalUserId === ext) ?? null),
    upsertTokens: async (athleteId, provider, tokens, scopes) => {
      const k = `${provider}:${athleteId}`;
      const now = new Date();
      const prev = connections.get(k);
      const rec: ProviderConnectionRecord = { athleteId, provider, tokens, scopes: scopes ?? prev?.scopes ?? [], status: 'active', version: (prev?.version ?? 0) + 1, createdAt: prev?.createdAt ?? now, updatedAt: now };
      if (tokens.externalUserId) rec.externalUserId = tokens.externalUserId;
      connections.set(k, copy(rec));
      return copy(rec);
    },
    patch: async (athleteId, provider, patch) => {
      const k = `${provider}:${athleteId}`;
      const prev = connections.get(k);
      if (!prev) return null;
      const next = { ...prev, version: prev.version + 1, updatedAt: new Date() } as ProviderConnectionRecord & Record<string, unknown>;
      for (const [f, v] of Object.entries(patch)) {
        if (v === null) delete next[f];
        else if (v !== undefined) next[f] = v;
      }
      connections.set(k, copy(next));
      return copy(next);
    },
  };
  const metricsRepo: DailyMetricsRepository = {
    get: async (athleteId, date) => (metrics.has(ad(athleteId, date)) ? copy(metrics.get(ad(athleteId, date))!) : null),
    listRange: async (ids, from, to) => {
      const set = new Set(ids);
      return sorted([...metrics.values()].filter((r) => inRange(r, set, from, to)).map(copy));
    },
    put: async (r) => void metrics.set(ad(r.athleteId, r.date), copy(r)),
  };
  const feedbackRepo: FeedbackRepository = {
    get: async (athleteId, date, slot) => (feedback.has(`${ad(athleteId, date)}|${slot}`) ? copy(feedback.get(`${ad(athleteId, date)}|${slot}`)!) : null),
    listRange: async (ids, from, to) => {
      const set = new Set(ids);
      return sorted([...feedback.values()].filter((r) => inRange(r, set, from, to)).map(copy));
    },
    insert: async (f) => insertOnce(feedback, `${ad(f.athleteId, f.date)}|${f.slot}`, f),
    replace: async (f) => void feedback.set(`${ad(f.athleteId, f.date)}|${f.slot}`, copy(f)),
  };
  const rxRepo: PrescriptionRepository = {
    get: async (athleteId, date) => (rxs.has(ad(athleteId, date)) ? copy(rxs.get(ad(athleteId, date))!) : null),
    findMany: async (keys) => byKey(rxs, keys.map((k) => ad(k.athleteId, k.date))),
    listForDate: async (ids, date) => byKey(rxs, ids.map((id) => ad(id, date))).sort((a, b) => (a.athleteId < b.athleteId ? -1 : 1)),
    listRange: async (ids, from, to) => {
      const set = new Set(ids);
      return sorted([...rxs.values()].filter((r) => inRange(r, set, from, to)).map(copy));
    },
    insert: async (p) => insertOnce(rxs, ad(p.athleteId, p.date), p),
    insertMany: async (ps) => ({ duplicates: ps.filter((p) => insertOnce(rxs, ad(p.athleteId, p.date), p) === 'duplicate').map((p) => `${p.athleteId}|${p.date}`) }),
    replace: async (p) => void rxs.set(ad(p.athleteId, p.date), copy(p)),
  };
  const constraintRepo: ConstraintRepository = {
    insert: async (c) => void constraints.set(c.id, copy(c)),
    get: async (id) => (constraints.has(id) ? copy(constraints.get(id)!) : null),
    replace: async (c) => void constraints.set(c.id, copy(c)),
    listActive: async (ids, from, to) => {
      const set = new Set(ids);
      return [...constraints.values()].filter((c) => set.has(c.athleteId) && c.active && c.from <= to && (c.to === undefined || c.to >= from)).map(copy);
    },
    listForAthlete: async (athleteId, options = {}) =>
      [...constraints.values()]
        .filter((c) => c.athleteId === athleteId && (options.includeInactive || c.active))
        .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.createdAt.getTime() - b.createdAt.getTime()))
        .map(copy),
  };
  const twinRepo: TwinParamsRepository = {
    latest: async (athleteId) => {
      const list = twins.get(athleteId);
      return list && list.length > 0 ? copy(list[list.length - 1]!) : null;
    },
    append: async (entry) => {
      const list = twins.get(entry.athleteId) ?? [];
      const rec = { ...copy(entry), version: list.length + 1 } as TwinParamsRecord;
      list.push(rec);
      twins.set(entry.athleteId, list);
      return copy(rec);
    },
    list: async (athleteId) => (twins.get(athleteId) ?? []).map(copy),
  };
  const policyRepo: PolicyModelRepository = {
    publish: async (model) => {
      const version = [...models.values()].filter((m) => m.name === model.name).length + 1;
      const rec = { ...copy(model), id: newId(), version } as PolicyModelRecord;
      models.set(rec.id, rec);
      return copy(rec);
    },
    get: async (id) => (models.has(id) ? copy(models.get(id)!) : null),
    list: async (name) =>
      [...models.values()]
        .filter((m) => !name || m.name === name)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version))
        .map(({ weights: _w, ...rest }) => copy(rest)),
    activate: async (modelId, by, at, reason) => {
      const act: PolicyActivation = { seq: activations.length + 1, modelId, by, at };
      if (reason !== undefined) act.reason = reason;
      activations.push(act);
      return copy(act);
    },
    active: async () => {
      const last = activations[activations.length - 1];
      const model = last ? models.get(last.modelId) : undefined;
      return last && model ? { model: copy(model), activation: copy(last) } : null;
    },
  };
  const auditRepo: AuditRepository = {
    append: async (e) => void audit.push(copy(e)),
    list: async (f) =>
      audit
        .filter((e) => (!f.athleteId || e.target.athleteId === f.athleteId) && (!f.teamId || e.target.teamId === f.teamId) && (!f.action || e.action === f.action))
        .sort((a, b) => b.at.getTime() - a.at.getTime())
        .slice(0, f.limit ?? 100)
        .map(copy),
  };
  const codeRepo: LinkCodeRepository = {
    insert: async (c) => insertOnce(codes, c.code, c),
    get: async (code) => (codes.has(code) ? copy(codes.get(code)!) : null),
    markUsed: async (code, at) => {
      const c = codes.get(code);
      if (c) c.usedAt = at;
    },
  };
  const invitationRepo: InvitationRepository = {
    insert: async (inv) => ([...invitations.values()].some((x) => x.code === inv.code) ? 'duplicate' : insertOnce(invitations, inv.id, inv)),
    get: async (teamId, personId) => (invitations.has(`${teamId}:${personId}`) ? copy(invitations.get(`${teamId}:${personId}`)!) : null),
    findByCode: async (code) => copy([...invitations.values()].find((x) => x.code === code) ?? null),
    replace: async (inv) => void invitations.set(inv.id, copy(inv)),
    listForPerson: async (personId) => [...invitations.values()].filter((x) => x.personId === personId).map(copy),
    listForTeam: async (teamId) => [...invitations.values()].filter((x) => x.teamId === teamId).map(copy),
  };
  const personalData: PersonalDataStore = {
    async export(personId) {
      const mine = <T extends object>(list: Iterable<T>, f: (x: T) => boolean) => [...list].filter(f).map(copy) as unknown[];
      return {
        persons: mine(persons.values(), (p) => p.id === personId),
        athletes: mine(athletes.values(), (a) => a.id === personId),
        identities: mine(identities.values(), (i) => i.personId === personId),
        memberships: mine(memberships.values(), (m) => m.personId === personId),
        invitations: mine(invitations.values(), (m) => m.personId === personId),
        daily_metrics: mine(metrics.values(), (m) => m.athleteId === personId),
        feedback: mine(feedback.values(), (x) => x.athleteId === personId),
        prescriptions: mine(rxs.values(), (x) => x.athleteId === personId),
        constraints: mine(constraints.values(), (x) => x.athleteId === personId),
        twin_params: (twins.get(personId) ?? []).map(copy),
      };
    },
    async erase(personId) {
      const counts: Record<string, number> = {};
      const drop = <T>(name: string, m: Map<string, T>, f: (x: T) => boolean) => {
        let n = 0;
        for (const [k, v] of m) if (f(v)) (m.delete(k), (n += 1));
        counts[name] = n;
      };
      drop('daily_metrics', metrics, (x) => x.athleteId === personId);
      drop('feedback', feedback, (x) => x.athleteId === personId);
      drop('prescriptions', rxs, (x) => x.athleteId === personId);
      drop('constraints', constraints, (x) => x.athleteId === personId);
      drop('memberships', memberships, (x) => x.personId === personId);
      drop('invitations', invitations, (x) => x.personId === personId);
      drop('identities', identities, (x) => x.personId === personId);
      drop('athletes', athletes, (x) => x.id === personId);
      drop('persons', persons, (x) => x.id === personId);
      counts.twin_params = twins.get(personId)?.length ?? 0;
      twins.delete(personId);
      return counts;
    },
  };
  return {
    persons: personRepo,
    identities: identityRepo,
    athletes: athleteRepo,
    teams: teamRepo,
    memberships: membershipRepo,
    connections: connectionRepo,
    dailyMetrics: metricsRepo,
    feedback: feedbackRepo,
    prescriptions: rxRepo,
    constraints: constraintRepo,
    twinParams: twinRepo,
    policyModels: policyRepo,
    audit: auditRepo,
    linkCodes: codeRepo,
    invitations: invitationRepo,
    personalData,
    mutex: new InProcessMutex(),
  };
}

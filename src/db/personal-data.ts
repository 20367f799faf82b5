/**
 * Personal data across every collection, for exportMyData and deleteMyData (PersonalDataStore).
 *
 * Every model registered on the connection must have a policy here (or registered from its own adapter
 * with registerPersonalDataPolicy): export and erase refuse to run otherwise, so a new collection cannot
 * be forgotten. A policy says which documents are *about* the person (exported, deleted) and which
 * documents of other people *mention* them (exported, and anonymised on erase: every occurrence of the
 * person's id is replaced), or why the model holds no personal data at all.
 */
import type { Connection, Model } from 'mongoose';
import type { Mutex, PersonalDataStore } from '../core/ports.ts';
import { connectionLockKey } from './provider-connection.repository.ts';
import { escapeRegex } from './schema-helpers.ts';

type Filter = Record<string, unknown>;

export interface PersonalDataPolicy {
  /** Documents about the person: exported, deleted on erase. */
  owned?: (personId: string) => Filter;
  /** Documents of others that mention the person: exported, anonymised on erase. */
  mentions?: (personId: string) => Filter;
  /** Lock to hold while anonymising one document (the same key its use cases lock). */
  lockKey?: (doc: Filter) => string;
  /** Hide secrets in the export. */
  mask?: (doc: Filter) => Filter;
  /** Why the model holds no personal data. */
  none?: string;
}

/** What replaces a deleted person's id in other people's records. */
export const ERASED = 'erased-person';

const policies = new Map<string, PersonalDataPolicy>();

export function registerPersonalDataPolicy(modelName: string, policy: PersonalDataPolicy): void {
  policies.set(modelName, policy);
}

export function personalDataPolicy(modelName: string): PersonalDataPolicy | undefined {
  return policies.get(modelName);
}

const TOKEN_MASK = '[encrypted token — not exported]';

registerPersonalDataPolicy('Person', { owned: (id) => ({ _id: id }) });
registerPersonalDataPolicy('Identity', { owned: (id) => ({ personId: id }) });
registerPersonalDataPolicy('Athlete', { owned: (id) => ({ _id: id }) });
registerPersonalDataPolicy('Team', { none: 'team name, settings and channel bindings; members are in Membership' });
registerPersonalDataPolicy('ChatBinding', { none: 'which chat channel belongs to which team' });
registerPersonalDataPolicy('Membership', { owned: (id) => ({ personId: id }) });
registerPersonalDataPolicy('ProviderConnection', {
  owned: (id) => ({ athleteId: id }),
  mask: (d) => ({ ...d, ...(d.accessToken ? { accessToken: TOKEN_MASK } : {}), ...(d.refreshToken ? { refreshToken: TOKEN_MASK } : {}) }),
  lockKey: (d) => connectionLockKey(String(d.provider), String(d.athleteId)),
});
registerPersonalDataPolicy('DailyMetrics', { owned: (id) => ({ athleteId: id }) });
registerPersonalDataPolicy('Feedback', { owned: (id) => ({ athleteId: id }) });
registerPersonalDataPolicy('Prescription', {
  owned: (id) => ({ athleteId: id }),
  mentions: (id) => ({ $or: [{ 'override.by': id }, { 'approval.by': id }] }),
  lockKey: (d) => `rx:${String(d.athleteId)}:${String(d.date)}`,
});
registerPersonalDataPolicy('Constraint', {
  owned: (id) => ({ athleteId: id }),
  mentions: (id) => ({ $or: [{ by: id }, { removedBy: id }] }),
  lockKey: (d) => `constraint:${String(d._id)}`,
});
registerPersonalDataPolicy('TwinParams', { owned: (id) => ({ athleteId: id }) });
registerPersonalDataPolicy('PolicyModel', { none: 'population policy weights trained on simulated twins; no per-person data' });
registerPersonalDataPolicy('PolicyActivation', { mentions: (id) => ({ by: id }) });
registerPersonalDataPolicy('AuditLog', {
  owned: (id) => ({ $or: [{ 'target.athleteId': id }, { 'target.id': id }] }),
  mentions: (id) => ({ 'actor.personId': id }),
});
registerPersonalDataPolicy('Invitation', {
  owned: (id) => ({ personId: id }),
  mentions: (id) => ({ invitedBy: id }),
  lockKey: (d) => `invite:${String(d._id)}`,
});
registerPersonalDataPolicy('LinkCode', { owned: (id) => ({ personId: id }) });
// Lock documents are keyed by record keys, many of which contain the person's id.
registerPersonalDataPolicy('Lease', { owned: (id) => ({ key: { $regex: escapeRegex(id) } }) });

/** Replace every occurrence of `needle` in every string of a document (keys included). */
export function deepReplace(value: unknown, needle: string, by: string): unknown {
  if (typeof value === 'string') return value.split(needle).join(by);
  if (Array.isArray(value)) return value.map((v) => deepReplace(v, needle, by));
  if (value && typeof value === 'object' && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.split(needle).join(by), deepReplace(v, needle, by)]));
  }
  return value;
}

/** The person's own collections last: an interrupted erase can be re-run by the person. */
const ERASE_LAST = ['Identity', 'Person'];

export class MongoPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly conn: Connection,
    private readonly mutex?: Mutex,
  ) {}

  /** Every registered model with its policy; throws when one has none. */
  plan(): { name: string; collection: string; model: Model<any>; policy: PersonalDataPolicy }[] {
    const missing = this.conn.modelNames().filter((n) => !policies.has(n));
    if (missing.length > 0)
      throw new Error(`Model(s) ${missing.join(', ')} have no personal-data policy: add one in src/db/personal-data.ts (registerPersonalDataPolicy).`);
    return this.conn
      .modelNames()
      .sort((a, b) => ERASE_LAST.indexOf(a) - ERASE_LAST.indexOf(b) || (a < b ? -1 : 1))
      .map((name) => {
        const model = this.conn.model(name);
        return { name, collection: model.collection.collectionName, model, policy: policies.get(name)! };
      });
  }

  private filter(p: PersonalDataPolicy, personId: string): Filter | null {
    const parts = [p.owned?.(personId), p.mentions?.(personId)].filter((f): f is Filter => f !== undefined);
    if (parts.length === 0) return null;
    return parts.length === 1 ? parts[0]! : { $or: parts };
  }

  async export(personId: string): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const { collection, model, policy } of this.plan()) {
      const filter = this.filter(policy, personId);
      if (!filter) continue;
      const docs = (await model.find(filter).lean().exec()) as Filter[];
      out[collection] = docs.map((d) => (policy.mask ? policy.mask(d) : d));
    }
    return out;
  }

  async erase(personId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const { collection, model, policy } of this.plan()) {
      let n = 0;
      if (policy.mentions) {
        const docs = (await model.find(policy.mentions(personId), { _id: 1, athleteId: 1, date: 1, provider: 1 }).lean().exec()) as Filter[];
        for (const ref of docs) {
          const rewrite = async () => {
            const cur = (await model.findById(ref._id).lean().exec()) as Filter | null;
            if (!cur) return;
            const { _id, ...rest } = deepReplace(cur, personId, ERASED) as Filter;
            await model.replaceOne({ _id: cur._id }, { _id: cur._id, ...rest }).exec();
          };
          if (this.mutex && policy.lockKey) await this.mutex.withLock(policy.lockKey(ref), rewrite);
          else await rewrite();
          n++;
        }
      }
      if (policy.owned) n += (await model.deleteMany(policy.owned(personId)).exec()).deletedCount ?? 0;
      if (policy.owned || policy.mentions) counts[collection] = n;
    }
    return counts;
  }
}

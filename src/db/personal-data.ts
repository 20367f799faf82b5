/**
 * Personal data across every collection, for exportMyData and deleteMyData (PersonalDataStore).
 *
 * Every model registered on the connection must have a policy here (or registered from its own adapter
 * with registerPersonalDataPolicy): export and erase refuse to run otherwise, so a new collection cannot
 * be forgotten. A policy says which documents are *about* the person (exported, deleted) and which
 * documents of other people *mention* them (exported, and pseudonymised on erase), or why the model holds
 * no personal data at all.
 *
 * Erase deletes the owned documents first, then pseudonymises what is left that mentions the person:
 * every occurrence of their id becomes one pseudonym, `erased-person:<random>`, drawn once per erasure and
 * stored nowhere else — the same for all of that person's mentions (an auditor can still see that one
 * coach overrode one athlete twelve times), not linkable back to anyone (it is no hash of the id, which
 * anyone holding a guess could recompute). Free texts other people wrote (`freeText` paths: an override's
 * reason, an audit entry's reason/before/after) also lose the person's display name, each word of it of
 * three letters or more, and their chat account ids: "[erased person]". A text written *about* the person
 * (the reason of a coach's audited override of them) is their data and goes whole (`aboutText`).
 *
 * The audit log (issue 16, finding 6) follows that rule: an entry about the person that only they or the
 * system made (their own settings, joins, connections) is theirs and is deleted; an entry another person
 * made about them (a coach's override, constraint, invitation, approval) is that person's accountability
 * record and survives, pseudonymised. Before, erasure deleted every entry whose target was the person —
 * including the ones that would show who abused access to them.
 */
import type { Connection, Model } from 'mongoose';
import type { Mutex, PersonalDataStore } from '../core/ports.ts';
import { connectionLockKey } from './provider-connection.repository.ts';
import { randomBytes } from 'node:crypto';
import { escapeRegex } from './schema-helpers.ts';

type Filter = Record<string, unknown>;

export interface PersonalDataPolicy {
  /** Documents about the person: exported, deleted on erase. */
  owned?: (personId: string) => Filter;
  /** Documents of others that mention the person: exported, anonymised on erase. */
  mentions?: (personId: string) => Filter;
  /** Lock to hold while anonymising one document (the same key its use cases lock). */
  lockKey?: (doc: Filter) => string;
  /** Dotted paths of texts other people wrote: quotes of the person (name, chat ids) are redacted on erase. */
  freeText?: readonly string[];
  /**
   * Texts other people wrote *about* the person (a coach's override reason: "she is ill") are the person's
   * data: when `about(doc, personId)` holds, every string under a key named in `keys` (at any depth of the
   * `freeText` paths) is replaced by ERASED_TEXT. The record of who did what, when, stays.
   */
  aboutText?: { about: (doc: Filter, personId: string) => boolean; keys: readonly string[] };
  /** Hide secrets in the export. */
  mask?: (doc: Filter) => Filter;
  /** Why the model holds no personal data. */
  none?: string;
}

/** What a deleted person's id becomes in other people's records: this prefix and a random token per erasure. */
export const ERASED = 'erased-person';
/** What replaces quotes of the person (name, chat ids) in free texts. */
export const ERASED_QUOTE = '[erased person]';
/** What replaces texts others wrote about the person. */
export const ERASED_TEXT = '[erased with the person’s data]';

export function newPseudonym(): string {
  return `${ERASED}:${randomBytes(8).toString('hex')}`;
}

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
  freeText: ['override.reason'],
  lockKey: (d) => `rx:${String(d.athleteId)}:${String(d.date)}`,
});
registerPersonalDataPolicy('Constraint', {
  owned: (id) => ({ athleteId: id }),
  mentions: (id) => ({ $or: [{ by: id }, { removedBy: id }] }),
  freeText: ['reason'],
  lockKey: (d) => `constraint:${String(d._id)}`,
});
registerPersonalDataPolicy('TwinParams', { owned: (id) => ({ athleteId: id }) });
registerPersonalDataPolicy('PolicyModel', { none: 'population policy weights trained on simulated twins; no per-person data' });
registerPersonalDataPolicy('PolicyActivation', { mentions: (id) => ({ by: id }) });
registerPersonalDataPolicy('AuditLog', {
  // about the person, made by them or by the system: theirs
  owned: (id) => ({
    $and: [{ $or: [{ 'target.athleteId': id }, { 'target.id': id }] }, { $or: [{ 'actor.kind': 'system' }, { 'actor.personId': id }] }],
  }),
  // made by them about others or the team, or by others about them: others' records, pseudonymised
  mentions: (id) => ({ $or: [{ 'actor.personId': id }, { 'target.athleteId': id }, { 'target.id': id }] }),
  freeText: ['reason', 'before', 'after'],
  aboutText: { about: (d, id) => (d.target as Filter | undefined)?.athleteId === id || (d.target as Filter | undefined)?.id === id, keys: ['reason'] },
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

/** What of a person can be quoted in free texts: display name, its words of ≥ 3 letters, chat account ids. */
export interface Quotes {
  names: string[];
  accountIds: string[];
}

/** Replace quotes of the person in one string: whole words of their name (any case), account ids anywhere. */
export function redactQuotes(text: string, q: Quotes): string {
  let out = text;
  for (const id of q.accountIds) if (id.length >= 4) out = out.split(id).join(ERASED_QUOTE);
  for (const name of q.names) out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'giu'), ERASED_QUOTE);
  return out;
}

export function quotesOf(displayName: string | undefined, accountIds: readonly string[]): Quotes {
  const name = (displayName ?? '').trim();
  const words = name.split(/[^\p{L}\p{N}'’-]+/u).filter((w) => [...w].length >= 3);
  // longest first, so the full name is replaced before its words
  const names = [...new Set([name, ...words].filter((n) => n.length > 0))].sort((a, b) => b.length - a.length);
  return { names, accountIds: [...new Set(accountIds)] };
}

function redactAt(doc: Filter, path: string, q: Quotes, clearKeys: readonly string[] = []): void {
  const keys = path.split('.');
  let node: unknown = doc;
  for (const k of keys.slice(0, -1)) {
    if (!node || typeof node !== 'object') return;
    node = (node as Filter)[k];
  }
  if (!node || typeof node !== 'object') return;
  const last = keys[keys.length - 1]!;
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return clearKeys.includes(key) ? ERASED_TEXT : redactQuotes(v, q);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object' && !(v instanceof Date) && Object.getPrototypeOf(v) === Object.prototype)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  if (last in (node as Filter)) (node as Filter)[last] = walk((node as Filter)[last], last);
}

/** The person's own collections last: an interrupted erase can be re-run by the person. */
const ERASE_LAST = ['Identity', 'Person'];

export class MongoPersonalDataStore implements PersonalDataStore {
  constructor(
    private readonly conn: Connection,
    private readonly mutex?: Mutex,
    /** Pushes the erasure to disk (the embedded database's WAL checkpoint); awaited, and a rejection fails the erase. */
    private readonly afterErase?: () => Promise<unknown>,
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
    const plan = this.plan();
    const quotes = await this.quotes(personId);
    const pseudonym = newPseudonym();
    const counts: Record<string, number> = {};
    for (const { collection, model, policy } of plan) {
      let n = 0;
      // owned first: what is the person's goes, and only the others' records are left to pseudonymise
      if (policy.owned) n += (await model.deleteMany(policy.owned(personId)).exec()).deletedCount ?? 0;
      if (policy.mentions) {
        const docs = (await model.find(policy.mentions(personId), { _id: 1, athleteId: 1, date: 1, provider: 1 }).lean().exec()) as Filter[];
        for (const ref of docs) {
          const rewrite = async () => {
            const cur = (await model.findById(ref._id).lean().exec()) as Filter | null;
            if (!cur) return;
            const clear = policy.aboutText?.about(cur, personId) ? policy.aboutText.keys : [];
            const { _id, ...rest } = deepReplace(cur, personId, pseudonym) as Filter;
            for (const path of policy.freeText ?? []) redactAt(rest, path, quotes, clear);
            await model.replaceOne({ _id: cur._id }, { _id: cur._id, ...rest }).exec();
          };
          if (this.mutex && policy.lockKey) await this.mutex.withLock(policy.lockKey(ref), rewrite);
          else await rewrite();
          n++;
        }
      }
      if (policy.owned || policy.mentions) counts[collection] = n;
    }
    // The rows are gone; their old page copies in the write-ahead log go now (the person can re-run the erase if this fails).
    await this.afterErase?.();
    return counts;
  }

  /** The person's name and chat account ids, read before anything is deleted (a re-run finds them gone: ids only). */
  private async quotes(personId: string): Promise<Quotes> {
    const names = this.conn.modelNames();
    const person = names.includes('Person') ? ((await this.conn.model('Person').findById(personId).lean().exec()) as { displayName?: string } | null) : null;
    const identities = names.includes('Identity') ? ((await this.conn.model('Identity').find({ personId }).lean().exec()) as { _id: string; userId?: string }[]) : [];
    return quotesOf(person?.displayName, identities.flatMap((i) => [String(i._id), ...(i.userId ? [i.userId] : [])]));
  }
}

/** Persons, identities and athlete profiles (PersonRepository, IdentityRepository, AthleteRepository). */
import type { Connection, Model } from 'mongoose';
import type { AthleteRepository, IdentityRepository, InsertResult, PersonRepository } from '../core/ports.ts';
import type { Athlete, AthleteProfile, Identity, Person, Platform } from '../core/types.ts';
import { registerAthleteModel, type AthleteDoc } from './athlete.model.ts';
import { identityId, registerIdentityModel, registerPersonModel, type IdentityDoc, type PersonDoc } from './person.model.ts';
import { insertOne, strip, withId } from './schema-helpers.ts';

export class MongoPersonRepository implements PersonRepository {
  private readonly m: Model<PersonDoc>;
  constructor(conn: Connection) {
    this.m = registerPersonModel(conn);
  }
  insert(p: Person): Promise<InsertResult> {
    const { id, ...rest } = p;
    return insertOne(this.m, { _id: id, ...rest });
  }
  async get(id: string): Promise<Person | null> {
    const d = await this.m.findById(id).lean().exec();
    return d ? withId<Person>(d) : null;
  }
  async getMany(ids: readonly string[]): Promise<Person[]> {
    if (ids.length === 0) return [];
    return (await this.m.find({ _id: { $in: [...ids] } }).lean().exec()).map((d) => withId<Person>(d));
  }
  async replace(p: Person): Promise<void> {
    const { id, ...rest } = p;
    await this.m.replaceOne({ _id: id }, { _id: id, ...rest }, { runValidators: true }).exec();
  }
  async delete(id: string): Promise<void> {
    await this.m.deleteOne({ _id: id }).exec();
  }
}

export class MongoIdentityRepository implements IdentityRepository {
  private readonly m: Model<IdentityDoc>;
  constructor(conn: Connection) {
    this.m = registerIdentityModel(conn);
  }
  insert(i: Identity): Promise<InsertResult> {
    return insertOne(this.m, { _id: identityId(i.platform, i.userId), ...i });
  }
  async find(platform: Platform, userId: string): Promise<Identity | null> {
    const d = await this.m.findById(identityId(platform, userId)).lean().exec();
    return d ? (strip(d) as unknown as Identity) : null;
  }
  async listForPerson(personId: string): Promise<Identity[]> {
    return (await this.m.find({ personId }).sort({ linkedAt: 1 }).lean().exec()).map((d) => strip(d) as unknown as Identity);
  }
  async listForPersons(personIds: readonly string[]): Promise<Identity[]> {
    if (personIds.length === 0) return [];
    return (await this.m.find({ personId: { $in: [...new Set(personIds)] } }).sort({ personId: 1, linkedAt: 1 }).lean().exec()).map((d) => strip(d) as unknown as Identity);
  }
}

export class MongoAthleteRepository implements AthleteRepository {
  private readonly m: Model<AthleteDoc>;
  private readonly persons: Model<PersonDoc>;
  constructor(conn: Connection) {
    this.m = registerAthleteModel(conn);
    this.persons = registerPersonModel(conn);
  }
  insert(a: Athlete): Promise<InsertResult> {
    const { id, ...rest } = a;
    return insertOne(this.m, { _id: id, ...rest });
  }
  async get(id: string): Promise<Athlete | null> {
    const d = await this.m.findById(id).lean().exec();
    return d ? withId<Athlete>(d) : null;
  }
  async profiles(ids: readonly string[]): Promise<AthleteProfile[]> {
    if (ids.length === 0) return [];
    const [athletes, persons] = await Promise.all([
      this.m.find({ _id: { $in: [...ids] } }).lean().exec(),
      this.persons.find({ _id: { $in: [...ids] } }).lean().exec(),
    ]);
    const personBy = new Map(persons.map((p) => [p._id, p]));
    const out: AthleteProfile[] = [];
    for (const a of athletes) {
      const p = personBy.get(a._id);
      if (!p) continue; // orphan from an interrupted registration: not reachable
      out.push({ ...withId<Athlete>(a), displayName: p.displayName, timezone: p.timezone, dmsEnabled: p.dmsEnabled });
    }
    const order = new Map(ids.map((id, i) => [id, i]));
    return out.sort((x, y) => order.get(x.id)! - order.get(y.id)!);
  }
  async replace(a: Athlete): Promise<void> {
    const { id, ...rest } = a;
    await this.m.replaceOne({ _id: id }, { _id: id, ...rest }, { runValidators: true }).exec();
  }
  async listIds(filter: { status?: Athlete['status']; simulated?: boolean } = {}): Promise<string[]> {
    const q: Record<string, unknown> = {};
    if (filter.status) q.status = filter.status;
    if (filter.simulated !== undefined) q.simulated = filter.simulated;
    return (await this.m.find(q, { _id: 1 }).sort({ _id: 1 }).lean().exec()).map((d) => d._id);
  }
}

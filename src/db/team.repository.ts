/** Teams, chat bindings and memberships (TeamRepository, MembershipRepository). */
import type { Connection, Model } from 'mongoose';
import type { InsertResult, MembershipRepository, TeamRepository } from '../core/ports.ts';
import type { ChatBinding, Membership, Platform, Team } from '../core/types.ts';
import { insertOne, strip, withId } from './schema-helpers.ts';
import {
  bindingId,
  membershipId,
  registerChatBindingModel,
  registerMembershipModel,
  registerTeamModel,
  type ChatBindingDoc,
  type MembershipDoc,
  type TeamDoc,
} from './team.model.ts';

export class MongoTeamRepository implements TeamRepository {
  private readonly m: Model<TeamDoc>;
  private readonly bindings: Model<ChatBindingDoc>;
  constructor(conn: Connection) {
    this.m = registerTeamModel(conn);
    this.bindings = registerChatBindingModel(conn);
  }
  async insert(t: Team): Promise<void> {
    const { id, ...rest } = t;
    await this.m.create({ _id: id, ...rest });
  }
  async get(id: string): Promise<Team | null> {
    const d = await this.m.findById(id).lean().exec();
    return d ? withId<Team>(d) : null;
  }
  async getMany(ids: readonly string[]): Promise<Team[]> {
    if (ids.length === 0) return [];
    return (await this.m.find({ _id: { $in: [...ids] } }).lean().exec()).map((d) => withId<Team>(d));
  }
  async replace(t: Team): Promise<void> {
    const { id, ...rest } = t;
    await this.m.replaceOne({ _id: id }, { _id: id, ...rest }, { runValidators: true }).exec();
  }
  async delete(id: string): Promise<void> {
    await this.bindings.deleteMany({ teamId: id }).exec();
    await this.m.deleteOne({ _id: id }).exec();
  }
  async claimBinding(b: ChatBinding, teamId: string): Promise<InsertResult> {
    return insertOne(this.bindings, { _id: bindingId(b.platform, b.workspaceId, b.channelId), ...b, teamId, createdAt: new Date() });
  }
  async findByBinding(platform: Platform, workspaceId: string, channelId: string): Promise<Team | null> {
    const b = await this.bindings.findById(bindingId(platform, workspaceId, channelId)).lean().exec();
    return b ? this.get(b.teamId) : null;
  }
}

export class MongoMembershipRepository implements MembershipRepository {
  private readonly m: Model<MembershipDoc>;
  constructor(conn: Connection) {
    this.m = registerMembershipModel(conn);
  }
  insert(x: Membership): Promise<InsertResult> {
    return insertOne(this.m, { _id: membershipId(x.teamId, x.personId), ...x });
  }
  async get(teamId: string, personId: string): Promise<Membership | null> {
    const d = await this.m.findById(membershipId(teamId, personId)).lean().exec();
    return d ? (strip(d) as unknown as Membership) : null;
  }
  async replace(x: Membership): Promise<void> {
    await this.m.replaceOne({ _id: membershipId(x.teamId, x.personId) }, { _id: membershipId(x.teamId, x.personId), ...x }, { runValidators: true }).exec();
  }
  async listForTeam(teamId: string): Promise<Membership[]> {
    return (await this.m.find({ teamId }).sort({ joinedAt: 1 }).lean().exec()).map((d) => strip(d) as unknown as Membership);
  }
  async listForPersons(personIds: readonly string[]): Promise<Membership[]> {
    if (personIds.length === 0) return [];
    return (await this.m.find({ personId: { $in: [...personIds] } }).lean().exec()).map((d) => strip(d) as unknown as Membership);
  }
}

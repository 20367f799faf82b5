/** Team invitations (InvitationRepository). Reads by `_id` where it can (FerretDB pushes only that down). */
import type { Connection, Model } from 'mongoose';
import type { InsertResult, InvitationRepository } from '../core/ports.ts';
import type { Invitation } from '../core/types.ts';
import { registerInvitationModel, type InvitationDoc } from './invitation.model.ts';
import { insertOne, withId } from './schema-helpers.ts';

export class MongoInvitationRepository implements InvitationRepository {
  private readonly m: Model<InvitationDoc>;
  constructor(conn: Connection) {
    this.m = registerInvitationModel(conn);
  }
  insert(inv: Invitation): Promise<InsertResult> {
    const { id, ...rest } = inv;
    return insertOne(this.m, { _id: id, ...rest });
  }
  async get(teamId: string, personId: string): Promise<Invitation | null> {
    const d = await this.m.findById(`${teamId}:${personId}`).lean<InvitationDoc>().exec();
    return d ? withId<Invitation>(d) : null;
  }
  async findByCode(code: string): Promise<Invitation | null> {
    const d = await this.m.findOne({ code }).lean<InvitationDoc>().exec();
    return d ? withId<Invitation>(d) : null;
  }
  async replace(inv: Invitation): Promise<void> {
    const { id, ...rest } = inv;
    await this.m.replaceOne({ _id: id }, { _id: id, ...rest }, { runValidators: true }).exec();
  }
  async listForPerson(personId: string): Promise<Invitation[]> {
    return (await this.m.find({ personId }).lean<InvitationDoc[]>().exec()).map((d) => withId<Invitation>(d));
  }
  async listForTeam(teamId: string): Promise<Invitation[]> {
    return (await this.m.find({ teamId }).lean<InvitationDoc[]>().exec()).map((d) => withId<Invitation>(d));
  }
}

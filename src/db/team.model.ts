/**
 * Team, ChatBinding (a chat channel claimed by a team) and Membership (team × person → roles).
 *
 * ChatBinding _id is "<platform>:<workspaceId>:<channelId>": a channel belongs to one team, decided by
 * the primary key. Membership _id is "<teamId>:<personId>": one membership per person per team.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { ROLES, type Platform, type Role } from '../core/types.ts';
import { PLATFORMS } from './person.model.ts';
import { HHMM, modelOf, schema } from './schema-helpers.ts';

const bindingFields = {
  platform: { type: String, required: true, enum: PLATFORMS },
  workspaceId: { type: String, required: true, minlength: 1 },
  channelId: { type: String, required: true, minlength: 1 },
};

export interface TeamDoc {
  _id: string;
  name: string;
  bindings: { platform: Platform; workspaceId: string; channelId: string }[];
  settings: { approvalMode: boolean; units: 'metric' | 'imperial'; defaultMorningTime: string };
  createdAt: Date;
  updatedAt: Date;
}

export const teamSchema = schema<TeamDoc>(
  {
    name: { type: String, required: true, minlength: 1, maxlength: 80 },
    bindings: { type: [new Schema(bindingFields, { _id: false })], default: [] },
    settings: {
      type: new Schema(
        {
          approvalMode: { type: Boolean, required: true },
          units: { type: String, required: true, enum: ['metric', 'imperial'] },
          defaultMorningTime: { type: String, required: true, match: HHMM },
        },
        { _id: false },
      ),
      required: true,
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  'teams',
);

export interface ChatBindingDoc {
  _id: string;
  teamId: string;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  createdAt: Date;
}

export const chatBindingSchema = schema<ChatBindingDoc>({ ...bindingFields, teamId: { type: String, required: true }, createdAt: { type: Date, required: true } }, 'chat_bindings');
chatBindingSchema.index({ teamId: 1 });

export const bindingId = (platform: string, workspaceId: string, channelId: string) => `${platform}:${workspaceId}:${channelId}`;

export interface MembershipDoc {
  _id: string;
  teamId: string;
  personId: string;
  roles: Role[];
  joinedAt: Date;
}

export const membershipSchema = schema<MembershipDoc>(
  {
    teamId: { type: String, required: true },
    personId: { type: String, required: true },
    roles: { type: [{ type: String, enum: ROLES }], required: true, validate: { validator: (r: unknown[]) => r.length > 0, message: 'at least one role' } },
    joinedAt: { type: Date, required: true },
  },
  'memberships',
);
membershipSchema.index({ teamId: 1, personId: 1 }, { unique: true });
membershipSchema.index({ personId: 1 });

export const membershipId = (teamId: string, personId: string) => `${teamId}:${personId}`;

export const registerTeamModel = (conn: Connection): Model<TeamDoc> => modelOf(conn, 'Team', teamSchema);
export const registerChatBindingModel = (conn: Connection): Model<ChatBindingDoc> => modelOf(conn, 'ChatBinding', chatBindingSchema);
export const registerMembershipModel = (conn: Connection): Model<MembershipDoc> => modelOf(conn, 'Membership', membershipSchema);

/**
 * Invitation: a coach's invitation for a person to train in a team (src/core/invitation.use-case.ts).
 * `_id` is `<teamId>:<personId>`, so there is one per pair and the first insert wins on every server;
 * `code` (unique) is what the person answers with.
 */
import type { Connection, Model } from 'mongoose';
import { modelOf, schema } from './schema-helpers.ts';

export interface InvitationDoc {
  _id: string;
  teamId: string;
  personId: string;
  code: string;
  invitedBy: string;
  status: 'pending' | 'accepted' | 'declined';
  createdAt: Date;
  expiresAt: Date;
  answeredAt?: Date;
}

export const invitationSchema = schema<InvitationDoc>(
  {
    teamId: { type: String, required: true },
    personId: { type: String, required: true },
    code: { type: String, required: true, match: /^[A-Z0-9]{4}-[A-Z0-9]{4}$/ },
    invitedBy: { type: String, required: true },
    status: { type: String, required: true, enum: ['pending', 'accepted', 'declined'] },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    answeredAt: Date,
  },
  'invitations',
);
invitationSchema.index({ code: 1 }, { unique: true });
invitationSchema.index({ personId: 1 });
invitationSchema.index({ teamId: 1 });

export const registerInvitationModel = (conn: Connection): Model<InvitationDoc> => modelOf(conn, 'Invitation', invitationSchema);

/**
 * AuditLog: who did what to which target, when, with before/after and the reason. Append-only.
 * `actor` is a person (id + platform) or a system component; person erasure anonymises the actor.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { AuditEntry } from '../core/types.ts';
import { modelOf, schema } from './schema-helpers.ts';

export type AuditDoc = Omit<AuditEntry, 'id'> & { _id: string };

export const auditSchema = schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    actor: {
      type: new Schema({ kind: { type: String, required: true, enum: ['person', 'system'] }, personId: String, platform: String, name: String }, { _id: false }),
      required: true,
    },
    action: { type: String, required: true, maxlength: 60 },
    target: {
      type: new Schema({ kind: { type: String, required: true }, id: String, athleteId: String, teamId: String, date: String }, { _id: false }),
      required: true,
    },
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
    reason: { type: String, maxlength: 1000 },
  },
  'audit_log',
);
auditSchema.index({ 'target.athleteId': 1, at: -1 });
auditSchema.index({ 'target.teamId': 1, at: -1 });
auditSchema.index({ 'actor.personId': 1 });
auditSchema.index({ action: 1, at: -1 });

export const registerAuditModel = (conn: Connection): Model<AuditDoc> => modelOf(conn, 'AuditLog', auditSchema);

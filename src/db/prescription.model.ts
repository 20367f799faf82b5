/**
 * Prescription: one per (athleteId, date), unique — the insert that creates it is the race arbiter for
 * concurrent prescribeForDay calls. Holds the state snapshot, the mask (allowed + blocked with reasons),
 * the chosen session, alternatives, reasons, policy version, inputs hash, the coach override (who, why,
 * when, previous session), the approval state and the delivery status per channel.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { SESSION_TYPES } from '../../twin/types.ts';
import type { PrescriptionRecord } from '../core/types.ts';
import { isoDate, modelOf, schema } from './schema-helpers.ts';

const sessionSchema = new Schema(
  {
    type: { type: String, required: true, enum: SESSION_TYPES },
    minutes: { type: Number, required: true, min: 0, max: 1440 },
    targetLoad: { type: Number, required: true, min: 0 },
    intensity: { type: String, default: '' },
    description: { type: String, default: '' },
    actionId: Number,
    dose: String,
  },
  { _id: false },
);

export type PrescriptionDoc = Omit<PrescriptionRecord, 'id'> & { _id: string };

export const prescriptionSchema = schema<PrescriptionDoc>(
  {
    athleteId: { type: String, required: true },
    date: isoDate(),
    revision: { type: Number, required: true, min: 1 },
    state: { type: Schema.Types.Mixed, default: {} },
    mask: {
      type: new Schema({ allowed: [{ type: String, enum: SESSION_TYPES }], blocked: { type: [Schema.Types.Mixed], default: [] } }, { _id: false }),
      required: true,
    },
    session: { type: sessionSchema, required: true },
    alternatives: [{ type: String, enum: SESSION_TYPES }],
    reasons: { type: [Schema.Types.Mixed], default: [] },
    policy: { type: String, required: true },
    inputsHash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
    override: {
      type: new Schema(
        {
          session: { type: sessionSchema, required: true },
          reason: { type: String, required: true, maxlength: 500 },
          by: { type: String, required: true },
          at: { type: Date, required: true },
          previous: { type: Schema.Types.Mixed, default: null },
          breaks: { type: [new Schema({ rule: { type: String, required: true }, reason: { type: String, required: true } }, { _id: false })], default: undefined },
        },
        { _id: false },
      ),
      required: false,
    },
    approval: {
      type: new Schema({ state: { type: String, required: true, enum: ['pending', 'approved', 'not_required'] }, by: String, at: Date }, { _id: false }),
      required: true,
    },
    delivery: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  'prescriptions',
);
prescriptionSchema.index({ athleteId: 1, date: 1 }, { unique: true });
prescriptionSchema.index({ date: 1, 'approval.state': 1 }); // approve all pending of a day; delivery

export const registerPrescriptionModel = (conn: Connection): Model<PrescriptionDoc> => modelOf(conn, 'Prescription', prescriptionSchema);

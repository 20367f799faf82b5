/** Constraint: coach-set limits (agent/decision.ts ConstraintKind) with an inclusive validity window. */
import type { Connection, Model } from 'mongoose';
import type { ConstraintRecord } from '../core/types.ts';
import { isoDate, modelOf, schema } from './schema-helpers.ts';

export type ConstraintDoc = Omit<ConstraintRecord, 'id'> & { _id: string };

export const constraintSchema = schema<ConstraintDoc>(
  {
    athleteId: { type: String, required: true },
    kind: { type: String, required: true, enum: ['no_high_intensity', 'max_load', 'rest_only', 'no_impact'] },
    value: { type: Number, min: 1, max: 1000 },
    from: isoDate(),
    to: isoDate(false),
    reason: { type: String, maxlength: 500 },
    by: { type: String, required: true },
    active: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    removedAt: Date,
    removedBy: String,
  },
  'constraints',
);
constraintSchema.index({ athleteId: 1, active: 1, from: 1 });

export const registerConstraintModel = (conn: Connection): Model<ConstraintDoc> => modelOf(conn, 'Constraint', constraintSchema);

/**
 * TwinParams: versioned twin parameters per athlete. _id "<athleteId>#<version>" (and a unique
 * (athleteId, version) index): appending version n+1 is an insert, so two concurrent updates cannot both
 * become version n+1 — the loser retries as n+2. The highest version wins.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { TwinParamsRecord } from '../core/types.ts';
import { modelOf, schema } from './schema-helpers.ts';

export type TwinParamsDoc = TwinParamsRecord & { _id: string };

export const twinParamsSchema = schema<TwinParamsDoc>(
  {
    athleteId: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    params: { type: Schema.Types.Mixed, required: true },
    uncertainty: Schema.Types.Mixed,
    source: { type: String, required: true, enum: ['default', 'calibration', 'feedback'] },
    basedOn: String,
    createdAt: { type: Date, required: true },
  },
  'twin_params',
);
twinParamsSchema.index({ athleteId: 1, version: -1 }, { unique: true });

export const twinParamsId = (athleteId: string, version: number) => `${athleteId}#${version}`;

export const registerTwinParamsModel = (conn: Connection): Model<TwinParamsDoc> => modelOf(conn, 'TwinParams', twinParamsSchema);

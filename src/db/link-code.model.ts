/** LinkCode: one-time codes that link a second chat account to a person (_id = the code, 8 characters). */
import type { Connection, Model } from 'mongoose';
import { PLATFORMS } from './person.model.ts';
import { modelOf, schema } from './schema-helpers.ts';
import type { Platform } from '../core/types.ts';

export interface LinkCodeDoc {
  _id: string;
  personId: string;
  platform: Platform;
  createdAt: Date;
  expiresAt: Date;
  usedAt?: Date;
}

export const linkCodeSchema = schema<LinkCodeDoc>(
  {
    personId: { type: String, required: true },
    platform: { type: String, required: true, enum: PLATFORMS },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
  },
  'link_codes',
);
linkCodeSchema.index({ personId: 1 });

export const registerLinkCodeModel = (conn: Connection): Model<LinkCodeDoc> => modelOf(conn, 'LinkCode', linkCodeSchema);

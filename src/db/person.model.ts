/**
 * Person (one human) and Identity (a chat account pointing at a person).
 *
 * Identity _id is "<platform>:<userId>", so one chat account can belong to one person only — enforced by
 * the primary key, the one index every server makes atomic. The unique (personId, platform) index keeps
 * one account per platform per person (link a second platform, never a second Discord account).
 */
import type { Connection, Model } from 'mongoose';
import { isValidZone } from '../core/local-time.ts';
import { modelOf, schema } from './schema-helpers.ts';
import type { Platform } from '../core/types.ts';

export const PLATFORMS: readonly Platform[] = ['discord', 'slack', 'console'];

export interface PersonDoc {
  _id: string;
  displayName: string;
  timezone: string;
  dmsEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const personSchema = schema<PersonDoc>(
  {
    displayName: { type: String, required: true, minlength: 1, maxlength: 80, trim: true },
    timezone: { type: String, required: true, validate: { validator: isValidZone, message: '{VALUE} is not an IANA time zone' } },
    dmsEnabled: { type: Boolean, required: true, default: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  'persons',
);

export interface IdentityDoc {
  _id: string;
  platform: Platform;
  userId: string;
  personId: string;
  linkedAt: Date;
}

export const identitySchema = schema<IdentityDoc>(
  {
    platform: { type: String, required: true, enum: PLATFORMS },
    userId: { type: String, required: true, minlength: 1, maxlength: 64 },
    personId: { type: String, required: true },
    linkedAt: { type: Date, required: true },
  },
  'identities',
);
identitySchema.index({ personId: 1, platform: 1 }, { unique: true });

export const identityId = (platform: string, userId: string) => `${platform}:${userId}`;

export const registerPersonModel = (conn: Connection): Model<PersonDoc> => modelOf(conn, 'Person', personSchema);
export const registerIdentityModel = (conn: Connection): Model<IdentityDoc> => modelOf(conn, 'Identity', identitySchema);

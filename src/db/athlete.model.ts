/**
 * Athlete: the athlete profile of a Person, stored under the person's id (_id = personId), so a person
 * has at most one profile and athleteId === personId everywhere.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { LEVELS, SPORTS, type Level, type Sport } from '../../twin/types.ts';
import { HHMM, isoDate, modelOf, schema } from './schema-helpers.ts';

export interface AthleteDoc {
  _id: string;
  sport: Sport;
  level: Level;
  goalDate?: string;
  goalName?: string;
  morningTime: string;
  status: 'active' | 'paused';
  pausedAt?: Date;
  consent: { givenAt: Date; version: string };
  simulated: boolean;
  /** What team channels show of the athlete; unset = 'session' (the privacy-preserving default). */
  teamChannel?: 'session' | 'readiness';
  createdAt: Date;
  updatedAt: Date;
}

export const athleteSchema = schema<AthleteDoc>(
  {
    sport: { type: String, required: true, enum: SPORTS },
    level: { type: String, required: true, enum: LEVELS },
    goalDate: isoDate(false),
    goalName: { type: String, maxlength: 80 },
    morningTime: { type: String, required: true, match: [HHMM, '{VALUE} is not HH:MM'] },
    status: { type: String, required: true, enum: ['active', 'paused'] },
    pausedAt: Date,
    consent: {
      type: new Schema({ givenAt: { type: Date, required: true }, version: { type: String, required: true, minlength: 1 } }, { _id: false }),
      required: true,
    },
    simulated: { type: Boolean, required: true, default: false },
    teamChannel: { type: String, enum: ['session', 'readiness'] },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  'athletes',
);
// The morning job: active athletes by their local morning time.
athleteSchema.index({ status: 1, morningTime: 1 });

export const registerAthleteModel = (conn: Connection): Model<AthleteDoc> => modelOf(conn, 'Athlete', athleteSchema);

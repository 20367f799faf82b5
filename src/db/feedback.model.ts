/**
 * Feedback: what an athlete told us about one day — one document per (athleteId, date, slot), unique.
 * Ranges mirror the use-case validation (RPE 1–10, minutes 0–600, soreness and wellness 1–5, notes
 * ≤ 1000 characters) so nothing else can write an out-of-range value either.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { SESSION_TYPES } from '../../twin/types.ts';
import { COMPLETIONS, type FeedbackRecord } from '../core/types.ts';
import { isoDate, modelOf, schema } from './schema-helpers.ts';

const int = (min: number, max: number) => ({ type: Number, min, max, validate: { validator: Number.isInteger, message: '{VALUE} is not a whole number' } });

export type FeedbackDoc = Omit<FeedbackRecord, 'id'> & { _id: string };

export const feedbackSchema = schema<FeedbackDoc>(
  {
    athleteId: { type: String, required: true },
    date: isoDate(),
    slot: { type: String, required: true, match: /^[a-z0-9_-]{1,20}$/ },
    sessionRef: String,
    sessionType: { type: String, enum: SESSION_TYPES },
    rpe: int(1, 10),
    minutes: int(0, 600),
    completion: { type: String, enum: COMPLETIONS },
    soreness: int(1, 5),
    wellness: {
      type: new Schema({ sleepQuality: int(1, 5), fatigue: int(1, 5), stress: int(1, 5), mood: int(1, 5), soreness: int(1, 5) }, { _id: false }),
      required: false,
    },
    tests: {
      type: [
        new Schema(
          {
            test: { type: String, required: true, minlength: 1, maxlength: 40 },
            value: { type: Number, required: true, min: 0 },
            unit: { type: String, required: true, minlength: 1, maxlength: 16 },
            higherIsBetter: { type: Boolean, required: true },
          },
          { _id: false },
        ),
      ],
      default: [],
    },
    illness: Boolean,
    injury: Boolean,
    notes: { type: String, maxlength: 1000 },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    editableUntil: { type: Date, required: true },
    editCount: { type: Number, required: true, min: 0 },
  },
  'feedback',
);
feedbackSchema.index({ athleteId: 1, date: 1, slot: 1 }, { unique: true });

export const registerFeedbackModel = (conn: Connection): Model<FeedbackDoc> => modelOf(conn, 'Feedback', feedbackSchema);

import { Schema } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/db.ts';

// Exercises exactly the MongoDB features the product relies on, on the embedded FerretDB (or MONGODB_URI).
interface Claim {
  athleteId: string;
  date: string;
  channel: string;
  status: 'pending' | 'claimed' | 'sent';
  leaseUntil?: Date;
  owner?: string;
  attempts: number;
  load?: number;
}

const claimSchema = new Schema<Claim>({
  athleteId: { type: String, required: true },
  date: { type: String, required: true },
  channel: { type: String, required: true },
  status: { type: String, required: true, enum: ['pending', 'claimed', 'sent'] },
  leaseUntil: Date,
  owner: String,
  attempts: { type: Number, default: 0 },
  load: Number,
});
claimSchema.index({ athleteId: 1, date: 1, channel: 1 }, { unique: true });

const db = useTestDatabase({ register: (c) => c.model<Claim>('Claim', claimSchema) });
const Claims = () => db.connection.model<Claim>('Claim');

describe('mongoose on the test database', () => {
  it('when a document is inserted then find returns it', async () => {
    await Claims().create({ athleteId: 'a1', date: '2026-11-20', channel: 'discord', status: 'pending', load: 80 });
    const found = await Claims().findOne({ athleteId: 'a1', date: '2026-11-20' }).lean();
    expect(found?.channel).toBe('discord');
    expect(found?.load).toBe(80);
  });

  it('when the same key is inserted twice then the unique index rejects it with code 11000', async () => {
    await Claims().create({ athleteId: 'a2', date: '2026-11-20', channel: 'slack', status: 'pending' });
    await expect(Claims().create({ athleteId: 'a2', date: '2026-11-20', channel: 'slack', status: 'pending' })).rejects.toMatchObject({
      code: 11000,
    });
    expect(await Claims().countDocuments({ athleteId: 'a2' })).toBe(1);
  });

  it('when updateOne upserts twice then one document exists with the last values', async () => {
    for (const load of [10, 20]) {
      await Claims().updateOne(
        { athleteId: 'a3', date: '2026-11-21', channel: 'discord' },
        { $set: { load }, $setOnInsert: { status: 'pending' } },
        { upsert: true },
      );
    }
    const docs = await Claims().find({ athleteId: 'a3' }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]?.load).toBe(20);
    expect(docs[0]?.status).toBe('pending');
  });

  it('when findOneAndUpdate has a condition then it updates only a matching document and returns null otherwise', async () => {
    await Claims().create({ athleteId: 'a4', date: '2026-11-22', channel: 'discord', status: 'pending' });
    const claim = (owner: string) =>
      Claims()
        .findOneAndUpdate(
          { athleteId: 'a4', date: '2026-11-22', channel: 'discord', status: 'pending' },
          { $set: { status: 'claimed', owner }, $inc: { attempts: 1 } },
          { new: true },
        )
        .lean();
    const first = await claim('w1');
    const second = await claim('w2');
    expect(first).toMatchObject({ owner: 'w1', status: 'claimed', attempts: 1 });
    expect(second).toBeNull();
    const stored = await Claims().findOne({ athleteId: 'a4' }).lean();
    expect(stored).toMatchObject({ owner: 'w1', attempts: 1 });
  });

  it('when an expired lease exists then another worker can take it over', async () => {
    await Claims().create({
      athleteId: 'a5',
      date: '2026-11-22',
      channel: 'slack',
      status: 'claimed',
      owner: 'crashed',
      leaseUntil: new Date(Date.now() - 1_000),
    });
    const taken = await Claims()
      .findOneAndUpdate(
        { athleteId: 'a5', $or: [{ status: 'pending' }, { status: 'claimed', leaseUntil: { $lt: new Date() } }] },
        { $set: { owner: 'fresh', leaseUntil: new Date(Date.now() + 60_000) } },
        { new: true },
      )
      .lean();
    expect(taken?.owner).toBe('fresh');
  });

  it('when documents are grouped with aggregate then sums are per group', async () => {
    await Claims().insertMany([
      { athleteId: 'g1', date: '2026-10-01', channel: 'c', status: 'sent', load: 50 },
      { athleteId: 'g1', date: '2026-10-02', channel: 'c', status: 'sent', load: 70 },
      { athleteId: 'g2', date: '2026-10-01', channel: 'c', status: 'sent', load: 30 },
    ]);
    const rows = await Claims().aggregate<{ _id: string; total: number; n: number }>([
      { $match: { status: 'sent' } },
      // One accumulator per $group: FerretDB 1.24 computes only the first of several (src/db/README.md).
      { $group: { _id: '$athleteId', total: { $sum: '$load' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).toEqual([
      { _id: 'g1', total: 120 },
      { _id: 'g2', total: 30 },
    ]);
    expect(await Claims().countDocuments({ status: 'sent' })).toBe(3);
  });
});

/**
 * tools/ferretdb/idindex.go: on the embedded FerretDB, a lookup by _id must search an index (FerretDB
 * 1.24's own _id index does not match the expression its queries push down, so without the keeper every
 * {_id} lookup scans the table). On a real MongoDB (MONGODB_URI) the _id index is always used.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/db.ts';

const db = useTestDatabase();

const planOf = async (collection: string, filter: Record<string, unknown>): Promise<string> => {
  const ex = await db.connection.db!.command({ explain: { find: collection, filter, limit: 1 } });
  return JSON.stringify(ex.queryPlanner);
};

const embedded = !process.env.MONGODB_URI;

/**
 * The keeper polls every 300 ms; FerretDB's pooled connections see a new index from their next write on,
 * so each look writes first (to a scratch collection of the same database).
 */
async function planOnceIndexed(collection: string, id: string): Promise<string> {
  let plan = '';
  for (let waited = 0; waited < 10_000; waited += 100) {
    await db.connection.db!.collection('id_index_touch').updateOne({ _id: 'touch' } as never, { $inc: { n: 1 } }, { upsert: true });
    plan = await planOf(collection, { _id: id });
    if (plan.includes('SEARCH')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return plan;
}

describe.runIf(embedded)('embedded FerretDB: _id lookups use an index', () => {
  it('when a collection is created then within a few seconds a find by _id searches an index and a find by another field still scans', async () => {
    const c = db.connection.db!.collection<{ _id: string; n: number }>('id_index_probe');
    await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: `k${i}`, n: i })));
    expect(await planOnceIndexed('id_index_probe', 'k7')).toMatch(/SEARCH \S+ USING INDEX \S+__id_pushdown/);
    expect(await planOf('id_index_probe', { n: 7 })).toMatch(/SCAN/);
    // the index changes how rows are found, never which
    expect(await c.findOne({ _id: 'k7' })).toEqual({ _id: 'k7', n: 7 });
    expect(await c.findOne({ _id: 'missing' })).toBeNull();
    await c.updateOne({ _id: 'k7' }, { $set: { n: 70 } });
    expect(await c.findOne({ _id: 'k7' })).toEqual({ _id: 'k7', n: 70 });
  });

  it('when a collection is dropped and created again then the new table gets its index too', async () => {
    const c = db.connection.db!.collection<{ _id: string }>('id_index_again');
    await c.insertOne({ _id: 'a' });
    await c.drop();
    await c.insertOne({ _id: 'b' });
    expect(await planOnceIndexed('id_index_again', 'b')).toMatch(/USING INDEX \S+__id_pushdown/);
    expect(await c.findOne({ _id: 'b' })).toEqual({ _id: 'b' });
  });
});

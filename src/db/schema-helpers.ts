/**
 * Shared bits for the models: string ids, date/time field definitions, lean-document mapping, and the
 * duplicate-key check (the one atomic primitive on FerretDB and MongoDB, see README).
 */
import { Schema, type Connection, type Model, type SchemaDefinition, type SchemaOptions } from 'mongoose';
import { isDuplicateKey } from './lease.repository.ts';
import type { InsertResult } from '../core/ports.ts';

export { isDuplicateKey };

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export const isoDate = (required = true) => ({ type: String, required, match: [ISO_DATE, '{VALUE} is not yyyy-mm-dd'] as [RegExp, string] });

/** Every model: string _id, no __v, empty objects kept (state: {} and delivery: {} are meaningful). */
export function schema<T>(definition: SchemaDefinition, collection: string, options: SchemaOptions = {}): Schema<T> {
  return new Schema<T>({ _id: { type: String, required: true }, ...definition } as SchemaDefinition, {
    versionKey: false,
    minimize: false,
    collection,
    strict: 'throw',
    ...options,
  } as never) as unknown as Schema<T>;
}

export function modelOf<T>(conn: Connection, name: string, s: Schema<T>): Model<T> {
  return (conn.models[name] as Model<T> | undefined) ?? conn.model<T>(name, s);
}

/** Drop _id (and anything else named) from a lean document. */
export function strip<T extends object>(doc: T, ...keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (k !== '_id' && !keys.includes(k) && v !== null && v !== undefined) out[k] = v;
  return out;
}

/** Lean _id → id. */
export function withId<R>(doc: object): R {
  const d = doc as Record<string, unknown>;
  return { id: d._id, ...strip(d) } as R;
}

export async function insertOne(model: Model<any>, doc: object): Promise<InsertResult> {
  try {
    await model.create(doc);
    return 'inserted';
  } catch (err) {
    if (isDuplicateKey(err)) return 'duplicate';
    throw err;
  }
}

/** BSON Binary / Buffer / Uint8Array → Buffer (lean() returns BSON Binary for Buffer fields). */
export function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  const b = (v as { buffer?: unknown })?.buffer;
  if (b instanceof Uint8Array) return Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  throw new TypeError('not binary data');
}

export function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
}

/**
 * A versioned policy model: weights + the feature spec they expect + the action list + how it was
 * trained + how it evaluated. One JSON document (weights base64 little-endian float32), so the same bytes
 * go to a file (CLI, the default model shipped in models/) or a MongoDB document (the service's model store).
 */
import type { NetworkShape, NetworkWeights } from './network.ts';

export const MODEL_FORMAT = 'twincoach-dqn/1';

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  name: string;
  version: string;
  createdAt: string;
  /** Feature names in input order; loading fails if the running code's features differ. */
  features: string[];
  /** Action labels in output order (catalogue ids 0..n−1). */
  actions: string[];
  shape: NetworkShape;
  /** Input normalisation applied before the network (x − mean) / std, per feature. */
  normalization?: { mean: number[]; std: number[] };
  training: Record<string, unknown>;
  evaluation: Record<string, unknown>;
  weights: { name: string; shape: number[]; base64: string }[];
}

function toBase64(data: Float32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

function fromBase64(b64: string, expectedLength: number, name: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength !== expectedLength * 4) throw new Error(`model weight ${name}: ${buf.byteLength} bytes, expected ${expectedLength * 4}`);
  const out = new Float32Array(expectedLength);
  for (let i = 0; i < expectedLength; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

export function encodeModel(meta: Omit<ModelFile, 'format' | 'weights' | 'shape'>, weights: NetworkWeights): ModelFile {
  return {
    format: MODEL_FORMAT,
    ...meta,
    shape: weights.shape,
    weights: weights.tensors.map((t) => ({ name: t.name, shape: t.shape, base64: toBase64(t.data) })),
  };
}

/** Parse and validate a model document; throws with the first problem found. */
export function decodeModel(json: unknown, expect?: { features?: string[]; actions?: string[] }): { file: ModelFile; weights: NetworkWeights } {
  const m = json as Partial<ModelFile>;
  if (!m || typeof m !== 'object' || m.format !== MODEL_FORMAT) throw new Error(`not a ${MODEL_FORMAT} model (format: ${String(m?.format)})`);
  if (!m.shape || !Array.isArray(m.weights) || !Array.isArray(m.features) || !Array.isArray(m.actions)) throw new Error('model is missing shape, weights, features or actions');
  if (m.features.length !== m.shape.inputDim) throw new Error(`model lists ${m.features.length} features but its input is ${m.shape.inputDim}`);
  if (m.actions.length !== m.shape.numActions) throw new Error(`model lists ${m.actions.length} actions but its output is ${m.shape.numActions}`);
  if (expect?.features && expect.features.join('|') !== m.features.join('|')) {
    const diff = expect.features.filter((f, i) => m.features![i] !== f).slice(0, 3);
    throw new Error(`model ${m.name}@${m.version} was trained on different features (first differences: ${diff.join(', ')}); retrain it`);
  }
  if (expect?.actions && expect.actions.join('|') !== m.actions.join('|')) throw new Error(`model ${m.name}@${m.version} was trained on a different action catalogue; retrain it`);
  const weights: NetworkWeights = {
    shape: m.shape,
    tensors: m.weights.map((w) => ({ name: w.name, shape: w.shape, data: fromBase64(w.base64, w.shape.reduce((a, b) => a * b, 1), w.name) })),
  };
  return { file: m as ModelFile, weights };
}

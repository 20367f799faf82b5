/**
 * PolicyModel: versioned policy weights (binary) with feature spec, training config and evaluation;
 * unique (name, version). PolicyActivation: the "which model is active" pointer as an append-only chain
 * (_id "active#<seq>"): activating inserts seq n+1, the highest seq is active. An insert on a unique key is
 * atomic on FerretDB and MongoDB; flipping an `active` flag with updates is not (two could end up active).
 * Weights live inside the document: keep models well under the 16 MB document limit.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { modelOf, schema } from './schema-helpers.ts';

export interface PolicyModelDoc {
  _id: string;
  name: string;
  version: number;
  weights: Buffer;
  featureSpec: { version: string; names: string[] };
  trainingConfig: Record<string, unknown>;
  evaluation: Record<string, unknown>;
  createdAt: Date;
}

export const policyModelSchema = schema<PolicyModelDoc>(
  {
    name: { type: String, required: true, match: /^[a-z0-9_-]{1,40}$/ },
    version: { type: Number, required: true, min: 1 },
    weights: { type: Buffer, required: true },
    featureSpec: {
      type: new Schema({ version: { type: String, required: true }, names: { type: [String], required: true } }, { _id: false }),
      required: true,
    },
    trainingConfig: { type: Schema.Types.Mixed, default: {} },
    evaluation: { type: Schema.Types.Mixed, default: {} },
    createdAt: { type: Date, required: true },
  },
  'policy_models',
);
policyModelSchema.index({ name: 1, version: -1 }, { unique: true });

export interface PolicyActivationDoc {
  _id: string;
  seq: number;
  modelId: string;
  by: string;
  reason?: string;
  at: Date;
}

export const policyActivationSchema = schema<PolicyActivationDoc>(
  {
    seq: { type: Number, required: true, min: 1 },
    modelId: { type: String, required: true },
    by: { type: String, required: true },
    reason: { type: String, maxlength: 500 },
    at: { type: Date, required: true },
  },
  'policy_activations',
);
policyActivationSchema.index({ seq: -1 });

export const registerPolicyModelModel = (conn: Connection): Model<PolicyModelDoc> => modelOf(conn, 'PolicyModel', policyModelSchema);
export const registerPolicyActivationModel = (conn: Connection): Model<PolicyActivationDoc> => modelOf(conn, 'PolicyActivation', policyActivationSchema);

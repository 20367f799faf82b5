// The adapter-agnostic DecisionEngine contract, run against the deterministic test engine.
import { decisionEngineContract } from './support/decision-engine.contract.ts';
import { FakeEngine } from './support/fake-engine.ts';

decisionEngineContract('FakeEngine (tests/src/core/support)', () => new FakeEngine());

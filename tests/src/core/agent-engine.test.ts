import { HrvPolicy, StaticPolicy } from '../../../agent/baselines/index.ts';
import { DecisionEngine } from '../../../agent/engine.ts';
import { agentDecisionEngine } from '../../../src/core/agent-engine.ts';
import { decisionEngineContract } from './support/decision-engine.contract.ts';

decisionEngineContract('agent engine with the hrv baseline', () => agentDecisionEngine(new DecisionEngine({ policy: new HrvPolicy() })));
decisionEngineContract('agent engine with the static baseline, chunked', () => agentDecisionEngine(new DecisionEngine({ policy: new StaticPolicy() }), 2));

/**
 * The core's DecisionEngine port backed by the agent's engine. Large batches are decided in chunks with
 * a yield to the event loop between them, so a 10,000-athlete morning never blocks chat acknowledgements
 * (Slack and Discord want an answer within 3 s).
 */
import type { Decision, DecisionRequest } from '../../agent/decision.ts';
import type { DecisionEngine as AgentEngine } from '../../agent/engine.ts';
import type { DecisionEngine } from './ports.ts';

export function agentDecisionEngine(engine: AgentEngine, chunkSize = 500): DecisionEngine {
  return {
    async decide(requests: DecisionRequest[]): Promise<Decision[]> {
      if (requests.length <= chunkSize) return engine.decideBatch(requests);
      const out: Decision[] = [];
      for (let i = 0; i < requests.length; i += chunkSize) {
        out.push(...engine.decideBatch(requests.slice(i, i + chunkSize)));
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return out;
    },
  };
}

/**
 * In-memory implementations of the delivery ports, for local mode (console chat, no database needed
 * for deliveries) and for unit tests. Same semantics as LeaseRepository: a lease is a chain of
 * generations; done is final; an expired or released generation lets the next one be taken.
 */
import type { DeliveryLeases, DeliveryStatusPort, DeliveryStatusRecord, LeaseAcquireResult } from './ports.ts';

interface Gen {
  gen: number;
  owner: string;
  state: 'held' | 'done' | 'released';
  until: Date;
}

export class InMemoryDeliveryLeases implements DeliveryLeases {
  private readonly chains = new Map<string, Gen[]>();

  async acquire(key: string, owner: string, ttlMs: number, now: Date = new Date()): Promise<LeaseAcquireResult> {
    const chain = this.chains.get(key) ?? [];
    const latest = chain[chain.length - 1];
    if (latest?.state === 'done') return { acquired: false, reason: 'done', owner: latest.owner, until: latest.until };
    if (latest?.state === 'held' && latest.until.getTime() > now.getTime())
      return { acquired: false, reason: 'held', owner: latest.owner, until: latest.until };
    const gen = latest ? latest.gen + 1 : 0;
    chain.push({ gen, owner, state: 'held', until: new Date(now.getTime() + ttlMs) });
    this.chains.set(key, chain);
    return { acquired: true, gen, takeover: latest?.state === 'held' };
  }

  async complete(key: string, gen: number): Promise<boolean> {
    const chain = this.chains.get(key) ?? [];
    const g = chain.find((x) => x.gen === gen);
    if (g) g.state = 'done';
    return chain[chain.length - 1]?.gen === gen;
  }

  async release(key: string, gen: number): Promise<void> {
    const g = (this.chains.get(key) ?? []).find((x) => x.gen === gen);
    if (g?.state === 'held') g.state = 'released';
  }

  async isDone(key: string): Promise<boolean> {
    const chain = this.chains.get(key) ?? [];
    return chain[chain.length - 1]?.state === 'done';
  }
}

export class InMemoryDeliveryStatus implements DeliveryStatusPort {
  readonly records: DeliveryStatusRecord[] = [];

  async record(status: DeliveryStatusRecord): Promise<void> {
    this.records.push(status);
  }

  /** The latest record per delivery key. */
  latest(deliveryKey: string): DeliveryStatusRecord | undefined {
    return [...this.records].reverse().find((r) => r.deliveryKey === deliveryKey);
  }
}

import os from 'node:os';

/** One line of machine facts every benchmark prints next to its figures. */
export function machineFacts(extra: Record<string, string> = {}): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const facts = { node: process.version, cpu, cores: String(os.cpus().length), memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`, ...extra };
  return Object.entries(facts)
    .map(([k, v]) => `${k}=${v}`)
    .join(' · ');
}

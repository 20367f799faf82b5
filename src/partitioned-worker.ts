/**
 * The partitioned-worker role, wired for src/app.ts. With WORKER_PARTITIONS = P > 0 (and a database shared
 * with other processes) this process:
 *
 * - takes a fair share of P partitions through src/db/partition-ownership.ts (renewable leases on
 *   unique-`_id` inserts; a dead worker's partitions move within a lease period), and its jobs see only the
 *   athletes of those partitions (SharedSchedules.partition → jobs/partitions.ts);
 * - sends through shared rate limits per bot token (src/db/rate-slots.ts): Discord's global per-bot limit
 *   (4 per 100 ms: ≤ 40/s, ≤ 44 in any second, under the 50/s), Slack's ~1 message per second per channel
 *   (1 per 1.1 s window per channel, as the per-process pacer), whatever the number of workers.
 *
 * WORKER_PARTITIONS = 0 (the default, and local mode) builds nothing: one process owns every athlete and
 * does no partition work at all.
 */
import type { PartitionView } from '../jobs/partitions.ts';
import type { RateGate } from './chat/pacing.ts';
import type { Connection } from './db/connection.ts';
import { PartitionOwnership, workerIdOf } from './db/partition-ownership.ts';
import { SharedRateLimiter, tokenScope } from './db/rate-slots.ts';
import type { Logger } from './logger.ts';

export interface PartitionedWorkerOptions {
  partitions: number;
  workerId?: string;
  /** Partition lease period, ms. Default 30 000. */
  leaseMs?: number | undefined;
  discordToken?: string | undefined;
  slackToken?: string | undefined;
  logger: Logger;
}

export interface PartitionedWorker {
  readonly workerId: string;
  readonly view: PartitionView;
  readonly discordGate?: RateGate;
  readonly slackGate?: RateGate;
  /** First round (claims a share), then renewals in the background; `onChange` after every change of the share. */
  start(onChange: (held: number[]) => void): Promise<void>;
  /** Hand the partitions back (the others take them on their next round) and clean up own rate slots. */
  stop(): Promise<void>;
}

export function partitionedWorker(conn: Connection, options: PartitionedWorkerOptions): PartitionedWorker {
  const workerId = options.workerId ?? workerIdOf();
  const log = options.logger.child({ component: 'partitions', workerId });
  let changed: (held: number[]) => void = () => undefined;
  const ownership = new PartitionOwnership(conn, {
    workerId,
    count: options.partitions,
    ...(options.leaseMs ? { ttlMs: options.leaseMs } : {}),
    onChange: (held) => {
      log.info({ held: held.length, of: options.partitions }, 'partitions changed');
      changed(held);
    },
    onError: (err) => log.warn({ err }, 'partition round failed; the next round retries'),
  });
  const discord = options.discordToken ? new SharedRateLimiter(conn, { scope: tokenScope('discord', options.discordToken), limit: 4, windowMs: 100 }) : undefined;
  const slack = options.slackToken ? new SharedRateLimiter(conn, { scope: tokenScope('slack', options.slackToken), limit: 1, windowMs: 1_100 }) : undefined;
  return {
    workerId,
    view: ownership,
    ...(discord ? { discordGate: discord } : {}),
    ...(slack ? { slackGate: slack } : {}),
    async start(onChange) {
      changed = onChange;
      await ownership.start();
      log.info({ held: ownership.owned().length, of: options.partitions }, 'partitioned worker started');
    },
    async stop() {
      await ownership.stop();
      await discord?.close();
      await slack?.close();
    },
  };
}

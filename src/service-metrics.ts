/**
 * The service's own Prometheus metrics, beside the HTTP ones (src/http/server.ts) and the job runs:
 *
 *   twincoach_commands_total{command, platform, outcome}      every dispatched command: ok or its error code
 *   twincoach_deliveries_total{platform, kind, status}        every outbox delivery: sent, fallback,
 *                                                             already_sent, in_progress, failed
 *   twincoach_deliveries_in_flight                            deliveries being sent right now
 *
 * app.ts records them where the events happen (its dispatch wrapper and the tracked delivery).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ServiceMetrics {
  command(command: string, platform: string, outcome: string): void;
  delivery(platform: string, kind: string, status: string): void;
  inFlight(delta: 1 | -1): void;
}

export function createServiceMetrics(registry: Registry): ServiceMetrics {
  const commands = new Counter({ name: 'twincoach_commands_total', help: 'Chat commands by command, platform and outcome (ok or the error code)', labelNames: ['command', 'platform', 'outcome'] as const, registers: [registry] });
  const deliveries = new Counter({ name: 'twincoach_deliveries_total', help: 'Outbox deliveries by platform, target kind and status', labelNames: ['platform', 'kind', 'status'] as const, registers: [registry] });
  const inFlight = new Gauge({ name: 'twincoach_deliveries_in_flight', help: 'Outbox deliveries being sent now', registers: [registry] });
  return {
    command: (command, platform, outcome) => commands.inc({ command, platform, outcome }),
    delivery: (platform, kind, status) => deliveries.inc({ platform, kind, status }),
    inFlight: (delta) => inFlight.inc(delta),
  };
}

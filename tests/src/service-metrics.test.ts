import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createServiceMetrics } from '../../src/service-metrics.ts';

describe('service metrics', () => {
  it('when commands and deliveries are recorded then /metrics text has them by label', async () => {
    const registry = new Registry();
    const m = createServiceMetrics(registry);
    m.command('feedback', 'console', 'ok');
    m.command('feedback', 'console', 'COMMAND.INVALID_OPTION');
    m.command('feedback', 'console', 'ok');
    m.inFlight(1);
    m.delivery('discord', 'dm', 'sent');
    m.inFlight(-1);
    m.delivery('slack', 'channel', 'failed');
    const text = await registry.metrics();
    expect(text).toContain('twincoach_commands_total{command="feedback",platform="console",outcome="ok"} 2');
    expect(text).toContain('twincoach_commands_total{command="feedback",platform="console",outcome="COMMAND.INVALID_OPTION"} 1');
    expect(text).toContain('twincoach_deliveries_total{platform="discord",kind="dm",status="sent"} 1');
    expect(text).toContain('twincoach_deliveries_total{platform="slack",kind="channel",status="failed"} 1');
    expect(text).toContain('twincoach_deliveries_in_flight 0');
  });
});

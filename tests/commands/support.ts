/**
 * The real dispatcher over the real use cases on the embedded database (tests/src/core/support/harness.ts),
 * with stub charts, fixed confirmation secret, a fake OAuth link builder, and the vendors' side
 * (VendorAccess: API-key checks, revocation) over the intervals.icu loopback fake.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll } from 'vitest';
import { CommandDispatcher, ConfirmTokens, createRegistry, type DispatchResult } from '../../commands/index.ts';
import type { CommandDeps, ConnectLinks } from '../../commands/types.ts';
import type { CommandInput, Platform } from '../../src/core/chat.ts';
import { decodeAction } from '../../src/core/presenters/index.ts';
import { createUseCases } from '../../src/core/index.ts';
import { createLogger } from '../../src/logger.ts';
import { buildProviders, createVendorAccess } from '../../src/wearables/registry.ts';
import { IntervalsFake } from '../fakes/intervals.ts';
import { StubCharts } from '../src/core/presenters/fixtures.ts';
import { useCore, type CoreHarness } from '../src/core/support/harness.ts';

export class FakeConnectLinks implements ConnectLinks {
  calls: Parameters<ConnectLinks['authorizeUrl']>[0][] = [];
  async authorizeUrl(input: Parameters<ConnectLinks['authorizeUrl']>[0]) {
    this.calls.push(input);
    return { url: `https://twincoach.test/oauth/${input.provider}/start?state=s-${input.athleteId.slice(0, 6)}`, expiresAt: new Date('2026-11-22T07:10:00Z') };
  }
}

/** Captures log lines (JSON) so tests can look for error ids and leaked secrets. */
export class LogCapture extends Writable {
  lines: Record<string, unknown>[] = [];
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    for (const l of chunk.toString().split('\n')) if (l.trim()) this.lines.push(JSON.parse(l) as Record<string, unknown>);
    cb();
  }
}

export interface CommandsHarness extends CoreHarness {
  readonly dispatcher: CommandDispatcher;
  readonly charts: StubCharts;
  readonly links: FakeConnectLinks;
  readonly logs: LogCapture;
  readonly commandDeps: CommandDeps;
  /** intervals.icu behind /connect api_key (its `apiKeys` are the keys it accepts). */
  readonly intervals: IntervalsFake;
  /** Type a command as `user` (platform discord unless given), like the Slack/console adapters do. */
  say(user: string, line: string, extra?: Partial<CommandInput>): Promise<DispatchResult>;
  /** Press a button (its id) as `user`. */
  press(user: string, buttonId: string, extra?: Partial<CommandInput>): Promise<DispatchResult>;
  /** Submit a form for `command` with values. */
  submit(user: string, command: string, options: Record<string, string>, extra?: Partial<CommandInput>): Promise<DispatchResult>;
}

export function useCommands(start = '2026-11-22T07:00:00Z'): CommandsHarness {
  const h = useCore(start);
  const charts = new StubCharts();
  const links = new FakeConnectLinks();
  const logs = new LogCapture();
  let dispatcher: CommandDispatcher | undefined;
  let commandDeps: CommandDeps | undefined;
  let intervals: IntervalsFake | undefined;
  beforeAll(async () => {
    intervals = await IntervalsFake.start();
    const registry = buildProviders({ INTERVALS_API_BASE_URL: intervals.baseUrl }, { http: { maxAttempts: 1 } });
    commandDeps = {
      core: createUseCases({ ...h.deps, vendorAccess: createVendorAccess({ registry, secretsSurviveRestart: true }) }),
      clock: h.clock,
      charts,
      connectLinks: links,
      confirm: new ConfirmTokens('test-confirm-secret-0123456789abcdef'),
      consentVersion: '2026-11',
      defaultTimezone: 'Europe/London',
    };
    dispatcher = new CommandDispatcher({ registry: createRegistry(), deps: commandDeps, logger: createLogger({ level: 'info', destination: logs }) });
  });
  afterAll(() => intervals?.close());
  const base = (user: string, extra: Partial<CommandInput>): Pick<CommandInput, 'platform' | 'platformUserId' | 'displayName'> => ({
    platform: (extra.platform ?? 'discord') as Platform,
    platformUserId: user,
    displayName: user.charAt(0).toUpperCase() + user.slice(1),
  });
  // Getters must stay getters (Object.assign would read them once, before beforeAll ran).
  const out = Object.create(h) as CommandsHarness;
  Object.defineProperties(out, {
    dispatcher: { get: () => dispatcher! },
    commandDeps: { get: () => commandDeps! },
    intervals: { get: () => intervals! },
    charts: { value: charts },
    links: { value: links },
    logs: { value: logs },
    say: { value: (user: string, line: string, extra: Partial<CommandInput> = {}) => dispatcher!.dispatch({ ...base(user, extra), ...dispatcher!.parseLine(line), source: 'text', ...extra }) },
    press: { value: (user: string, id: string, extra: Partial<CommandInput> = {}) => dispatcher!.dispatch({ ...base(user, extra), ...decodeAction(id), source: 'button', ...extra }) },
    submit: {
      value: (user: string, command: string, options: Record<string, string>, extra: Partial<CommandInput> = {}) =>
        dispatcher!.dispatch({ ...base(user, extra), command, options, source: 'form', ...extra }),
    },
  });
  return out;
}

/** Documents of a registered model ('Person', 'Feedback', 'Prescription', 'AuditLog', …) matching `filter`. */
export const count = (h: CoreHarness, model: string, filter: Record<string, unknown> = {}) => h.db.connection.model(model).countDocuments(filter);

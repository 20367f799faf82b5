/** Process-level handlers on a stand-in emitter: rejections are logged and kept alive; exceptions stop cleanly, then exit 70. */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { EXIT_SOFTWARE, installProcessGuards } from '../../src/process-guards.ts';

function setup(stop: () => Promise<void> = async () => undefined) {
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }) });
  const target = new EventEmitter();
  const exits: number[] = [];
  const stops: string[] = [];
  const guards = installProcessGuards({ logger, target, exit: (c) => void exits.push(c), stop: async (r) => (stops.push(r), stop()), stopTimeoutMs: 200 });
  return { target, exits, stops, logs, guards };
}

describe('installProcessGuards', () => {
  it('when a promise rejection goes unhandled then it is logged with its error and nothing stops', () => {
    const g = setup();
    g.target.emit('unhandledRejection', new TypeError("Cannot read properties of null (reading 'ssl_check')"));
    expect(g.exits).toEqual([]);
    expect(g.stops).toEqual([]);
    expect(g.logs.join('')).toContain('ssl_check');
  });

  it('when an exception is uncaught then the service stops cleanly and the process exits 70', async () => {
    const g = setup();
    g.target.emit('uncaughtException', new Error('boom'));
    await new Promise((r) => setTimeout(r, 20));
    expect(g.stops).toEqual(['uncaught exception']);
    expect(g.exits).toEqual([EXIT_SOFTWARE]);
  });

  it('when the clean stop hangs then the process exits 70 after the timeout', async () => {
    const g = setup(() => new Promise(() => undefined));
    g.target.emit('uncaughtException', new Error('boom'));
    await new Promise((r) => setTimeout(r, 350));
    expect(g.exits).toEqual([EXIT_SOFTWARE]);
  });

  it('when a library added a handler that rethrows (the TF.js wasm glue does) then adopt() removes it and ours stays', () => {
    const g = setup();
    const rethrow = (reason: unknown) => {
      throw reason;
    };
    g.target.on('unhandledRejection', rethrow);
    g.target.on('uncaughtException', rethrow);
    expect(g.guards.adopt()).toBe(2);
    expect(() => g.target.emit('unhandledRejection', new Error('stray'))).not.toThrow();
    expect(g.target.listenerCount('unhandledRejection')).toBe(1);
    expect(g.target.listenerCount('uncaughtException')).toBe(1);
  });
});

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { startupFailureMessage } from '../../src/startup-failure.ts';
import { startHttpServer, createMetricsRegistry } from '../../src/http/server.ts';
import { createLogger } from '../../src/logger.ts';

const config = { HTTP_HOST: '127.0.0.1', HTTP_PORT: 0 };

describe('start-up failures in one sentence', () => {
  it('when the HTTP port is taken then the sentence names the port and HTTP_PORT', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startHttpServer({ host: '127.0.0.1', port, logger: createLogger({ level: 'silent' }), metrics: createMetricsRegistry(), routes: [], health: async () => ({}) as never }).catch((e: unknown) => e);
      expect(startupFailureMessage(err, { HTTP_HOST: '127.0.0.1', HTTP_PORT: port })).toBe(
        `port ${port} on 127.0.0.1 is already in use (another twincoach, or another program). Stop that, or set HTTP_PORT to a free port in .env or the environment (HTTP_PORT=0 picks one).`,
      );
    } finally {
      blocker.close();
    }
  });

  it('when Go is missing then the sentence says where to get it and the alternative', () => {
    const err = new AppError('DB.GO_MISSING', 'The embedded database needs Go to build FerretDB once: install Go ≥ 1.24 or set MONGODB_URI (no `go` on PATH)');
    expect(startupFailureMessage(err, config)).toBe(
      'The embedded database needs Go to build FerretDB once: install Go ≥ 1.24 or set MONGODB_URI (no `go` on PATH). Go is only needed once, to build the embedded database: https://go.dev/dl/ — or point MONGODB_URI at a MongoDB you run.',
    );
  });

  it('when something else fails then its message and the log file are named, never a JSON line', () => {
    expect(startupFailureMessage(new Error('boom'), config, 'data/twincoach.log')).toBe('start-up failed: boom. Details: data/twincoach.log.');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startService, type Service } from '../../../src/app.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';

describe('service start-up against a database URI', () => {
  let service: Service;
  const logs: string[] = [];
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-svc-'));

  beforeAll(async () => {
    const config = loadConfig({ MONGODB_URI: inject('mongoUri'), MONGODB_DB_NAME: 'svc_start', HTTP_PORT: '0', DATA_DIR: dataDir, TF_BACKEND: 'wasm' });
    const logger = createLogger({
      destination: new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }),
    });
    service = await startService(config, logger);
  });
  afterAll(async () => {
    await service?.stop('test');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('when /healthz is requested then it answers 200 with db status, backend and version', async () => {
    const res = await fetch(`${service.http!.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', version: '0.1.0', tfBackend: 'wasm', db: { ok: true, embedded: false } });
  });

  it('when /metrics is requested then it serves Prometheus text with our counters', async () => {
    await fetch(`${service.http!.url}/healthz`);
    const res = await fetch(`${service.http!.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/twincoach_http_requests_total\{[^}]*route="\/healthz"[^}]*status="200"[^}]*\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('when an unknown path is requested then it answers 404 and a wrong method 405', async () => {
    expect((await fetch(`${service.http!.url}/nope`)).status).toBe(404);
    expect((await fetch(`${service.http!.url}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('when the service started then one log line says what runs and where', () => {
    const line = logs.find((l) => l.includes('running in local mode'));
    expect(line).toBeDefined();
    expect(line).toContain(service.http!.url);
    expect(line).toContain('TF.js: wasm');
  });
});

describe('service with the embedded database', () => {
  it('when MONGODB_URI is unset then FerretDB is started, answers health, and is stopped on shutdown', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'twincoach-emb-'));
    const config = loadConfig({ HTTP_PORT: '0', DATA_DIR: dataDir, CACHE_DIR: path.resolve('.cache'), LOG_LEVEL: 'silent', TF_BACKEND: 'wasm' });
    const service = await startService(config, createLogger({ level: 'silent' }));
    try {
      const body = (await (await fetch(`${service.http!.url}/healthz`)).json()) as { db: { ok: boolean; embedded: boolean } };
      expect(body.db).toMatchObject({ ok: true, embedded: true });
      const pid = service.embedded!.pid;
      await service.stop('test');
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await service.stop('test');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * Provider connections with tokens encrypted at rest (AES-256-GCM, src/core/crypto.ts; associated data
 * "<provider>:<athleteId>:access|refresh" binds each ciphertext to its row).
 *
 * Two faces on one collection:
 * - MongoProviderConnectionRepository: the core port (ProviderConnectionRepository).
 * - MongoConnectionStore: src/wearables/connection-store.ts ConnectionStore, used by the token manager.
 *   Its compare-and-set is NOT a conditional update (FerretDB applies those non-atomically, see README):
 *   each write runs under the connection's lock (insert-based lease), re-reads and compares the version.
 *   Revoked connections look absent through this face (status there is active | needs_reauth).
 *
 * Key rotation (TOKEN_ENCRYPTION_KEY_PREVIOUS): a token under a previous key decrypts, and the first `get`
 * of that connection (either face: the token manager reads through it before every vendor call) rewrites its
 * ciphertext under the current key, under the connection's lock and without changing the version (the token
 * values are the same, so a concurrent compare-and-set is not disturbed). Once nothing is read under an old
 * key, that key can be dropped from the configuration.
 */
import type { Connection as MongooseConnection, Model } from 'mongoose';
import type { TokenCipher } from '../core/crypto.ts';
import type { ProviderId } from '../core/metrics.ts';
import type { ConnectionPatch, Mutex, ProviderConnectionRepository } from '../core/ports.ts';
import type { ConnectionStatus, ProviderConnectionRecord, TokenSet } from '../core/types.ts';
import { connectionId, registerProviderConnectionModel, type ProviderConnectionDoc } from './provider-connection.model.ts';

export const connectionLockKey = (provider: string, athleteId: string) => `pc:${provider}:${athleteId}`;

class ConnectionCodec {
  constructor(private readonly cipher: TokenCipher) {}
  private aad(provider: string, athleteId: string, which: 'access' | 'refresh'): string {
    return `${provider}:${athleteId}:${which}`;
  }
  /** Token fields of the document (ciphertext). */
  tokenFields(provider: string, athleteId: string, t: TokenSet): Partial<ProviderConnectionDoc> {
    const out: Partial<ProviderConnectionDoc> = {};
    if (t.accessToken) out.accessToken = this.cipher.encrypt(t.accessToken, this.aad(provider, athleteId, 'access'));
    if (t.refreshToken) out.refreshToken = this.cipher.encrypt(t.refreshToken, this.aad(provider, athleteId, 'refresh'));
    if (t.expiresAt !== undefined) out.expiresAt = new Date(t.expiresAt);
    if (t.scope !== undefined) out.scope = t.scope;
    if (t.kind !== undefined) out.tokenKind = t.kind;
    if (t.externalUserId !== undefined) out.externalUserId = t.externalUserId;
    return out;
  }
  /** True when a token field is encrypted under a key other than the current one. */
  needsRotation(d: ProviderConnectionDoc): boolean {
    return (d.accessToken !== undefined && d.accessToken !== '' && this.cipher.needsRotation(d.accessToken)) || (d.refreshToken !== undefined && d.refreshToken !== '' && this.cipher.needsRotation(d.refreshToken));
  }
  /** The same document with its token ciphertexts re-encrypted under the current key. */
  rotated(d: ProviderConnectionDoc): ProviderConnectionDoc {
    const t = this.tokens(d);
    const next = { ...d };
    if (d.accessToken) next.accessToken = this.cipher.encrypt(t.accessToken, this.aad(d.provider, d.athleteId, 'access'));
    if (d.refreshToken && t.refreshToken !== undefined) next.refreshToken = this.cipher.encrypt(t.refreshToken, this.aad(d.provider, d.athleteId, 'refresh'));
    return next;
  }
  tokens(d: ProviderConnectionDoc): TokenSet {
    const t: TokenSet = { accessToken: d.accessToken ? this.cipher.decrypt(d.accessToken, this.aad(d.provider, d.athleteId, 'access')) : '' };
    if (d.refreshToken) t.refreshToken = this.cipher.decrypt(d.refreshToken, this.aad(d.provider, d.athleteId, 'refresh'));
    if (d.expiresAt) t.expiresAt = new Date(d.expiresAt).getTime();
    if (d.scope !== undefined && d.scope !== null) t.scope = d.scope;
    if (d.tokenKind) t.kind = d.tokenKind;
    if (d.externalUserId) t.externalUserId = d.externalUserId;
    return t;
  }
  record(d: ProviderConnectionDoc): ProviderConnectionRecord {
    const r: ProviderConnectionRecord = {
      athleteId: d.athleteId,
      provider: d.provider,
      tokens: this.tokens(d),
      scopes: d.scopes ?? [],
      status: d.status,
      version: d.version,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
    };
    if (d.externalUserId) r.externalUserId = d.externalUserId;
    if (d.needsReauthReason) r.needsReauthReason = d.needsReauthReason;
    if (d.needsReauthNotifiedAt) r.needsReauthNotifiedAt = d.needsReauthNotifiedAt;
    if (d.syncCursor !== undefined && d.syncCursor !== null) r.syncCursor = d.syncCursor;
    if (d.lastSyncAt) r.lastSyncAt = d.lastSyncAt;
    return r;
  }
}

const TOKEN_KEYS = ['accessToken', 'refreshToken', 'expiresAt', 'scope', 'tokenKind'] as const;

/** Shared read-modify-write under the connection lock. */
class ConnectionWriter {
  readonly m: Model<ProviderConnectionDoc>;
  readonly codec: ConnectionCodec;
  constructor(
    conn: MongooseConnection,
    cipher: TokenCipher,
    readonly mutex: Mutex,
    readonly now: () => Date,
  ) {
    this.m = registerProviderConnectionModel(conn);
    this.codec = new ConnectionCodec(cipher);
  }
  async read(athleteId: string, provider: ProviderId): Promise<ProviderConnectionDoc | null> {
    return this.m.findById(connectionId(provider, athleteId)).lean<ProviderConnectionDoc>().exec();
  }
  /** read(), re-encrypting under the current key first when an old key was used (see the header). */
  async readForUse(athleteId: string, provider: ProviderId): Promise<ProviderConnectionDoc | null> {
    const d = await this.read(athleteId, provider);
    if (!d || !this.codec.needsRotation(d)) return d;
    const r = await this.update(athleteId, provider, (cur) => (cur && this.codec.needsRotation(cur) ? this.codec.rotated(cur) : null));
    return r.after;
  }
  /** Under the lock: mutate(current) → next document (or null for no write). */
  async update(
    athleteId: string,
    provider: ProviderId,
    mutate: (cur: ProviderConnectionDoc | null) => ProviderConnectionDoc | null,
  ): Promise<{ before: ProviderConnectionDoc | null; after: ProviderConnectionDoc | null; written: boolean }> {
    return this.mutex.withLock(connectionLockKey(provider, athleteId), async () => {
      const before = await this.read(athleteId, provider);
      const after = mutate(before);
      if (!after) return { before, after: before, written: false };
      if (before) await this.m.replaceOne({ _id: before._id }, after, { runValidators: true }).exec();
      else await this.m.create(after);
      return { before, after, written: true };
    });
  }
  fresh(athleteId: string, provider: ProviderId, tokens: TokenSet, scopes: string[], prev: ProviderConnectionDoc | null): ProviderConnectionDoc {
    const now = this.now();
    const base: ProviderConnectionDoc = {
      _id: connectionId(provider, athleteId),
      athleteId,
      provider,
      scopes: scopes.length > 0 ? scopes : (prev?.scopes ?? []),
      status: 'active',
      version: (prev?.version ?? 0) + 1,
      createdAt: prev?.createdAt ?? now,
      updatedAt: now,
    };
    if (prev?.syncCursor) base.syncCursor = prev.syncCursor;
    if (prev?.lastSyncAt) base.lastSyncAt = prev.lastSyncAt;
    if (prev?.externalUserId) base.externalUserId = prev.externalUserId;
    return { ...base, ...this.codec.tokenFields(provider, athleteId, tokens) };
  }
}

export class MongoProviderConnectionRepository implements ProviderConnectionRepository {
  private readonly w: ConnectionWriter;
  constructor(conn: MongooseConnection, cipher: TokenCipher, mutex: Mutex, now: () => Date = () => new Date()) {
    this.w = new ConnectionWriter(conn, cipher, mutex, now);
  }
  async get(athleteId: string, provider: ProviderId): Promise<ProviderConnectionRecord | null> {
    const d = await this.w.readForUse(athleteId, provider);
    return d ? this.w.codec.record(d) : null;
  }
  async listForAthlete(athleteId: string): Promise<ProviderConnectionRecord[]> {
    return (await this.w.m.find({ athleteId }).sort({ provider: 1 }).lean<ProviderConnectionDoc[]>().exec()).map((d) => this.w.codec.record(d));
  }
  async listByStatus(status: ConnectionStatus, provider?: ProviderId): Promise<ProviderConnectionRecord[]> {
    const q: Record<string, unknown> = { status };
    if (provider) q.provider = provider;
    return (await this.w.m.find(q).sort({ _id: 1 }).lean<ProviderConnectionDoc[]>().exec()).map((d) => this.w.codec.record(d));
  }
  async findByExternalUser(provider: ProviderId, externalUserId: string): Promise<ProviderConnectionRecord | null> {
    const d = await this.w.m.findOne({ provider, externalUserId }).lean<ProviderConnectionDoc>().exec();
    return d ? this.w.codec.record(d) : null;
  }
  async upsertTokens(athleteId: string, provider: ProviderId, tokens: TokenSet, scopes: string[] = []): Promise<ProviderConnectionRecord> {
    const { after } = await this.w.update(athleteId, provider, (prev) => this.w.fresh(athleteId, provider, tokens, scopes, prev));
    return this.w.codec.record(after!);
  }
  async patch(athleteId: string, provider: ProviderId, patch: ConnectionPatch): Promise<ProviderConnectionRecord | null> {
    const { after } = await this.w.update(athleteId, provider, (cur) => {
      if (!cur) return null;
      const next: ProviderConnectionDoc = { ...cur, version: cur.version + 1, updatedAt: this.w.now() };
      if (patch.tokens) {
        for (const k of TOKEN_KEYS) delete next[k];
        Object.assign(next, this.w.codec.tokenFields(provider, athleteId, patch.tokens));
      }
      if (patch.scopes) next.scopes = [...patch.scopes];
      if (patch.externalUserId !== undefined) next.externalUserId = patch.externalUserId;
      if (patch.status) next.status = patch.status;
      const setOrClear = <K extends 'needsReauthReason' | 'needsReauthNotifiedAt' | 'syncCursor'>(k: K, v: ProviderConnectionDoc[K] | null | undefined) => {
        if (v === null) delete next[k];
        else if (v !== undefined) next[k] = v;
      };
      setOrClear('needsReauthReason', patch.needsReauthReason);
      setOrClear('needsReauthNotifiedAt', patch.needsReauthNotifiedAt);
      setOrClear('syncCursor', patch.syncCursor);
      if (patch.lastSyncAt) next.lastSyncAt = patch.lastSyncAt;
      return next;
    });
    return after ? this.w.codec.record(after) : null;
  }
}

// ---------------------------------------------------------------------------------------------------
// src/wearables/connection-store.ts ConnectionStore, structurally (src/db does not import src/wearables;
// tests/src/db checks the assignment).

export interface StoreConnection {
  athleteId: string;
  provider: ProviderId;
  tokens: TokenSet;
  status: 'active' | 'needs_reauth';
  version: number;
  needsReauthReason?: string;
  updatedAt: number;
}

export class MongoConnectionStore {
  private readonly w: ConnectionWriter;
  constructor(conn: MongooseConnection, cipher: TokenCipher, mutex: Mutex, now: () => Date = () => new Date()) {
    this.w = new ConnectionWriter(conn, cipher, mutex, now);
  }
  private view(d: ProviderConnectionDoc | null): StoreConnection | null {
    if (!d || d.status === 'revoked') return null;
    const c: StoreConnection = { athleteId: d.athleteId, provider: d.provider, tokens: this.w.codec.tokens(d), status: d.status, version: d.version, updatedAt: new Date(d.updatedAt).getTime() };
    if (d.needsReauthReason) c.needsReauthReason = d.needsReauthReason;
    return c;
  }
  async get(athleteId: string, provider: ProviderId): Promise<StoreConnection | null> {
    return this.view(await this.w.readForUse(athleteId, provider));
  }
  async upsert(athleteId: string, provider: ProviderId, tokens: TokenSet): Promise<StoreConnection> {
    const { after } = await this.w.update(athleteId, provider, (prev) => this.w.fresh(athleteId, provider, tokens, [], prev));
    return this.view(after)!;
  }
  async compareAndSetTokens(
    athleteId: string,
    provider: ProviderId,
    expectedVersion: number,
    tokens: TokenSet,
  ): Promise<{ ok: true; connection: StoreConnection } | { ok: false; current: StoreConnection | null }> {
    const r = await this.w.update(athleteId, provider, (cur) => {
      if (!cur || cur.status === 'revoked' || cur.version !== expectedVersion) return null;
      const next = this.w.fresh(athleteId, provider, tokens, [], cur);
      delete next.needsReauthReason;
      delete next.needsReauthNotifiedAt;
      return next;
    });
    return r.written ? { ok: true, connection: this.view(r.after)! } : { ok: false, current: this.view(r.before) };
  }
  async markNeedsReauth(
    athleteId: string,
    provider: ProviderId,
    expectedVersion: number,
    reason: string,
  ): Promise<{ transitioned: boolean; current: StoreConnection | null }> {
    const r = await this.w.update(athleteId, provider, (cur) => {
      if (!cur || cur.version !== expectedVersion || cur.status !== 'active') return null;
      return { ...cur, status: 'needs_reauth', needsReauthReason: reason.slice(0, 500), version: cur.version + 1, updatedAt: this.w.now() };
    });
    return { transitioned: r.written, current: this.view(r.after) };
  }
}

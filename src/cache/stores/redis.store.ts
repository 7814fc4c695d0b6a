import { OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { Cluster, ReplyError } from 'ioredis';
import { INTERNAL_KEY_NAMESPACE } from '../chat-cache.constants';
import { RedisTagVersions } from '../invalidation/redis-tag-versions';
import { CircuitBreaker, CircuitState } from '../resilience/circuit-breaker';
import { withDeadline } from '../resilience/deadline';
import type { CacheTelemetry, L2Operation, L2Outcome } from '../telemetry/cache-telemetry';
import { EntryLifetime, keptForMs, resolveLifetime, StoredLifetime } from '../util/entry-lifetime';
import { escapeGlob } from '../util/glob';
import { assertKey, assertPattern, assertTags } from '../util/keys';
import { closeRedisClient, RedisClient } from './redis-client.factory';
import { RedisConnectionState, RedisStoreEvent } from './redis-connection-state';
import { encodeRecord, parseRecord, RedisRecord, recordValue } from './redis-record';
import { encodedBytesExceed } from './encoded-size';
import { encodeValue } from './value-codec';
import { removeUndecodable } from './undecodable-removal';

const SCAN_COUNT = 1_000;

export interface RedisStoreOptions {
  keyPrefix: string;
  /** TTL of a `set` without one; 0 means no expiry. */
  defaultTtlMs: number;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  circuitFailureThreshold: number;
  circuitOpenMs: number;
  /** Shown in logs, without its password. */
  description?: string;
  /** Receives the duration and outcome of every call. */
  telemetry?: CacheTelemetry;
  /**
   * A value whose encoding is longer than this, in UTF-8 bytes, is not stored (counted as
   * `oversized`; the key's older value is deleted instead). Unbounded when omitted.
   */
  maxEntryBytes?: number;
}

export interface RedisStoreStats {
  hits: number;
  misses: number;
  sets: number;
  deletes: number;
  /** Entries found in Redis but stale because one of their tags was invalidated after their load began. */
  tagInvalidations: number;
  errors: number;
  timeouts: number;
  /** Calls refused at once because the circuit was open. */
  rejections: number;
  /** Values found under our prefix that were not ours to decode (another client's, or corrupt): misses, removed. */
  decodeErrors: number;
  /** Values not stored because their encoding exceeded `maxEntryBytes`. */
  oversized: number;
  circuit: CircuitState;
  connected: boolean;
}

/** A value with its lifetime (see StoredLifetime: `expiresAt` is when it stops being fresh) and tags. */
export interface RedisEntry<T> extends StoredLifetime {
  value: T;
  /** Past `expiresAt`, within its grace: answered only to a read that allows stale values. */
  stale: boolean;
  tags: string[] | undefined;
}

export interface RedisReadOptions {
  /** Also answer an entry past its TTL but within its grace window, with `stale: true`. */
  allowStale?: boolean;
}

export type { RedisStoreEvent } from './redis-connection-state';

/** Thrown instead of calling Redis while the circuit breaker is open. */
export class RedisUnavailableError extends Error {
  constructor() {
    super('Redis is unavailable (circuit open)');
    this.name = 'RedisUnavailableError';
  }
}

/**
 * The L2 tier. Keys are relative to `keyPrefix`; patterns can never reach outside it. Every call is
 * bounded by `commandTimeoutMs` and goes through a circuit breaker; failures are thrown (CacheService
 * turns them into misses). Nothing here sends FLUSHDB, FLUSHALL or KEYS: clearing scans our prefix.
 */
export class RedisStore implements OnApplicationShutdown {
  private readonly breaker: CircuitBreaker;
  private readonly tagVersions: RedisTagVersions;
  private readonly state: RedisConnectionState;
  private counters = {
    hits: 0,
    misses: 0,
    sets: 0,
    deletes: 0,
    tagInvalidations: 0,
    errors: 0,
    timeouts: 0,
    rejections: 0,
    decodeErrors: 0,
    oversized: 0,
  };

  constructor(
    readonly client: RedisClient,
    private readonly options: RedisStoreOptions,
  ) {
    this.state = new RedisConnectionState(options.description ?? 'redis', {
      failureThreshold: options.circuitFailureThreshold,
      openMs: options.circuitOpenMs,
    });
    this.breaker = new CircuitBreaker({
      failureThreshold: options.circuitFailureThreshold,
      openMs: options.circuitOpenMs,
      onStateChange: (state, previous) => this.state.circuitChanged(state, previous),
    });
    this.tagVersions = new RedisTagVersions(client, (tag) => this.fullKey(`${INTERNAL_KEY_NAMESPACE}tag:${tag}`));
    client.on('ready', () => {
      this.breaker.probeNow();
      this.state.ready();
    });
    client.on('close', () => this.state.closed());
    client.on('error', (error: Error) => this.state.errored(error));
  }

  /** True while the client is connected (the circuit breaker may still refuse calls). */
  get connected(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Connects, waiting at most `connectTimeoutMs`. Resolves false (never throws) when Redis is not
   * there: the client goes on reconnecting in the background and the cache serves from memory.
   */
  async connect(): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    const ready = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.options.connectTimeoutMs);
      this.client.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    const connected = await ready;
    if (!connected) this.state.unavailableAtBoot();
    return connected;
  }

  async close(): Promise<void> {
    this.state.closingOnPurpose();
    await closeRedisClient(this.client);
  }

  /** `app.close()` leaves no connection open. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Listens to connection and circuit changes; returns the unsubscribe function. */
  onEvent(listener: (event: RedisStoreEvent) => void): () => void {
    return this.state.onEvent(listener);
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.getEntry<T>(key))?.value;
  }

  /**
   * The value with its lifetime and tags, or undefined when absent, expired, invalidated by a tag, or
   * not ours to decode; with `allowStale`, also a value past its TTL within its grace (`stale: true`,
   * counted as a miss: no fresh value was there), never one whose tag was invalidated. Only Redis
   * itself failing throws and counts against the circuit: what Redis holds is input, and a value we
   * cannot read is a miss, counted in `decodeErrors` and removed.
   */
  async getEntry<T = unknown>(key: string, options?: RedisReadOptions): Promise<RedisEntry<T> | undefined> {
    assertKey(key);
    const allowStale = options?.allowStale === true;
    const found = await this.run('get', () => this.readFresh(key, allowStale));
    if (found === undefined) return undefined;
    if (found.record === undefined) return this.undecodable(key, found.raw);
    let value: T;
    try {
      value = recordValue<T>(found.record);
    } catch {
      return this.undecodable(key, found.raw);
    }
    // We never store undefined (set deletes instead): an encoded undefined is not ours either.
    if (value === undefined) return this.undecodable(key, found.raw);
    const { expiresAt, ttlMs, graceMs, tags } = found.record;
    if (found.stale) this.counters.misses++;
    else this.counters.hits++;
    return { value, expiresAt, ttlMs, graceMs, stale: found.stale, tags };
  }

  /**
   * The raw record of `key` if it is fresh (or, with `allowStale`, within grace); `record` undefined
   * when its header is not ours (or `raw` when it is not a string).
   */
  private async readFresh(
    key: string,
    allowStale: boolean,
  ): Promise<{ raw: string | undefined; record: RedisRecord | undefined; stale: boolean } | undefined> {
    const startedAt = Date.now();
    let raw: string | null;
    try {
      raw = await this.client.get(this.fullKey(key));
    } catch (error) {
      // Another client's list or hash under our prefix: Redis answered, it is the value that is not ours.
      if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return { raw: undefined, record: undefined, stale: false };
      throw error;
    }
    if (raw === null) {
      this.counters.misses++;
      return undefined;
    }
    let record: RedisRecord;
    try {
      record = parseRecord(raw);
    } catch {
      return { raw, record: undefined, stale: false };
    }
    // Redis keeps a graced record past its expiry (PX is TTL + grace), so the header says when it went
    // stale. Without grace, PX alone decides, as it always did (no early misses from a skewed clock).
    const stale = record.graceMs > 0 && record.expiresAt !== 0 && record.expiresAt <= Date.now();
    if (stale && !allowStale) {
      this.counters.misses++;
      return undefined;
    }
    if (record.tags !== undefined) {
      const current = await this.withinCallTimeout(this.tagVersions.current(record.tags), startedAt);
      if (current.some((version, i) => version === null || version !== record.tagVersions?.[i])) {
        this.counters.tagInvalidations++;
        this.counters.misses++;
        return undefined;
      }
    }
    return { raw, record, stale };
  }

  /**
   * A miss, counted, and the value removed unless it changed since it was read (a failed removal
   * is a Redis failure, counted as such by `run`, but the read stays a miss either way).
   */
  private async undecodable(key: string, raw: string | undefined): Promise<undefined> {
    this.counters.decodeErrors++;
    this.counters.misses++;
    try {
      this.counters.deletes += await this.run('delete', () => removeUndecodable(this.client, this.fullKey(key), raw));
    } catch {
      // Counted by run; the next read of the key tries again.
    }
    return undefined;
  }

  async mget<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    return Promise.all(keys.map((key) => this.get<T>(key)));
  }

  /**
   * Stores `value` for `ttlMs` (default TTL when omitted, 0 for never), or for a lifetime: an
   * `EntryLifetime` keeps it `graceMs` past its TTL (PX is TTL + grace; reads see it stale then), a
   * `StoredLifetime` (an entry from another tier) keeps that entry's expiry, grace and TTL. With tags,
   * pass the `tagVersions` snapshot taken before the value was loaded (for the same lifetime), so that
   * an invalidation that landed during the load makes it stale; without a snapshot one is taken now.
   *
   * Answers false when the value was not stored because its encoding exceeds `maxEntryBytes`: the
   * key's older value is deleted instead, so that no reader gets what was overwritten. A value the
   * codec cannot represent is refused with a TypeError before any Redis call (not a Redis failure).
   */
  async set(
    key: string,
    value: unknown,
    lifetime?: number | EntryLifetime | StoredLifetime,
    tags?: readonly string[],
    tagVersions?: readonly string[],
  ): Promise<boolean> {
    assertKey(key);
    const now = Date.now();
    const resolved = resolveLifetime(lifetime, this.options.defaultTtlMs, now);
    // Redis keeps the entry until the end of its grace. A copied lifetime already over stores nothing.
    const keepMs = keptForMs(resolved, now);
    if (value === undefined || (resolved.expiresAt !== 0 && keepMs <= 0)) {
      await this.delete(key);
      return true;
    }
    const payload = encodeValue(value);
    if (encodedBytesExceed(payload, this.options.maxEntryBytes)) {
      this.counters.oversized++;
      await this.delete(key);
      return false;
    }
    return this.run('set', async () => {
      const startedAt = Date.now();
      const snapshotFirst = tags !== undefined && tags.length > 0 && tagVersions === undefined;
      const versions = snapshotFirst ? await this.tagVersions.snapshot(tags, keepMs) : tagVersions;
      const raw = encodeRecord(payload, resolved, tags, versions);
      const write = keepMs === 0 ? this.client.set(this.fullKey(key), raw) : this.client.set(this.fullKey(key), raw, 'PX', keepMs);
      await (snapshotFirst ? this.withinCallTimeout(write, startedAt) : write);
      this.counters.sets++;
      return true;
    });
  }

  async mset(entries: ReadonlyArray<readonly [key: string, value: unknown, lifetime?: number | EntryLifetime]>): Promise<void> {
    await Promise.all(entries.map(([key, value, lifetime]) => this.set(key, value, lifetime)));
  }

  /**
   * Current versions of `tags` for an entry of `ttlMs` or of a lifetime (its grace included: the
   * versions must outlive the graced entry, or it reads as invalidated); pass them to `set` after the load.
   */
  async snapshotTags(tags: readonly string[], lifetime?: number | EntryLifetime): Promise<string[]> {
    assertTags(tags);
    const now = Date.now();
    const resolved = resolveLifetime(lifetime, this.options.defaultTtlMs, now);
    // 0 keeps the versions for ever, as the entry; a copied lifetime already over needs them no longer.
    const keepMs = resolved.expiresAt === 0 ? 0 : Math.max(1, keptForMs(resolved, now));
    return this.run('snapshot-tags', () => this.tagVersions.snapshot(tags, keepMs));
  }

  /** Deletes keys; returns how many existed. */
  async delete(keys: string | readonly string[]): Promise<number> {
    const list = typeof keys === 'string' ? [keys] : keys;
    list.forEach((key) => assertKey(key));
    if (list.length === 0) return 0;
    return this.run('delete', async () => {
      const deleted = await this.unlink(list.map((key) => this.fullKey(key)));
      this.counters.deletes += deleted;
      return deleted;
    });
  }

  /** Makes every entry tagged with one of `tags` stale on every instance, in O(tags). */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    assertTags(tags);
    if (tags.length === 0) return;
    return this.run('invalidate-tags', () => this.tagVersions.invalidate(tags));
  }

  /** Makes every entry tagged with one of `tags` stale with removals only (allowed when Redis refuses writes). */
  async forgetTagVersions(tags: readonly string[]): Promise<void> {
    assertTags(tags);
    if (tags.length === 0) return;
    return this.run('invalidate-tags', () => this.tagVersions.forget(tags));
  }

  /**
   * Deletes the keys matching a glob inside our prefix (the prefix is escaped, so `*` cannot reach
   * another application's keys), by SCAN + UNLINK in batches on every master; returns how many.
   */
  async deletePattern(pattern: string): Promise<number> {
    assertPattern(pattern);
    return this.run('delete-pattern', () => this.scanAndUnlink(escapeGlob(this.options.keyPrefix) + pattern));
  }

  /** Deletes every key of our prefix (and nothing else: no FLUSHDB); returns how many. */
  async clear(): Promise<number> {
    return this.deletePattern('*');
  }

  /**
   * The bus publishes through the breaker like every other call, on purpose: the breaker opens only
   * when Redis does not answer (timeouts, a lost connection; a refusal such as OOM does not count,
   * see `run`), and then the other instances' subscriptions are most likely down as well and flush
   * their L1 when they come back; what could not be announced meanwhile waits in the repair journal,
   * which is announced once Redis answers.
   */
  publish(channel: string, message: string): Promise<number> {
    return this.run('publish', () => this.client.publish(channel, message));
  }

  /**
   * A second connection with the same settings, for pub/sub (a subscribed connection can do nothing
   * else). ioredis's `autoResubscribe` is off: the bus subscribes again itself on every 'ready' and
   * flushes L1 then, while ioredis's own resubscription would be a second SUBSCRIBE whose failure
   * nothing catches (an unhandled rejection). A Cluster resubscribes through its own subscriber.
   */
  createSubscriber(): RedisClient {
    if (this.client instanceof Cluster) return this.client.duplicate();
    return this.client.duplicate({ autoResubscribe: false });
  }

  fullKey(key: string): string {
    return this.options.keyPrefix + key;
  }

  stats(): RedisStoreStats {
    return { ...this.counters, circuit: this.breaker.state, connected: this.connected };
  }

  /**
   * A second round trip of one call gets what is left of `commandTimeoutMs`, so that a call of two
   * commands (a tagged read or write) waits no longer than one.
   */
  private withinCallTimeout<T>(second: Promise<T>, startedAt: number): Promise<T> {
    return withDeadline(second, Math.max(1, this.options.commandTimeoutMs - (Date.now() - startedAt)));
  }

  /** Calls Redis through the circuit breaker, counting failures and timeouts and reporting timings. */
  private async run<T>(operation: L2Operation, call: () => Promise<T>): Promise<T> {
    if (!this.breaker.allowRequest()) {
      this.counters.rejections++;
      this.report(operation, 'rejected', performance.now());
      throw new RedisUnavailableError();
    }
    const startedAt = performance.now();
    try {
      const result = await call();
      this.breaker.recordSuccess();
      this.report(operation, 'ok', startedAt);
      return result;
    } catch (error) {
      // A reply error (OOM, READONLY, NOPERM) came back at once from a Redis that is there: the
      // breaker is for a Redis that does not answer, and refused writes must not take reads and
      // the bus away with it.
      if (error instanceof ReplyError) this.breaker.recordSuccess();
      else this.breaker.recordFailure();
      const timedOut = error instanceof Error && /timed out/i.test(error.message);
      if (timedOut) this.counters.timeouts++;
      else this.counters.errors++;
      if (error instanceof Error) this.state.errored(error);
      this.report(operation, timedOut ? 'timeout' : 'error', startedAt);
      throw error;
    }
  }

  private report(operation: L2Operation, outcome: L2Outcome, startedAt: number): void {
    const telemetry = this.options.telemetry;
    if (telemetry?.active) telemetry.l2Call({ operation, outcome, durationMs: performance.now() - startedAt });
  }

  private async scanAndUnlink(match: string): Promise<number> {
    const nodes: Redis[] = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    let deleted = 0;
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        cursor = next;
        if (keys.length > 0) deleted += await this.unlink(keys);
      } while (cursor !== '0');
    }
    this.counters.deletes += deleted;
    return deleted;
  }

  /** One UNLINK for a single node; one per key on a cluster, where keys of a batch span slots. */
  private async unlink(fullKeys: string[]): Promise<number> {
    if (!(this.client instanceof Cluster)) return this.client.unlink(...fullKeys);
    const counts = await Promise.all(fullKeys.map((key) => this.client.unlink(key)));
    return counts.reduce((sum, n) => sum + n, 0);
  }
}

import type Redis from 'ioredis';
import { Cluster } from 'ioredis';
import { INTERNAL_KEY_NAMESPACE } from '../chat-cache.constants';
import { EntryLifetime, keptForMs, resolveLifetime, StoredLifetime } from '../util/entry-lifetime';
import { escapeGlob } from '../util/glob';
import { assertKey, assertPattern, assertTags } from '../util/keys';
import { closeRedisClient, RedisClient } from './redis-client.factory';
import { encodeRecord, parseRecord, RedisRecord, recordValue } from './redis-record';
import { RedisTagVersions } from './redis-tag-versions';
import { encodedBytesExceed } from './encoded-size';
import { encodeValue } from './value-codec';
import { removeUndecodable } from './undecodable-removal';
import { multiGet } from './redis-multi-get';

const SCAN_COUNT = 1_000;

export interface RedisStoreOptions {
  keyPrefix: string;
  /** TTL of a `set` without one; 0 means no expiry. */
  defaultTtlMs: number;
  /** Where it connects, for logs, without its password. */
  description?: string;
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
  /** Values found under our prefix that were not ours to decode (another client's, or corrupt): misses, removed. */
  decodeErrors: number;
  /** Values not stored because their encoding exceeded `maxEntryBytes`. */
  oversized: number;
  connected: boolean;
}

/** A value with its lifetime (see StoredLifetime: `expiresAt` is when it stops being fresh) and tags. */
export interface RedisEntry<T> extends StoredLifetime {
  value: T;
  /** Past `expiresAt`, within its grace: answered only to a read that allows stale values. */
  stale: boolean;
  tags: string[] | undefined;
}

/** What a read found: an entry, nothing, or a value under our prefix that is not ours to decode. */
export type RedisRead<T> = { entry: RedisEntry<T> } | { entry: undefined; undecodable?: { raw: string | undefined } };

/** A raw value found under a key: `record` undefined when it is not ours to decode. */
interface Found {
  raw: string | undefined;
  record: RedisRecord | undefined;
  stale: boolean;
}

export interface RedisReadOptions {
  /** Also answer an entry past its TTL but within its grace window, with `stale: true`. */
  allowStale?: boolean;
  /**
   * The versions of `tags`, read no earlier than this read was sent (the load's tag snapshot, sent
   * with it): an entry carrying exactly these tags is checked against them instead of a second
   * round trip for its tags' versions. Undefined versions (the snapshot failed) fall back to that trip.
   */
  tagVersions?: { tags: readonly string[]; versions: Promise<readonly string[] | undefined> };
}

/**
 * The Redis driver of the L2 tier: commands and the codec, nothing else. Keys are relative to
 * `keyPrefix`; patterns can never reach outside it. Failures are thrown as they come: the tier
 * wrapper (RedisTier) bounds every call, runs it through the circuit breaker, reports it, and
 * turns failures into misses or repairs. Nothing here sends FLUSHDB, FLUSHALL or KEYS: clearing
 * scans our prefix.
 */
export class RedisStore {
  private readonly tagVersions: RedisTagVersions;
  private counters = {
    hits: 0,
    misses: 0,
    sets: 0,
    deletes: 0,
    tagInvalidations: 0,
    decodeErrors: 0,
    oversized: 0,
  };

  constructor(
    readonly client: RedisClient,
    private readonly options: RedisStoreOptions,
  ) {
    this.tagVersions = new RedisTagVersions(client, (tag) => this.fullKey(`${INTERNAL_KEY_NAMESPACE}tag:${tag}`));
  }

  get description(): string {
    return this.options.description ?? 'redis';
  }

  /** True while the client is connected. */
  get connected(): boolean {
    return this.client.status === 'ready';
  }

  async close(): Promise<void> {
    await closeRedisClient(this.client);
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    return (await this.getEntry<T>(key))?.value;
  }

  /**
   * The value with its lifetime and tags, or undefined when absent, expired, invalidated by a tag, or
   * not ours to decode (then removed); with `allowStale`, also a value past its TTL within its grace
   * (`stale: true`, counted as a miss: no fresh value was there), never one whose tag was invalidated.
   * Only Redis itself failing throws: what Redis holds is input.
   */
  async getEntry<T = unknown>(key: string, options?: RedisReadOptions): Promise<RedisEntry<T> | undefined> {
    const read = await this.read<T>(key, options);
    if (read.entry === undefined && read.undecodable) {
      try {
        await this.removeUndecodable(key, read.undecodable.raw);
      } catch {
        // The next read of the key tries again; the read stays a miss either way.
      }
    }
    return read.entry;
  }

  /**
   * What `key` holds, telling a value we cannot read (counted in `decodeErrors`, a miss) from an
   * absent one, so that the caller removes it through its own guard (see `removeUndecodable`).
   */
  async read<T = unknown>(key: string, options?: RedisReadOptions): Promise<RedisRead<T>> {
    assertKey(key);
    let raw: string | null;
    try {
      raw = await this.client.get(this.fullKey(key));
    } catch (error) {
      // Another client's list or hash under our prefix: Redis answered, it is the value that is not ours.
      if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return this.undecodable(undefined);
      throw error;
    }
    let found = this.parseFound(raw, options?.allowStale === true);
    const tags = found?.record?.tags;
    if (tags !== undefined && !this.tagsCurrent(found!.record!, await this.currentVersions(tags, options?.tagVersions))) found = undefined;
    return this.readOf<T>(found);
  }

  private async currentVersions(tags: readonly string[], known: RedisReadOptions['tagVersions']): Promise<readonly (string | null)[]> {
    if (known !== undefined && sameTags(known.tags, tags)) {
      const versions = await known.versions;
      if (versions !== undefined && versions.length === tags.length) return versions;
    }
    return this.tagVersions.current(tags);
  }

  /**
   * `read` of many keys in one round trip (MGET; one per hash slot on a cluster), then one more for
   * the versions of every tag the entries found carry, each tag fetched once. A key holding another
   * client's list or hash reads as absent here (MGET answers nil for it), not as undecodable.
   */
  async readMany<T = unknown>(keys: readonly string[], options?: RedisReadOptions): Promise<RedisRead<T>[]> {
    keys.forEach((key) => assertKey(key));
    const allowStale = options?.allowStale === true;
    const raws = await multiGet(
      this.client,
      keys.map((key) => this.fullKey(key)),
    );
    const found = raws.map((raw) => this.parseFound(raw, allowStale));
    const tags = [...new Set(found.flatMap((entry) => entry?.record?.tags ?? []))];
    const versions = tags.length === 0 ? [] : await this.tagVersions.currentMany(tags);
    const versionOf = new Map(tags.map((tag, i) => [tag, versions[i]]));
    return found.map((entry) => {
      const record = entry?.record;
      if (
        record?.tags !== undefined &&
        !this.tagsCurrent(
          record,
          record.tags.map((tag) => versionOf.get(tag) ?? null),
        )
      ) {
        return this.readOf<T>(undefined);
      }
      return this.readOf<T>(entry);
    });
  }

  /** Removes a value `read` found undecodable, unless it changed since it was read. */
  async removeUndecodable(key: string, raw: string | undefined): Promise<void> {
    this.counters.deletes += await removeUndecodable(this.client, this.fullKey(key), raw);
  }

  /** What a found record (tags already checked) reads as: its entry, or a value not ours to decode. */
  private readOf<T>(found: Found | undefined): RedisRead<T> {
    if (found === undefined) return { entry: undefined };
    if (found.record === undefined) return this.undecodable(found.raw);
    let value: T;
    try {
      value = recordValue<T>(found.record);
    } catch {
      return this.undecodable(found.raw);
    }
    // We never store undefined (set deletes instead): an encoded undefined is not ours either.
    if (value === undefined) return this.undecodable(found.raw);
    const { expiresAt, ttlMs, graceMs, tags } = found.record;
    if (found.stale) this.counters.misses++;
    else this.counters.hits++;
    return { entry: { value, expiresAt, ttlMs, graceMs, stale: found.stale, tags } };
  }

  /**
   * A raw value as a record: undefined when absent or past what the read allows (a miss, counted);
   * `record` undefined when its header is not ours.
   */
  private parseFound(raw: string | null, allowStale: boolean): Found | undefined {
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
    return { raw, record, stale };
  }

  /** Whether every tag of `record` still has the version its load began with (a miss, counted, if not). */
  private tagsCurrent(record: RedisRecord, current: readonly (string | null)[]): boolean {
    if (current.some((version, i) => version === null || version !== record.tagVersions?.[i])) {
      this.counters.tagInvalidations++;
      this.counters.misses++;
      return false;
    }
    return true;
  }

  private undecodable<T>(raw: string | undefined): RedisRead<T> {
    this.counters.decodeErrors++;
    this.counters.misses++;
    return { entry: undefined, undecodable: { raw } };
  }

  /** The values of `keys` in order, undefined for misses, in one round trip (see `readMany`); undecodable ones removed. */
  async mget<T = unknown>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const reads = await this.readMany<T>(keys);
    await Promise.all(
      reads.map(async (read, i) => {
        if (read.entry !== undefined || !read.undecodable) return;
        try {
          await this.removeUndecodable(keys[i], read.undecodable.raw);
        } catch {
          // The next read of the key tries again; the read stays a miss either way.
        }
      }),
    );
    return reads.map((read) => read.entry?.value);
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
    const snapshotFirst = tags !== undefined && tags.length > 0 && tagVersions === undefined;
    const versions = snapshotFirst ? await this.tagVersions.snapshot(tags, keepMs) : tagVersions;
    const raw = encodeRecord(payload, resolved, tags, versions);
    await (keepMs === 0 ? this.client.set(this.fullKey(key), raw) : this.client.set(this.fullKey(key), raw, 'PX', keepMs));
    this.counters.sets++;
    return true;
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
    return this.tagVersions.snapshot(tags, keepMs);
  }

  /** Deletes keys; returns how many existed. */
  async delete(keys: string | readonly string[]): Promise<number> {
    const list = typeof keys === 'string' ? [keys] : keys;
    list.forEach((key) => assertKey(key));
    if (list.length === 0) return 0;
    const deleted = await this.unlink(list.map((key) => this.fullKey(key)));
    this.counters.deletes += deleted;
    return deleted;
  }

  /** Makes every entry tagged with one of `tags` stale on every instance, in O(tags). */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    assertTags(tags);
    if (tags.length === 0) return;
    return this.tagVersions.invalidate(tags);
  }

  /** Makes every entry tagged with one of `tags` stale with removals only (allowed when Redis refuses writes). */
  async forgetTagVersions(tags: readonly string[]): Promise<void> {
    assertTags(tags);
    if (tags.length === 0) return;
    return this.tagVersions.forget(tags);
  }

  /**
   * Deletes the keys matching a glob inside our prefix (the prefix is escaped, so `*` cannot reach
   * another application's keys), by SCAN + UNLINK in batches on every master; returns how many.
   */
  async deletePattern(pattern: string): Promise<number> {
    assertPattern(pattern);
    return this.scanAndUnlink(escapeGlob(this.options.keyPrefix) + pattern);
  }

  /** Deletes every key of our prefix (and nothing else: no FLUSHDB); returns how many. */
  async clear(): Promise<number> {
    return this.deletePattern('*');
  }

  publish(channel: string, message: string): Promise<number> {
    return this.client.publish(channel, message);
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
    return { ...this.counters, connected: this.connected };
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

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, i) => tag === b[i]);
}

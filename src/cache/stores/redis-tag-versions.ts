import { randomToken } from '../util/random-token';
import type { RedisClient } from './redis-client.factory';
import { multiGet } from './redis-multi-get';

/**
 * Tag invalidation in Redis in O(number of tags), whatever the number of tagged entries.
 *
 * Each tag has a version key holding a random token. An entry records the tokens its tags had when
 * its load began; it is fresh while every token is unchanged. Invalidating a tag writes a new token,
 * which makes every entry that recorded the old one stale on every instance at once.
 *
 * A version key outlives every entry that depends on it (taking a snapshot extends its TTL to the
 * entry's), so a version key that is missing means it was cleared or evicted, and the entry is
 * taken as stale rather than fresh. An extension gives it twice the entry's TTL, so that the loads
 * of the next TTL find it long enough and leave it alone: one PEXPIRE a tag per TTL, not one a load
 * (1.2 a request in bench scenario 15). A key is touched alone per script, so this works on a cluster.
 */
const SNAPSHOT_SCRIPT = `
local version = redis.call('GET', KEYS[1])
local ttl = tonumber(ARGV[2])
if not version then
  version = ARGV[1]
  if ttl > 0 then redis.call('SET', KEYS[1], version, 'PX', ttl) else redis.call('SET', KEYS[1], version) end
  return version
end
if ttl == 0 then
  redis.call('PERSIST', KEYS[1])
else
  local left = redis.call('PTTL', KEYS[1])
  if left >= 0 and left < ttl then redis.call('PEXPIRE', KEYS[1], 2 * ttl) end
end
return version`;

/** No entry depends on a tag without a version key, so there is nothing to invalidate then. */
const BUMP_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
  return 1
end
return 0`;

type TagScripts = {
  chatCacheTagSnapshot(key: string, candidate: string, ttlMs: number): Promise<string>;
  chatCacheTagBump(key: string, version: string): Promise<number>;
};

export class RedisTagVersions {
  private readonly scripts: TagScripts;

  constructor(
    private readonly client: RedisClient,
    private readonly keyOf: (tag: string) => string,
  ) {
    client.defineCommand('chatCacheTagSnapshot', { numberOfKeys: 1, lua: SNAPSHOT_SCRIPT });
    client.defineCommand('chatCacheTagBump', { numberOfKeys: 1, lua: BUMP_SCRIPT });
    this.scripts = client as unknown as TagScripts;
  }

  /** The current versions of `tags`, each kept alive for at least `ttlMs` (0: for ever). */
  snapshot(tags: readonly string[], ttlMs: number): Promise<string[]> {
    return Promise.all(tags.map((tag) => this.scripts.chatCacheTagSnapshot(this.keyOf(tag), newVersion(), ttlMs)));
  }

  /** The current versions of `tags`, `null` for a tag without a version key. */
  current(tags: readonly string[]): Promise<(string | null)[]> {
    return Promise.all(tags.map((tag) => this.client.get(this.keyOf(tag))));
  }

  /** `current` in one round trip (MGET; one per hash slot on a cluster), for a batch read. */
  currentMany(tags: readonly string[]): Promise<(string | null)[]> {
    return multiGet(
      this.client,
      tags.map((tag) => this.keyOf(tag)),
    );
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    await Promise.all(tags.map((tag) => this.scripts.chatCacheTagBump(this.keyOf(tag), newVersion())));
  }

  /**
   * Invalidates `tags` by deleting their version keys (an entry whose tag has no version is stale):
   * a removal, which Redis accepts even when it refuses writes (maxmemory reached).
   */
  async forget(tags: readonly string[]): Promise<void> {
    await Promise.all(tags.map((tag) => this.client.unlink(this.keyOf(tag))));
  }
}

function newVersion(): string {
  return randomToken(8);
}

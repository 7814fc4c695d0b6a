import { INTERNAL_KEY_NAMESPACE } from '../chat-cache.constants';
import { isWellFormed } from './well-formed';

/** Rejects what cannot be a cache key: a programming error, reported at the call that made it. */
export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(`a cache key must be a non-empty string (got ${describe(key)})`);
  }
  if (key.startsWith(INTERNAL_KEY_NAMESPACE)) {
    throw new TypeError(`cache keys may not start with "${INTERNAL_KEY_NAMESPACE}", which chat-cache keeps for itself`);
  }
  if (!isWellFormed(key)) {
    throw new TypeError(
      `a cache key may not hold a lone surrogate: Redis would store it as U+FFFD, under the name of other keys (got ${describe(key)})`,
    );
  }
}

/**
 * The longest key pattern accepted, in UTF-16 characters, from a caller or the bus. Matching costs
 * O(key bytes x pattern length) per key, so the bound caps what one pattern can cost. 1024 is what
 * the admin API already allowed, room for an escaped key plus wildcards, and keeps a pattern under
 * Redis's own cap of 1000 nested `*` (1024 characters hold at most 512 separate stars), past which
 * Redis would match nothing while the memory tier still matched: both tiers always agree.
 */
export const MAX_PATTERN_LENGTH = 1024;

export function assertPattern(pattern: unknown): asserts pattern is string {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    throw new TypeError(`a key pattern must be a non-empty string (got ${describe(pattern)})`);
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new RangeError(`a key pattern may be at most ${MAX_PATTERN_LENGTH} characters long (got ${pattern.length})`);
  }
}

export function assertTags(tags: unknown): asserts tags is readonly string[] {
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string' || tag.length === 0)) {
    throw new TypeError(`tags must be an array of non-empty strings (got ${describe(tags)})`);
  }
  // A tag names a Redis key too (its version).
  if (tags.some((tag: string) => !isWellFormed(tag))) {
    throw new TypeError(
      `a tag may not hold a lone surrogate: Redis would store it as U+FFFD, under the name of other tags (got ${describe(tags)})`,
    );
  }
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? 'an array' : String(value);
}

/** Rejects what cannot be a list of cache keys (getMany, getOrSetMany). */
export function assertKeys(keys: unknown): asserts keys is readonly string[] {
  if (!Array.isArray(keys)) throw new TypeError(`cache keys must be an array of keys (got ${describe(keys)})`);
  for (const key of keys) assertKey(key);
}

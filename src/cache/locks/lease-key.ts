import { INTERNAL_KEY_NAMESPACE } from '../chat-cache.constants';

/**
 * The Redis key of the lease on the entry stored under `fullKey` (the prefixed key of the value).
 *
 * It lives under the prefix (so prefix-scoped SCANs see it) in the internal namespace (no user key
 * can collide with it), and carries a hash tag naming the slot of the value's own key: on a Redis
 * Cluster the lease and the value share a slot, so one script may one day touch both. The lease
 * itself only ever sends one key per command, so it works on a cluster whatever the slot.
 * One case cannot share the slot: a full key that holds a `}` and no valid hash tag (Redis hashes
 * such a key whole, and a hash tag cannot hold `}`); its lease lands in another slot, still correct.
 */
export function leaseKeyOf(prefix: string, fullKey: string): string {
  return `${prefix}${INTERNAL_KEY_NAMESPACE}lease:{${hashTagOf(fullKey)}}`;
}

/**
 * The flag a waiter sets while it waits on the lease of `fullKey` (same slot as the lease, so the
 * release script can read both): the holder publishes its release only when someone waits, so an
 * uncontended miss sends no pub/sub message to every instance.
 */
export function leaseWaitersKeyOf(prefix: string, fullKey: string): string {
  return `${prefix}${INTERNAL_KEY_NAMESPACE}lease-waiters:{${hashTagOf(fullKey)}}`;
}

/** What Redis hashes to find the slot of `key`: the first non-empty `{...}` section, else the whole key. */
export function hashTagOf(key: string): string {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

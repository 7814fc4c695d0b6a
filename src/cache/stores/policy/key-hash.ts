/**
 * FNV-1a over the key's UTF-16 code units, with a final avalanche so that keys differing only in
 * their last characters still spread over the sketch's blocks. Computed once when a key is stored
 * (the policy keeps it per slot), never on a hit.
 */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return mix(hash);
}

/** murmur3's 32-bit finalizer (every input bit flips each output bit with probability about 1/2), as an int32. */
export function mix(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash;
}

/**
 * What MemoryStore asks of its policy, over the numbered slots of its entries (1 and up; 0 is
 * "none"): LruOrder for `lru`, WindowTinyLfu for `tinylfu`.
 */
export interface SlotOrder {
  /** A free slot for a new key (`keyHash` from `hashKey`; LRU ignores it). */
  allocate(keyHash: number): number;
  /** A hit on, or an overwrite of, the entry in `slot`. */
  touch(slot: number): void;
  /** Frees `slot`, its entry gone. */
  release(slot: number): void;
  /**
   * The entry to drop next to make room, 0 when none; negated when the policy refused to admit it
   * (an admission rejection, not an eviction of an admitted entry). The caller releases it.
   */
  victim(): number;
  clear(): void;
}

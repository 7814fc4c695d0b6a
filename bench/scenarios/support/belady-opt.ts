/**
 * Belady's OPT: the most hits any cache of `capacity` entries can score on a trace known in advance,
 * the bound every online policy is measured against in scenario 3.
 *
 * On a miss with the cache full, OPT compares the missed key's next use with the farthest next use
 * among the residents: it evicts that resident if the missed key comes back sooner, and otherwise
 * does not admit the missed key at all (bypass). A read-through cache under LRU must admit every
 * miss, but nothing obliges a cache to, so OPT with bypass is the true upper bound.
 * `admitEveryMiss` gives the classic demand-paging variant (a page fault always loads the page),
 * which the textbook examples count.
 *
 * O(n log capacity): one backward pass for next uses, then an indexed max-heap of the residents
 * keyed on their next use (a hit raises a resident's next use: one sift-up).
 */

export interface OptimalOptions {
  /** Hits are counted from this access on (the accesses before it only warm the cache). */
  countFrom?: number;
  /** Load every missed key, evicting the farthest-used resident (demand paging), instead of bypassing. */
  admitEveryMiss?: boolean;
}

/**
 * For each access, the index of the next access to the same key; a key never accessed again gets
 * `length + key`, beyond every real index and distinct per key, so that no two residents tie.
 */
export function nextUses(accesses: Uint32Array, keyCount: number): Int32Array {
  const length = accesses.length;
  if (length + keyCount > 0x7fffffff) throw new RangeError('trace too long for 32-bit next-use indexes');
  const next = new Int32Array(length);
  const lastSeen = new Int32Array(keyCount).fill(-1);
  for (let i = length - 1; i >= 0; i--) {
    const key = accesses[i];
    next[i] = lastSeen[key] === -1 ? length + key : lastSeen[key];
    lastSeen[key] = i;
  }
  return next;
}

/** Hits of Belady's OPT over `accesses` (key ids below `keyCount`) with `capacity` entries. */
export function optimalHits(accesses: Uint32Array, keyCount: number, capacity: number, options: OptimalOptions = {}): number {
  const { countFrom = 0, admitEveryMiss = false } = options;
  if (capacity <= 0) return 0;
  const next = nextUses(accesses, keyCount);
  const heap = new ResidentHeap(keyCount, capacity);
  let hits = 0;
  for (let i = 0; i < accesses.length; i++) {
    const key = accesses[i];
    const nextUse = next[i];
    if (heap.has(key)) {
      if (i >= countFrom) hits++;
      heap.raise(key, nextUse);
    } else if (heap.size < capacity) heap.insert(key, nextUse);
    else if (admitEveryMiss || nextUse < heap.farthestNextUse()) heap.replaceFarthest(key, nextUse);
  }
  return hits;
}

/** The resident keys in a binary max-heap on their next use, with each key's slot indexed for updates. */
class ResidentHeap {
  /** Key ids, heap-ordered on `nextUseOf`. */
  private readonly keys: Int32Array;
  /** Slot of each key in `keys`, -1 when not resident. */
  private readonly slotOf: Int32Array;
  private readonly nextUseOf: Int32Array;
  size = 0;

  constructor(keyCount: number, capacity: number) {
    this.keys = new Int32Array(capacity);
    this.slotOf = new Int32Array(keyCount).fill(-1);
    this.nextUseOf = new Int32Array(keyCount);
  }

  has(key: number): boolean {
    return this.slotOf[key] !== -1;
  }

  farthestNextUse(): number {
    return this.nextUseOf[this.keys[0]];
  }

  insert(key: number, nextUse: number): void {
    this.nextUseOf[key] = nextUse;
    this.place(key, this.size++);
    this.siftUp(this.size - 1);
  }

  /** A resident's next use only ever moves later (it was due now), so it can only rise in the heap. */
  raise(key: number, nextUse: number): void {
    this.nextUseOf[key] = nextUse;
    this.siftUp(this.slotOf[key]);
  }

  replaceFarthest(key: number, nextUse: number): void {
    this.slotOf[this.keys[0]] = -1;
    this.nextUseOf[key] = nextUse;
    this.place(key, 0);
    this.siftDown(0);
  }

  private place(key: number, slot: number): void {
    this.keys[slot] = key;
    this.slotOf[key] = slot;
  }

  private siftUp(slot: number): void {
    const key = this.keys[slot];
    const priority = this.nextUseOf[key];
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      const parentKey = this.keys[parent];
      if (this.nextUseOf[parentKey] >= priority) break;
      this.place(parentKey, slot);
      slot = parent;
    }
    this.place(key, slot);
  }

  private siftDown(slot: number): void {
    const key = this.keys[slot];
    const priority = this.nextUseOf[key];
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.nextUseOf[this.keys[child + 1]] > this.nextUseOf[this.keys[child]]) child++;
      const childKey = this.keys[child];
      if (this.nextUseOf[childKey] <= priority) break;
      this.place(childKey, slot);
      slot = child;
    }
    this.place(key, slot);
  }
}

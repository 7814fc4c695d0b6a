import { FrequencySketch } from './frequency-sketch';
import { HillClimber } from './hill-climber';

/** Segments, which are also the sentinels of their lists (indices 0..2 of the link arrays). */
const WINDOW = 0;
const PROBATION = 1;
const PROTECTED = 2;
/** Slot s lives at index s + LISTS of the link arrays; slot numbers start at 1, as LruOrder's. */
const LISTS = 3;
const INITIAL_SLOTS = 1_024;
/** Caffeine's: the window starts at 1% of capacity, the protected segment holds 80% of the main space. */
const INITIAL_WINDOW_SHARE = 0.01;
const PROTECTED_SHARE = 0.8;
/**
 * Accesses (hits and new keys) per entry of capacity in a hill-climbing period (Caffeine: 10). Half
 * Caffeine's: a period of 10 x capacity is longer than the shifting trace of scenario 3 keeps one hot
 * set, and the window then grows too late (at 10%: 3.2 points below LRU, against 7.2 with 10).
 */
export const CLIMB_SAMPLES_PER_ENTRY = 5;
/**
 * Counted accesses per entry of capacity between two halvings of the sketch (Caffeine: 10). Longer:
 * a cache of 10% of a Zipf trace holds keys read about once per 10 x capacity, whose counts are then
 * 0 or 1 and tell nothing; at 30 the Zipf 1.0 case at 10% closed 51% of the gap to OPT, not 44%.
 */
export const RESET_SAMPLES_PER_ENTRY = 30;
/** A candidate this popular may still win against a hotter victim, 1 time in 128 (Caffeine's guard against hash flooding). */
const HASH_FLOODING_GUARD_FREQUENCY = 6;

/**
 * Caffeine's W-TinyLFU over numbered slots, for MemoryStore. A new entry enters a small LRU window;
 * the window's oldest then competes for the main space (a segmented LRU: probation, and protected
 * for entries hit there) with the main space's next victim, and the one the frequency sketch says
 * is asked for less often is dropped: a scan or a burst of one-off keys passes through the window
 * without flushing what is popular. A hill climber resizes the window from the hit rate.
 *
 * The key's hash is given once, at `allocate`; a hit (`touch`) costs four counter increments in
 * one cache line and a list move, all in typed arrays. There is no doorkeeper (Caffeine has none by
 * default either): in front of the sketch it cost 1-5 points of the gap to OPT on the 10% caches,
 * and counting every hit (no sampling) closed 2-7 more.
 */
export class WindowTinyLfu {
  /** Circular doubly linked lists, one per segment, sentinels at 0..2: `older[s]` is the newest of list s, `newer[s]` its oldest. */
  private newer = new Uint32Array(INITIAL_SLOTS + LISTS);
  private older = new Uint32Array(INITIAL_SLOTS + LISTS);
  private segmentOf = new Uint8Array(INITIAL_SLOTS + LISTS);
  /** Int32, as every hash here: values above 2^31 would be read back as doubles, slowing the hit path. */
  private hashOf = new Int32Array(INITIAL_SLOTS + LISTS);
  private readonly freeSlots: number[] = [];
  private nextUnused = 1;
  private readonly sizes = new Int32Array(LISTS);
  private windowMax: number;
  private protectedMax: number;
  private readonly sketch: FrequencySketch;
  private readonly climber: HillClimber;
  /** Accesses (hits and new keys) in a climbing period. */
  private readonly sampleSize: number;
  private hitsInPeriod = 0;
  private missesInPeriod = 0;
  private readonly resetSize: number;
  private accessesSinceReset = 0;
  /** Seeded: the hash-flooding guard's coin must not make hit ratios differ run to run. */
  private randomState = 0x2545f491;

  /** `capacity`: the entries the store keeps (`maxEntries`); one more slot can be in use while a set makes room. */
  constructor(private readonly capacity: number) {
    this.windowMax = Math.max(1, Math.round(capacity * INITIAL_WINDOW_SHARE));
    this.protectedMax = this.protectedMaxFor(this.windowMax);
    this.sampleSize = CLIMB_SAMPLES_PER_ENTRY * Math.max(capacity, 1);
    this.resetSize = RESET_SAMPLES_PER_ENTRY * Math.max(capacity, 1);
    this.sketch = new FrequencySketch(capacity);
    this.climber = new HillClimber(capacity);
    this.emptyLists();
  }

  /** A free slot for a new key of hash `keyHash`, the newest of the window. */
  allocate(keyHash: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextUnused++;
      if (slot + LISTS >= this.newer.length) this.grow();
    }
    const index = slot + LISTS;
    this.hashOf[index] = keyHash;
    this.link(WINDOW, index);
    this.missesInPeriod++;
    this.record(keyHash);
    if (this.hitsInPeriod + this.missesInPeriod >= this.sampleSize) this.climb();
    // While the store has room, the window's overflow moves to probation unopposed (the main space
    // fills up); once it is full, victim() makes the overflow compete for its place.
    if (this.sizes[WINDOW] > this.windowMax && this.sizes[WINDOW] + this.sizes[PROBATION] + this.sizes[PROTECTED] <= this.capacity) {
      this.moveOldest(WINDOW, PROBATION);
    }
    return slot;
  }

  /** A hit (or an overwrite) on `slot`: counted, and moved up its segment (probation's go to protected). */
  touch(slot: number): void {
    const index = slot + LISTS;
    this.hitsInPeriod++;
    this.record(this.hashOf[index]);
    if (this.hitsInPeriod + this.missesInPeriod >= this.sampleSize) this.climb();
    const segment = this.segmentOf[index];
    if (segment === PROBATION) {
      this.unlink(index);
      this.link(PROTECTED, index);
      if (this.sizes[PROTECTED] > this.protectedMax) this.demoteOldestProtected();
    } else if (this.older[segment] !== index) {
      this.moveToNewest(segment, index);
    }
  }

  release(slot: number): void {
    this.unlink(slot + LISTS);
    this.freeSlots.push(slot);
  }

  /**
   * The next entry to drop to make room, 0 when none is held; negated when it is a window entry the
   * admission filter refused (its value was never admitted to the main space). When the window is
   * over its size its oldest entry is the candidate: admitted (moved to probation) when the sketch
   * counts it more often than the main space's victim, which is then the one answered.
   */
  victim(): number {
    if (this.sizes[WINDOW] > this.windowMax) {
      const candidate = this.newer[WINDOW];
      const victim = this.mainVictim();
      if (victim === 0) return this.evictWindowOldest();
      if (!this.admit(this.hashOf[candidate], this.hashOf[victim])) return -(candidate - LISTS);
      this.unlink(candidate);
      this.link(PROBATION, candidate);
      return victim - LISTS;
    }
    const victim = this.mainVictim();
    return victim === 0 ? this.evictWindowOldest() : victim - LISTS;
  }

  clear(): void {
    this.emptyLists();
    this.freeSlots.length = 0;
    this.nextUnused = 1;
    this.sketch.clear();
    this.hitsInPeriod = this.missesInPeriod = 0;
    this.accessesSinceReset = 0;
  }

  /** Entries the window may hold now (the hill climber moves it); for tests and stats. */
  windowCapacity(): number {
    return this.windowMax;
  }

  /** The estimated recent frequency of `hash`. */
  frequency(hash: number): number {
    return this.sketch.frequency(hash);
  }

  private emptyLists(): void {
    for (let list = 0; list < LISTS; list++) {
      this.newer[list] = this.older[list] = list;
      this.sizes[list] = 0;
    }
  }

  /** One access of `hash`, counted; every RESET_SAMPLES_PER_ENTRY x capacity of them the counts halve (what was popular fades). */
  private record(hash: number): void {
    this.sketch.increment(hash);
    if (++this.accessesSinceReset >= this.resetSize) {
      this.accessesSinceReset = 0;
      this.sketch.halve();
    }
  }

  /** xorshift32: deterministic, so that hit ratios repeat run to run. */
  private nextRandom(): number {
    let x = this.randomState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.randomState = x;
    return x;
  }

  private admit(candidateHash: number, victimHash: number): boolean {
    const candidate = this.frequency(candidateHash);
    if (candidate > this.frequency(victimHash)) return true;
    // An attacker who makes a victim look hot by colliding hashes must not freeze the cache.
    return candidate >= HASH_FLOODING_GUARD_FREQUENCY && (this.nextRandom() & 127) === 0;
  }

  /** Probation's oldest, else protected's (probation can be empty after the window grew), index form; 0 when main is empty. */
  private mainVictim(): number {
    if (this.sizes[PROBATION] > 0) return this.newer[PROBATION];
    if (this.sizes[PROTECTED] > 0) return this.newer[PROTECTED];
    return 0;
  }

  private evictWindowOldest(): number {
    return this.sizes[WINDOW] > 0 ? this.newer[WINDOW] - LISTS : 0;
  }

  private demoteOldestProtected(): void {
    this.moveOldest(PROTECTED, PROBATION);
  }

  private moveOldest(from: number, to: number): void {
    const oldest = this.newer[from];
    this.unlink(oldest);
    this.link(to, oldest);
  }

  /** Ends a sample period: the climber's step moves entries between the window and the main space. */
  private climb(): void {
    const step = this.climber.adjustment(this.hitsInPeriod, this.missesInPeriod);
    this.hitsInPeriod = this.missesInPeriod = 0;
    if (step === 0) return;
    this.windowMax = Math.min(Math.max(1, this.windowMax + step), Math.max(1, this.capacity - 1));
    this.protectedMax = this.protectedMaxFor(this.windowMax);
    // A smaller window hands its oldest entries to probation; a larger one takes main's oldest.
    while (this.sizes[WINDOW] > this.windowMax) this.moveOldest(WINDOW, PROBATION);
    while (this.sizes[WINDOW] < this.windowMax) {
      const oldest = this.mainVictim();
      if (oldest === 0) break;
      this.unlink(oldest);
      this.link(WINDOW, oldest);
    }
    while (this.sizes[PROTECTED] > this.protectedMax) this.demoteOldestProtected();
  }

  private protectedMaxFor(windowMax: number): number {
    return Math.floor((this.capacity - windowMax) * PROTECTED_SHARE);
  }

  private link(list: number, index: number): void {
    const previousNewest = this.older[list];
    this.older[index] = previousNewest;
    this.newer[index] = list;
    this.newer[previousNewest] = index;
    this.older[list] = index;
    this.segmentOf[index] = list;
    this.sizes[list]++;
  }

  /** Within its list: no segment or size changes. */
  private moveToNewest(list: number, index: number): void {
    const older = this.older;
    const newer = this.newer;
    const towardNewest = newer[index];
    const towardOldest = older[index];
    older[towardNewest] = towardOldest;
    newer[towardOldest] = towardNewest;
    const previousNewest = older[list];
    older[index] = previousNewest;
    newer[index] = list;
    newer[previousNewest] = index;
    older[list] = index;
  }

  private unlink(index: number): void {
    const towardNewest = this.newer[index];
    const towardOldest = this.older[index];
    this.older[towardNewest] = towardOldest;
    this.newer[towardOldest] = towardNewest;
    this.sizes[this.segmentOf[index]]--;
  }

  private grow(): void {
    const length = Math.min(this.newer.length * 2, this.capacity + 1 + LISTS + 1);
    this.newer = grown(this.newer, length);
    this.older = grown(this.older, length);
    const hashes = new Int32Array(length);
    hashes.set(this.hashOf);
    this.hashOf = hashes;
    const segments = new Uint8Array(length);
    segments.set(this.segmentOf);
    this.segmentOf = segments;
  }
}

function grown(array: Uint32Array<ArrayBuffer>, length: number): Uint32Array<ArrayBuffer> {
  const copy = new Uint32Array(length);
  copy.set(array);
  return copy;
}

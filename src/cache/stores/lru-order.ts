import type { SlotOrder } from './policy/slot-order';

/** Slots allocated up front; the arrays double as they fill, up to the most slots asked for. */
const INITIAL_SLOTS = 1_024;

/**
 * Recency order over numbered slots: a circular doubly linked list kept in two typed arrays, with
 * slot 0 as its sentinel, and a free list for reuse. Compact memory is what makes an LRU hit cheap
 * (lru-cache and mnemonist keep theirs the same way); the data of a slot lives with its owner.
 */
export class LruOrder implements SlotOrder {
  /** `older[0]` is the most recently used slot; `newer[0]` the least. */
  private newer = new Uint32Array(INITIAL_SLOTS);
  private older = new Uint32Array(INITIAL_SLOTS);
  private readonly freeSlots: number[] = [];
  private nextUnused = 1;

  /** `maxSlots`: the most slots in use at once (the sentinel is extra). */
  constructor(private readonly maxSlots: number) {}

  /** A free slot, linked as the most recently used. */
  allocate(): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.nextUnused++;
      if (slot >= this.newer.length) this.grow();
    }
    this.linkAsNewest(slot);
    return slot;
  }

  /** Unlinks `slot` and makes it free for reuse. */
  release(slot: number): void {
    this.unlink(slot);
    this.freeSlots.push(slot);
  }

  /** Marks `slot` as the most recently used. */
  touch(slot: number): void {
    const older = this.older;
    if (older[0] === slot) return;
    const newer = this.newer;
    const towardNewest = newer[slot];
    const towardOldest = older[slot];
    older[towardNewest] = towardOldest;
    newer[towardOldest] = towardNewest;
    const previousNewest = older[0];
    older[slot] = previousNewest;
    newer[slot] = 0;
    newer[previousNewest] = slot;
    older[0] = slot;
  }

  /** The least recently used slot, 0 when none is in use. */
  oldest(): number {
    return this.newer[0];
  }

  /** The least recently used slot: LRU admits every entry, so never a negated one. */
  victim(): number {
    return this.newer[0];
  }

  clear(): void {
    this.newer[0] = this.older[0] = 0;
    this.freeSlots.length = 0;
    this.nextUnused = 1;
  }

  private unlink(slot: number): void {
    const towardNewest = this.newer[slot];
    const towardOldest = this.older[slot];
    this.older[towardNewest] = towardOldest;
    this.newer[towardOldest] = towardNewest;
  }

  private linkAsNewest(slot: number): void {
    const previousNewest = this.older[0];
    this.older[slot] = previousNewest;
    this.newer[slot] = 0;
    this.newer[previousNewest] = slot;
    this.older[0] = slot;
  }

  private grow(): void {
    const length = Math.min(this.newer.length * 2, this.maxSlots + 1);
    const newer = new Uint32Array(length);
    const older = new Uint32Array(length);
    newer.set(this.newer);
    older.set(this.older);
    this.newer = newer;
    this.older = older;
  }
}

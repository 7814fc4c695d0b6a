import { hashKey } from './key-hash';
import { WindowTinyLfu } from './window-tiny-lfu';

/** The policy alone, over slots, with the store's loop: allocate, then drop victims while over capacity. */
class Harness {
  readonly policy: WindowTinyLfu;
  readonly slotOf = new Map<string, number>();
  private readonly keyOf = new Map<number, string>();
  rejected = 0;
  evicted = 0;

  constructor(private readonly capacity: number) {
    this.policy = new WindowTinyLfu(capacity);
  }

  access(key: string): boolean {
    const slot = this.slotOf.get(key);
    if (slot !== undefined) {
      this.policy.touch(slot);
      return true;
    }
    const added = this.policy.allocate(hashKey(key));
    this.slotOf.set(key, added);
    this.keyOf.set(added, key);
    while (this.slotOf.size > this.capacity) {
      const victim = this.policy.victim();
      if (victim < 0) this.rejected++;
      else this.evicted++;
      this.drop(Math.abs(victim));
    }
    return false;
  }

  drop(slot: number): void {
    this.policy.release(slot);
    this.slotOf.delete(this.keyOf.get(slot)!);
    this.keyOf.delete(slot);
  }
}

describe('WindowTinyLfu', () => {
  it('answers 0 for a victim when it holds nothing', () => {
    expect(new WindowTinyLfu(10).victim()).toBe(0);
  });

  it('hands out distinct slots, and reuses a released one', () => {
    const policy = new WindowTinyLfu(10);
    const slots = Array.from({ length: 5 }, (_, i) => policy.allocate(hashKey(`k${i}`)));
    expect(new Set(slots).size).toBe(5);
    expect(Math.min(...slots)).toBeGreaterThanOrEqual(1);
    policy.release(slots[2]);
    expect(policy.allocate(hashKey('again'))).toBe(slots[2]);
  });

  it('refuses a window entry seen once in favour of a main entry seen often, and admits one seen more often', () => {
    const cache = new Harness(4);
    for (const key of ['a', 'b', 'c']) cache.access(key);
    for (let i = 0; i < 16; i++) for (const key of ['a', 'b', 'c']) cache.access(key);
    cache.access('once');
    cache.access('new');
    expect(cache.rejected).toBeGreaterThan(0);
    expect(['a', 'b', 'c'].every((key) => cache.slotOf.has(key))).toBe(true);
    for (let i = 0; i < 200; i++) cache.access('rising');
    expect(cache.slotOf.has('rising')).toBe(true);
  });

  it('never holds more than capacity and keeps its lists consistent through churn and climbing', () => {
    const cache = new Harness(50);
    let seed = 7;
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 48_271) % 2_147_483_647;
      cache.access(`k:${seed % (i < 10_000 ? 80 : 400)}`); // a shift of the working set halfway
      expect(cache.slotOf.size).toBeLessThanOrEqual(50);
    }
    // Every held entry can still be dropped, one victim at a time, down to none.
    let drops = 0;
    for (let victim = cache.policy.victim(); victim !== 0; victim = cache.policy.victim()) {
      cache.drop(Math.abs(victim));
      drops++;
    }
    expect(drops).toBe(50);
    expect(cache.slotOf.size).toBe(0);
  });

  it('grows the window on a recency-heavy trace and keeps it within capacity', () => {
    const cache = new Harness(1_000);
    const initial = cache.policy.windowCapacity();
    // A working set that moves every period: what was popular before is of no use after.
    for (let i = 0; i < 200_000; i++) cache.access(`k:${Math.floor(i / 20_000)}:${i % 900}`);
    expect(cache.policy.windowCapacity()).toBeGreaterThanOrEqual(1);
    expect(cache.policy.windowCapacity()).toBeLessThan(1_000);
    expect(cache.policy.windowCapacity()).toBeGreaterThan(initial);
  });
});

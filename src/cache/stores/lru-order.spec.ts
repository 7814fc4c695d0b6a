import { LruOrder } from './lru-order';

/** Reads the order out by evicting: oldest first. */
function drain(order: LruOrder): number[] {
  const slots: number[] = [];
  for (let slot = order.oldest(); slot !== 0; slot = order.oldest()) {
    slots.push(slot);
    order.release(slot);
  }
  return slots;
}

describe('LruOrder', () => {
  it('is empty at first: no oldest slot', () => {
    expect(new LruOrder(10).oldest()).toBe(0);
  });

  it('hands out distinct slots, oldest first in allocation order', () => {
    const order = new LruOrder(10);
    const slots = [order.allocate(), order.allocate(), order.allocate()];
    expect(new Set(slots).size).toBe(3);
    expect(slots).not.toContain(0);
    expect(drain(order)).toEqual(slots);
  });

  it('touch makes a slot the most recently used', () => {
    const order = new LruOrder(10);
    const [a, b, c] = [order.allocate(), order.allocate(), order.allocate()];
    order.touch(a);
    order.touch(c); // already next to newest: order b, a, c
    expect(drain(order)).toEqual([b, a, c]);
  });

  it('reuses released slots', () => {
    const order = new LruOrder(2);
    const a = order.allocate();
    order.allocate();
    order.release(a);
    expect(order.allocate()).toBe(a);
  });

  it('grows past its initial arrays up to the most slots asked for, keeping the order', () => {
    const order = new LruOrder(5_000);
    const slots = Array.from({ length: 5_000 }, () => order.allocate());
    order.touch(slots[0]);
    const drained = drain(order);
    expect(drained).toHaveLength(5_000);
    expect(drained[0]).toBe(slots[1]);
    expect(drained[4_999]).toBe(slots[0]);
  });

  it('clear forgets every slot', () => {
    const order = new LruOrder(10);
    order.allocate();
    order.allocate();
    order.clear();
    expect(order.oldest()).toBe(0);
    expect(order.allocate()).toBe(1);
  });
});

import { FrequencySketch } from './frequency-sketch';
import { hashKey } from './key-hash';

describe('FrequencySketch', () => {
  const hashes = Array.from({ length: 1_000 }, (_, i) => hashKey(`key:${i}`));

  it('estimates a key seen n times at n or more, and one never seen at 0 in an empty sketch', () => {
    const sketch = new FrequencySketch(1_000);
    expect(sketch.frequency(hashes[0])).toBe(0);
    for (let i = 0; i < 5; i++) sketch.increment(hashes[0]);
    expect(sketch.frequency(hashes[0])).toBeGreaterThanOrEqual(5);
    expect(sketch.frequency(hashes[1])).toBe(0);
  });

  it('tells keys seen often from keys seen once, among many keys', () => {
    const sketch = new FrequencySketch(1_000);
    for (const hash of hashes) sketch.increment(hash);
    for (let round = 0; round < 10; round++) for (const hash of hashes.slice(0, 10)) sketch.increment(hash);
    for (const hash of hashes.slice(0, 10)) expect(sketch.frequency(hash)).toBeGreaterThanOrEqual(11);
    const cold = hashes.slice(10).map((hash) => sketch.frequency(hash));
    expect(cold.filter((count) => count <= 2).length).toBeGreaterThan(0.95 * cold.length);
  });

  it('saturates at 15 without disturbing the neighbouring counters', () => {
    const sketch = new FrequencySketch(16);
    for (let i = 0; i < 100; i++) sketch.increment(hashes[0]);
    expect(sketch.frequency(hashes[0])).toBe(15);
    expect(hashes.slice(1, 50).every((hash) => sketch.frequency(hash) < 15)).toBe(true);
  });

  it('halve ages every count, and clear forgets them', () => {
    const sketch = new FrequencySketch(1_000);
    for (let i = 0; i < 12; i++) sketch.increment(hashes[0]);
    sketch.halve();
    expect(sketch.frequency(hashes[0])).toBe(6);
    sketch.halve();
    expect(sketch.frequency(hashes[0])).toBe(3);
    sketch.clear();
    expect(sketch.frequency(hashes[0])).toBe(0);
  });
});

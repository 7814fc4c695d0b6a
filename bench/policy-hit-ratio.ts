/**
 * A quick hit-ratio check of MemoryStore's two policies (not a bench scenario; scenario 3 is the
 * measured one): cache-aside (a miss sets the key) over a few seeded traces, `lru` against `tinylfu`.
 *
 *   npx ts-node --transpile-only bench/policy-hit-ratio.ts
 */
import { seededRandom } from './harness/measure';
import { MemoryStore, type MemoryPolicy } from '../src/cache/stores/memory.store';

const KEYS = 100_000;

function zipfTrace(keys: number, s: number, length: number, seed: number): number[] {
  const cdf = new Float64Array(keys);
  let sum = 0;
  for (let i = 0; i < keys; i++) cdf[i] = sum += 1 / Math.pow(i + 1, s);
  const random = seededRandom(seed);
  return Array.from({ length }, () => {
    const u = random() * sum;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

/** A working set of `capacity` keys read Zipf(0.8) that moves to new keys every `phase` accesses: recency wins here. */
function shiftingTrace(capacity: number, phase: number, length: number, seed: number): number[] {
  const inner = zipfTrace(2 * capacity, 0.8, length, seed);
  return inner.map((key, i) => Math.floor(i / phase) * 2 * capacity + key);
}

function hitRatio(policy: MemoryPolicy, capacity: number, trace: readonly number[]): number {
  const store = new MemoryStore({ maxEntries: capacity, maxBytes: 2 ** 40, maxEntryBytes: 2 ** 20, sweepIntervalMs: 0, policy });
  let hits = 0;
  for (const id of trace) {
    const key = `chat:key:${id}`;
    if (store.get(key) !== undefined) hits++;
    else store.set(key, id);
  }
  return hits / trace.length;
}

const traces: [string, number, number[]][] = [
  ['Zipf 0.8, cache 1% of keys', KEYS / 100, zipfTrace(KEYS, 0.8, 1_000_000, 7)],
  ['Zipf 1.0, cache 10% of keys', KEYS / 10, zipfTrace(KEYS, 1.0, 1_000_000, 9)],
  ['loop over 1.1x the cache', 1_000, Array.from({ length: 500_000 }, (_, i) => i % 1_100)],
  ['working set moving every 20x', 1_000, shiftingTrace(1_000, 20_000, 1_000_000, 11)],
  ['working set moving every 100x', 1_000, shiftingTrace(1_000, 100_000, 1_000_000, 11)],
];
for (const [name, capacity, trace] of traces) {
  const lru = hitRatio('lru', capacity, trace);
  const tinylfu = hitRatio('tinylfu', capacity, trace);
  console.log(`${name.padEnd(30)} lru ${(lru * 100).toFixed(1)}%  tinylfu ${(tinylfu * 100).toFixed(1)}%`);
}

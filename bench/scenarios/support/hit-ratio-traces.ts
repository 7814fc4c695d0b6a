/**
 * The seeded access traces of scenario 3 (hit ratio): key ids below KEY_COUNT, each trace
 * TRACE_LENGTH accesses long, built before any cache runs over them.
 */
import { seededRandom } from '../../harness/measure';
import { seededPermutation, zipfRanks } from './chat-data';

export const KEY_COUNT = 100_000;
/** Accesses before counting starts (the same for every contender), then accesses counted. */
export const WARMUP = 200_000;
export const COUNTED = 1_000_000;
export const TRACE_LENGTH = WARMUP + COUNTED;

export const SCAN_HOT_KEYS = 20_000;
export const SCAN_EVERY = 50_000;
/** 23 scans of 3,000 fit in the 80,000 cold keys: every scanned key is new. */
export const SCAN_LENGTH = 3_000;

export const SHIFT_HOT_KEYS = 5_000;
/** 20 hot sets of 5,000 over 1.2M accesses use the 100,000 keys exactly once each: every set is fresh. */
export const SHIFT_EVERY = 60_000;
export const SHIFT_ZIPF = 1.0;

/** What kind of trace, for the goals: the gap goal covers Zipf, scan and loop; the no-loss goal the shifting set. */
export type TraceKind = 'zipf' | 'scan' | 'loop' | 'shift';

export interface Trace {
  name: string;
  kind: TraceKind;
  /** Indexes into the key list. */
  accesses: Uint32Array;
}

export function zipfTrace(s: number, seed: number): Trace {
  const random = seededRandom(seed);
  const permutation = seededPermutation(KEY_COUNT, random);
  const ranks = zipfRanks(KEY_COUNT, s, TRACE_LENGTH, random);
  const accesses = new Uint32Array(ranks.length);
  for (let i = 0; i < ranks.length; i++) accesses[i] = permutation[ranks[i]];
  return { name: `Zipf s=${s}`, kind: 'zipf', accesses };
}

/** Zipf(1.0) over a hot set, interrupted every SCAN_EVERY accesses by a one-time scan of SCAN_LENGTH cold keys. */
export function scanTrace(seed: number): Trace {
  const random = seededRandom(seed);
  const hot = zipfRanks(SCAN_HOT_KEYS, 1.0, TRACE_LENGTH, random);
  const accesses = new Uint32Array(TRACE_LENGTH);
  let cold = SCAN_HOT_KEYS;
  let h = 0;
  for (let i = 0; i < accesses.length;) {
    for (let j = 0; j < SCAN_EVERY && i < accesses.length; j++) accesses[i++] = hot[h++];
    for (let j = 0; j < SCAN_LENGTH && i < accesses.length; j++) {
      accesses[i++] = cold;
      cold = cold + 1 < KEY_COUNT ? cold + 1 : SCAN_HOT_KEYS; // never wraps with these sizes (see SCAN_LENGTH)
    }
  }
  return {
    name: `hot set (${SCAN_HOT_KEYS / 1000}k keys, Zipf 1.0) + scans of ${SCAN_LENGTH / 1000}k new keys every ${SCAN_EVERY / 1000}k`,
    kind: 'scan',
    accesses,
  };
}

/** A cyclic pass over `length` keys, again and again: what LRU handles worst when the loop is longer than the cache. */
export function loopTrace(length: number): Trace {
  const accesses = new Uint32Array(TRACE_LENGTH);
  for (let i = 0; i < accesses.length; i++) accesses[i] = i % length;
  return { name: `loop over ${length.toLocaleString('en')} keys`, kind: 'loop', accesses };
}

/**
 * Zipf over a hot set that moves to SHIFT_HOT_KEYS never-seen keys every SHIFT_EVERY accesses (a
 * new day's sessions, a new release's pages): recency predicts the next access, and a key's count
 * from the last set predicts nothing. A frequency policy that keeps the old set for its high counts
 * loses there; within one set the most popular keys stay the same, so frequency is not useless.
 */
export function shiftingTrace(seed: number): Trace {
  const random = seededRandom(seed);
  const permutation = seededPermutation(SHIFT_HOT_KEYS, random);
  const ranks = zipfRanks(SHIFT_HOT_KEYS, SHIFT_ZIPF, TRACE_LENGTH, random);
  const accesses = new Uint32Array(TRACE_LENGTH);
  for (let i = 0; i < accesses.length; i++) {
    const firstKeyOfSet = Math.floor(i / SHIFT_EVERY) * SHIFT_HOT_KEYS;
    accesses[i] = firstKeyOfSet + permutation[ranks[i]];
  }
  if (Math.ceil(TRACE_LENGTH / SHIFT_EVERY) * SHIFT_HOT_KEYS > KEY_COUNT)
    throw new RangeError('the shifting trace needs more than KEY_COUNT keys');
  return {
    name: `shifting hot set (${SHIFT_HOT_KEYS / 1000}k keys, Zipf ${SHIFT_ZIPF.toFixed(1)}, moving to ${SHIFT_HOT_KEYS / 1000}k new keys every ${SHIFT_EVERY / 1000}k)`,
    kind: 'shift',
    accesses,
  };
}

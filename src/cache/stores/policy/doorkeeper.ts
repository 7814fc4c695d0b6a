import { ceilingPowerOfTwo } from './frequency-sketch';

/**
 * A small bloom filter in front of the frequency sketch (TinyLFU's doorkeeper): the first sighting
 * of a key in a sample period only sets its bits here, so that the many keys seen once (a scan, the
 * tail of a Zipf trace) never reach the sketch's counters and inflate the estimates of the others.
 * Blocked: both bits of a key lie in one 32-bit word, one memory access per check. Cleared whenever
 * the sketch halves its counters.
 */
export class Doorkeeper {
  private readonly bits: Int32Array;
  private readonly wordMask: number;

  /** `expectedKeys`: the most keys put between two clears (a sample period's accesses). */
  constructor(expectedKeys: number) {
    // 8 bits per key: about 5% false positives when every access of a period is a new key (a scan).
    const words = ceilingPowerOfTwo(Math.max(Math.ceil(expectedKeys / 4), 1));
    this.bits = new Int32Array(words);
    this.wordMask = words - 1;
  }

  /** Adds `hash`; true when it was (probably) there already. */
  put(hash: number): boolean {
    const index = (hash >>> 10) & this.wordMask;
    const mask = (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
    const word = this.bits[index];
    if ((word & mask) === mask) return true;
    this.bits[index] = word | mask;
    return false;
  }

  contains(hash: number): boolean {
    const mask = (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
    return (this.bits[(hash >>> 10) & this.wordMask] & mask) === mask;
  }

  clear(): void {
    this.bits.fill(0);
  }
}

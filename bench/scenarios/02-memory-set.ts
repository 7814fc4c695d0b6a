/**
 * Scenario 2: MemoryStore set with eviction, capacity half the key space, against lru-cache 11,
 * mnemonist's LRUCache, tiny-lru and a raw Map (the ceiling: it never evicts).
 * Each case runs in its own process (see support/isolated.ts), its contenders interleaved there.
 */
import { LRUCache } from 'lru-cache';
import { ENTRY_OVERHEAD_BYTES } from '../../src/cache/stores/memory.store';
import { estimateBytes, estimateStringBytes } from '../../src/cache/util/estimate-bytes';
import { ratioIn, rowsOf, seededRandom } from '../harness/measure';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { chatKeys, chatMessage, uniformKeySequence } from './support/chat-data';
import { measureSlicedCpuThroughput, sliceOf, type SlicedContender } from './support/cpu-throughput';
import { runIsolated, samplesFromJson, samplesToJson, type IsolatedCase } from './support/isolated';
import type { MemoryPolicy } from '../../src/cache/stores/memory.store';
import {
  UNBOUNDED_BYTES,
  lruCache,
  mnemonistLru,
  ourStore,
  setAllLruCache,
  setAllMap,
  setAllMnemonist,
  setAllOurs,
  setAllTinyLru,
  tinyLru,
} from './support/memory-peers';

const KEY_COUNT = 10_000;
const CAPACITY = KEY_COUNT / 2;
/** Sets per batch: one pass over the precomputed key sequence. */
const BATCH = 500_000;
const TTL_MS = 3_600_000;
/** Distinct value objects the sets cycle through in the warm cases (a value just built is in CPU cache). */
const WARM_VALUES = 64;
/** Each batch runs in this many slices, the contenders taking turns slice by slice. */
const SLICES = 10;
const OURS = 'MemoryStore (ours)';
const NO_TTL = 'set, no TTL';
const WITH_TTL = 'set, TTL 1 h';
const COLD = 'set, no TTL, cold values';
const SIZED = 'set, no TTL, both sizing values';
const SIZED_LRU = 'lru-cache 11, maxSize + sizeCalculation';
/** The warm cases with ours under W-TinyLFU, each in a process of its own (an application runs one policy). */
const NO_TTL_TINYLFU = 'set, no TTL, ours policy tinylfu';
const WITH_TTL_TINYLFU = 'set, TTL 1 h, ours policy tinylfu';
const OURS_TINYLFU = 'MemoryStore (ours, tinylfu)';

interface CaseResult {
  samples: [string, number[]][];
  evictingShare: number;
}

interface Data {
  sequence: string[];
  warmValues: object[];
  coldValues: object[];
}

function data(): Data {
  const keys = chatKeys(KEY_COUNT, 201);
  const random = seededRandom(202);
  const sequence = uniformKeySequence(keys, BATCH, 203);
  // Warm: the i-th set stores the (i mod 64)-th of 64 messages, distinct objects, so that a key
  // is (almost) never set to the object it already holds, and each value is in CPU cache, as a
  // value is when it was just loaded or decoded. Cold: each key has its own message, 10,000
  // objects spread over the heap, so that a set reads memory that is no longer in CPU cache.
  const warmPool = Array.from({ length: WARM_VALUES }, (_, i) => chatMessage(random, 200, i));
  const warmValues = sequence.map((_, i) => warmPool[i % WARM_VALUES]);
  const valueOf = new Map(keys.map((key, i) => [key, chatMessage(random, 200, i)]));
  const coldValues = sequence.map((key) => valueOf.get(key)!);
  return { sequence, warmValues, coldValues };
}

/** Ours and the entry-bounded peers, in one process. */
async function measurePeers(ctx: BenchContext, ttlMs: number, cold: boolean): Promise<CaseResult> {
  const { sequence, warmValues, coldValues } = data();
  const values = cold ? coldValues : warmValues;
  const at = (i: number): [number, number] => sliceOf(sequence.length, SLICES, i);
  const ours = ourStore(CAPACITY);
  const oursTtl = ttlMs === 0 ? undefined : ttlMs;
  const lru = lruCache(CAPACITY, ttlMs);
  const tiny = tinyLru(CAPACITY, ttlMs);
  const map = new Map<string, object>();
  const list: SlicedContender[] = [
    { name: OURS, ours: true, slice: (i) => setAllOurs(ours, sequence, values, oursTtl, ...at(i)) },
    { name: 'lru-cache 11', slice: (i) => setAllLruCache(lru, sequence, values, ...at(i)) },
  ];
  if (ttlMs === 0) {
    // mnemonist has no TTL: it takes part in the cases without TTL only.
    const mnemonist = mnemonistLru(CAPACITY);
    list.push({ name: 'mnemonist LRUCache', slice: (i) => setAllMnemonist(mnemonist, sequence, values, ...at(i)) });
  }
  list.push(
    { name: 'tiny-lru 13', slice: (i) => setAllTinyLru(tiny, sequence, values, ...at(i)) },
    { name: 'Map (ceiling, no eviction)', slice: (i) => setAllMap(map, sequence, values, ...at(i)) },
  );
  const samples = await measureSlicedCpuThroughput(ctx, list, SLICES);
  const before = ours.stats().evictions;
  setAllOurs(ours, sequence, values, oursTtl); // untimed: how many sets of a pass evict, in steady state
  return { samples: samplesToJson(samples), evictingShare: (ours.stats().evictions - before) / sequence.length };
}

/** Ours under `policy` against lru-cache 11 alone, in a process of their own. */
async function measurePolicy(ctx: BenchContext, ttlMs: number, policy: MemoryPolicy): Promise<CaseResult> {
  const { sequence, warmValues } = data();
  const at = (i: number): [number, number] => sliceOf(sequence.length, SLICES, i);
  const ours = ourStore(CAPACITY, policy);
  const oursTtl = ttlMs === 0 ? undefined : ttlMs;
  const lru = lruCache(CAPACITY, ttlMs);
  const samples = await measureSlicedCpuThroughput(
    ctx,
    [
      { name: OURS_TINYLFU, ours: true, slice: (i) => setAllOurs(ours, sequence, warmValues, oursTtl, ...at(i)) },
      { name: 'lru-cache 11', slice: (i) => setAllLruCache(lru, sequence, warmValues, ...at(i)) },
    ],
    SLICES,
  );
  return { samples: samplesToJson(samples), evictingShare: NaN };
}

/** Ours against lru-cache holding the same two bounds, sized by our estimate (a process of its own: lru-cache configured otherwise runs other code paths). */
async function measureSized(ctx: BenchContext): Promise<CaseResult> {
  const { sequence, warmValues } = data();
  const ours = ourStore(CAPACITY);
  const sized = new LRUCache<string, object>({
    max: CAPACITY,
    maxSize: UNBOUNDED_BYTES,
    sizeCalculation: (value, key) => ENTRY_OVERHEAD_BYTES + estimateStringBytes(key) + estimateBytes(value),
  });
  const at = (i: number): [number, number] => sliceOf(sequence.length, SLICES, i);
  const samples = await measureSlicedCpuThroughput(
    ctx,
    [
      { name: OURS, ours: true, slice: (i) => setAllOurs(ours, sequence, warmValues, undefined, ...at(i)) },
      { name: SIZED_LRU, slice: (i) => setAllLruCache(sized, sequence, warmValues, ...at(i)) },
    ],
    SLICES,
  );
  return { samples: samplesToJson(samples), evictingShare: NaN };
}

export const isolatedCases: Record<string, IsolatedCase> = {
  [NO_TTL]: (ctx) => measurePeers(ctx, 0, false),
  [WITH_TTL]: (ctx) => measurePeers(ctx, TTL_MS, false),
  [COLD]: (ctx) => measurePeers(ctx, 0, true),
  [SIZED]: (ctx) => measureSized(ctx),
  [NO_TTL_TINYLFU]: (ctx) => measurePolicy(ctx, 0, 'tinylfu'),
  [WITH_TTL_TINYLFU]: (ctx) => measurePolicy(ctx, TTL_MS, 'tinylfu'),
};
const OURS_OF_CASE: Record<string, string> = { [NO_TTL_TINYLFU]: OURS_TINYLFU, [WITH_TTL_TINYLFU]: OURS_TINYLFU };

export const scenario02: BenchScenario = {
  id: 2,
  title: 'MemoryStore set with eviction',
  steps: (ctx) => 6 * (ctx.warmupRounds + ctx.rounds),
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const rows: ResultRow[] = [];
    let evictingShare = 0;
    for (const caseName of [NO_TTL, WITH_TTL, COLD, SIZED, NO_TTL_TINYLFU, WITH_TTL_TINYLFU]) {
      ctx.status(`2. ${caseName}`);
      const result = await runIsolated<CaseResult>(ctx, __filename, caseName);
      rows.push(...rowsOf(2, caseName, 'ops/s', 'higher', samplesFromJson(result.samples), OURS_OF_CASE[caseName] ?? OURS));
      if (caseName === NO_TTL) evictingShare = result.evictingShare;
    }

    const goal = (text: string, caseName: string): GoalResult => {
      const value = ratioIn(rows, caseName, 'lru-cache 11');
      return { scenario: 2, goal: text, value, unit: 'x', met: value >= 1.0 };
    };
    return {
      id: 2,
      title: 'MemoryStore set with eviction',
      rows,
      goals: [
        goal('set with eviction, no TTL: >= 1.0x lru-cache', NO_TTL),
        goal('set with eviction, TTL: >= 1.0x lru-cache', WITH_TTL),
        goal('set with eviction, no TTL, policy tinylfu: >= 1.0x lru-cache', NO_TTL_TINYLFU),
        goal('set with eviction, TTL, policy tinylfu: >= 1.0x lru-cache', WITH_TTL_TINYLFU),
      ],
      notes: [
        `${KEY_COUNT.toLocaleString('en')} chat-shaped keys, every contender bounded to ${CAPACITY.toLocaleString('en')} entries (half the key space); ` +
          'values are chat message objects (5 string fields, 200-character content), built before the run.',
        `Warm cases: the i-th set stores the (i mod ${WARM_VALUES})-th of ${WARM_VALUES} distinct messages, so a value is in CPU cache as one just loaded or decoded is, and a key is almost never re-set to the object it holds. ` +
          `Cold case (reported, no goal): each key always gets its own message, ${KEY_COUNT.toLocaleString('en')} objects spread over the heap; ours reads each value to size it, the entry-bounded peers never look at it.`,
        `One batch is one pass over a precomputed sequence of ${BATCH.toLocaleString('en')} keys drawn uniformly at random (seeded), each \`set\` with its value; ` +
          `in steady state ${(evictingShare * 100).toFixed(0)}% of the sets insert a new key and evict the least recently used one, the others overwrite a held key.`,
        'Each case runs in a fresh process, its contenders interleaved there, so that no peer runs with code that saw another configuration of itself. ' +
          `ops/s are operations per CPU-second of that process (user + system), each batch run in ${SLICES} slices with the contenders taking turns slice by slice ` +
          '(bench/scenarios/support/cpu-throughput.ts): on this shared 2-core machine, wall-clock rounds varied several-fold with other work running.',
        `TTL case: every set carries a TTL of 1 h (ours \`set(key, value, ttlMs)\`; lru-cache \`{ max, ttl, ttlAutopurge: false }\`; tiny-lru \`new LRU(max, ttl)\`); mnemonist has no TTL and is left out of it.`,
        'Ours also estimates the bytes of every value it stores (its `maxBytes` bound, set far above what the entries need here); the peers are bounded by entries only, as a typical user configures them. ' +
          `Case "${SIZED}" (reported, no goal): ours against lru-cache holding the same two bounds (\`max\`, and \`maxSize\` with our estimate as \`sizeCalculation\`), warm values: what the byte bound costs each.`,
        'The Map never evicts (it ends holding all 10,000 keys): the ceiling of a plain `Map.set`.',
        `Cases "${NO_TTL_TINYLFU}" and "${WITH_TTL_TINYLFU}": the warm cases with ours under \`policy: 'tinylfu'\` against lru-cache 11, in a process of their own (an application runs one policy). ` +
          "A tinylfu set of a new key also hashes it once (FNV-1a) and may refuse the window's oldest entry instead of evicting from the main space; an overwrite counts the key in the frequency sketch.",
      ],
    };
  },
};

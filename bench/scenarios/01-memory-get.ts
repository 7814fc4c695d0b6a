/**
 * Scenario 1: MemoryStore get hit, 10k chat-shaped keys, skewed access, with and without TTL,
 * against lru-cache 11, mnemonist's LRUCache, tiny-lru and a raw Map (the ceiling).
 * Each case runs in its own process (see support/isolated.ts), its contenders interleaved there.
 */
import { ratioIn, rowsOf, seededRandom } from '../harness/measure';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { chatKeys, chatMessage, zipfKeySequence } from './support/chat-data';
import { measureSlicedCpuThroughput, sliceOf, type SlicedContender } from './support/cpu-throughput';
import { runIsolated, samplesFromJson, samplesToJson, type IsolatedCase } from './support/isolated';
import type { MemoryPolicy } from '../../src/cache/stores/memory.store';
import {
  getAllLruCache,
  getAllMap,
  getAllMnemonist,
  getAllOurs,
  getAllTinyLru,
  getBuiltLruCache,
  getBuiltMap,
  getBuiltMnemonist,
  getBuiltOurs,
  getBuiltTinyLru,
  lruCache,
  mnemonistLru,
  ourStore,
  tinyLru,
} from './support/memory-peers';

const KEYS = 10_000;
const ZIPF_S = 1.0;
/** Lookups per batch: one pass over the precomputed access sequence. */
const BATCH = 1_000_000;
/** One hour: far longer than the run, so that every lookup is a hit that checks (and passes) its TTL. */
const TTL_MS = 3_600_000;
const OURS = 'MemoryStore (ours)';
const NO_TTL = 'get hit, no TTL';
const WITH_TTL = 'get hit, TTL 1 h';
const BUILT = 'get hit, no TTL, key built per call';
/** The same cases with ours under W-TinyLFU, each in a process of its own (an application runs one policy). */
const NO_TTL_TINYLFU = 'get hit, no TTL, ours policy tinylfu';
const WITH_TTL_TINYLFU = 'get hit, TTL 1 h, ours policy tinylfu';
const OURS_TINYLFU = 'MemoryStore (ours, tinylfu)';
/** Lookups per batch when each builds its key (about 10x slower a lookup). */
const BUILT_BATCH = 200_000;
const PREFIX = 'chat:';
/** Each batch runs in this many slices, the contenders taking turns slice by slice. */
const SLICES = 10;

interface CaseResult {
  samples: [string, number[]][];
  distinct: number;
}

function fill(set: (key: string, value: object) => void, keys: readonly string[], values: readonly object[]): void {
  for (let i = 0; i < keys.length; i++) set(keys[i], values[i]);
}

async function measureCase(ctx: BenchContext, ttlMs: number, policy: MemoryPolicy = 'lru'): Promise<CaseResult> {
  const keys = chatKeys(KEYS, 101);
  const random = seededRandom(102);
  const values = keys.map((_, i) => chatMessage(random, 200, i));
  const sequence = zipfKeySequence(keys, ZIPF_S, BATCH, 103);
  const at = (i: number): [number, number] => sliceOf(sequence.length, SLICES, i);

  const ours = ourStore(KEYS, policy);
  fill((k, v) => ours.set(k, v, ttlMs), keys, values);
  const lru = lruCache(KEYS, ttlMs);
  fill((k, v) => lru.set(k, v), keys, values);
  if (policy === 'tinylfu') {
    const pair: SlicedContender[] = [
      { name: OURS_TINYLFU, ours: true, slice: (i) => getAllOurs(ours, sequence, ...at(i)) },
      { name: 'lru-cache 11', slice: (i) => getAllLruCache(lru, sequence, ...at(i)) },
    ];
    return { samples: samplesToJson(await measureSlicedCpuThroughput(ctx, pair, SLICES)), distinct: new Set(sequence).size };
  }
  const tiny = tinyLru(KEYS, ttlMs);
  fill((k, v) => tiny.set(k, v), keys, values);
  const map = new Map<string, object>();
  fill((k, v) => map.set(k, v), keys, values);
  const list: SlicedContender[] = [
    { name: OURS, ours: true, slice: (i) => getAllOurs(ours, sequence, ...at(i)) },
    { name: 'lru-cache 11', slice: (i) => getAllLruCache(lru, sequence, ...at(i)) },
  ];
  if (ttlMs === 0) {
    // mnemonist has no TTL: it takes part in the case without TTL only.
    const mnemonist = mnemonistLru(KEYS);
    fill((k, v) => mnemonist.set(k, v), keys, values);
    list.push({ name: 'mnemonist LRUCache', slice: (i) => getAllMnemonist(mnemonist, sequence, ...at(i)) });
  }
  list.push(
    { name: 'tiny-lru 13', slice: (i) => getAllTinyLru(tiny, sequence, ...at(i)) },
    { name: ttlMs === 0 ? 'Map (ceiling)' : 'Map (ceiling, no TTL check)', slice: (i) => getAllMap(map, sequence, ...at(i)) },
  );
  const samples = await measureSlicedCpuThroughput(ctx, list, SLICES);
  return { samples: samplesToJson(samples), distinct: new Set(sequence).size };
}

async function measureBuiltKeys(ctx: BenchContext): Promise<CaseResult> {
  const keys = chatKeys(KEYS, 101);
  const random = seededRandom(102);
  const values = keys.map((_, i) => chatMessage(random, 200, i));
  const sequence = zipfKeySequence(keys, ZIPF_S, BUILT_BATCH, 103);
  // The part after the prefix, as flat strings of their own (not slices of the full keys).
  const rests = sequence.map((key) => JSON.parse(JSON.stringify(key.slice(PREFIX.length))) as string);
  const at = (i: number): [number, number] => sliceOf(rests.length, SLICES, i);

  const ours = ourStore(KEYS);
  fill((k, v) => ours.set(k, v), keys, values);
  const lru = lruCache(KEYS);
  fill((k, v) => lru.set(k, v), keys, values);
  const mnemonist = mnemonistLru(KEYS);
  fill((k, v) => mnemonist.set(k, v), keys, values);
  const tiny = tinyLru(KEYS);
  fill((k, v) => tiny.set(k, v), keys, values);
  const map = new Map<string, object>();
  fill((k, v) => map.set(k, v), keys, values);
  const samples = await measureSlicedCpuThroughput(
    ctx,
    [
      { name: OURS, ours: true, slice: (i) => getBuiltOurs(ours, PREFIX, rests, ...at(i)) },
      { name: 'lru-cache 11', slice: (i) => getBuiltLruCache(lru, PREFIX, rests, ...at(i)) },
      { name: 'mnemonist LRUCache', slice: (i) => getBuiltMnemonist(mnemonist, PREFIX, rests, ...at(i)) },
      { name: 'tiny-lru 13', slice: (i) => getBuiltTinyLru(tiny, PREFIX, rests, ...at(i)) },
      { name: 'Map (ceiling)', slice: (i) => getBuiltMap(map, PREFIX, rests, ...at(i)) },
    ],
    SLICES,
  );
  return { samples: samplesToJson(samples), distinct: new Set(sequence).size };
}

export const isolatedCases: Record<string, IsolatedCase> = {
  [NO_TTL]: (ctx) => measureCase(ctx, 0),
  [WITH_TTL]: (ctx) => measureCase(ctx, TTL_MS),
  [BUILT]: (ctx) => measureBuiltKeys(ctx),
  [NO_TTL_TINYLFU]: (ctx) => measureCase(ctx, 0, 'tinylfu'),
  [WITH_TTL_TINYLFU]: (ctx) => measureCase(ctx, TTL_MS, 'tinylfu'),
};
const OURS_OF_CASE: Record<string, string> = { [NO_TTL_TINYLFU]: OURS_TINYLFU, [WITH_TTL_TINYLFU]: OURS_TINYLFU };

export const scenario01: BenchScenario = {
  id: 1,
  title: 'MemoryStore get hit',
  steps: (ctx) => 5 * (ctx.warmupRounds + ctx.rounds),
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const rows: ResultRow[] = [];
    let distinct = 0;
    for (const caseName of [NO_TTL, WITH_TTL, BUILT, NO_TTL_TINYLFU, WITH_TTL_TINYLFU]) {
      ctx.status(`1. ${caseName}`);
      const result = await runIsolated<CaseResult>(ctx, __filename, caseName);
      rows.push(...rowsOf(1, caseName, 'ops/s', 'higher', samplesFromJson(result.samples), OURS_OF_CASE[caseName] ?? OURS));
      if (caseName === NO_TTL) distinct = result.distinct;
    }

    const goal = (text: string, caseName: string, peer: string, min: number): GoalResult => {
      const value = ratioIn(rows, caseName, peer);
      return { scenario: 1, goal: text, value, unit: 'x', met: value >= min };
    };
    return {
      id: 1,
      title: 'MemoryStore get hit',
      rows,
      goals: [
        goal('get hit, no TTL: >= 1.0x lru-cache', NO_TTL, 'lru-cache 11', 1.0),
        goal('get hit, TTL: >= 1.0x lru-cache', WITH_TTL, 'lru-cache 11', 1.0),
        goal('get hit, no TTL: >= 0.8x mnemonist', NO_TTL, 'mnemonist LRUCache', 0.8),
        goal('get hit, no TTL, policy tinylfu: >= 1.0x lru-cache', NO_TTL_TINYLFU, 'lru-cache 11', 1.0),
        goal('get hit, TTL, policy tinylfu: >= 1.0x lru-cache', WITH_TTL_TINYLFU, 'lru-cache 11', 1.0),
      ],
      notes: [
        `${KEYS.toLocaleString('en')} chat-shaped keys (\`chat:session:<uuid>\`, \`chat:http:<user>:GET:/sessions/<id>/messages?limit=50\`, ...; 40-110 characters), ` +
          `each holding a chat message object (200-character content); every contender sized to ${KEYS.toLocaleString('en')} entries, so that every lookup hits.`,
        `Access: one precomputed sequence of ${BATCH.toLocaleString('en')} keys drawn Zipf(s = ${ZIPF_S}) over the keys (seeded; ${distinct.toLocaleString('en')} distinct keys touched), ` +
          'the same for every contender; one batch is one pass over it (a plain `for` loop calling `get`, one loop function per contender). ' +
          'The key strings are the ones the caches were filled with, so their hashes are cached and, for the peers keyed by a plain object (mnemonist, tiny-lru), already internalized.',
        `TTL case: every entry set with a TTL of ${TTL_MS / 3_600_000} h (never expires during the run): ours \`set(key, value, ttlMs)\`, lru-cache \`{ max, ttl, ttlAutopurge: false }\`, ` +
          'tiny-lru `new LRU(max, ttl)`. mnemonist has no TTL and is left out of that case; the Map there does no TTL check (ceiling).',
        `Case "${BUILT}" (reported, no goal): the same caches and Zipf sequence (${BUILT_BATCH.toLocaleString('en')} lookups a batch), but each lookup builds its key as \`'${PREFIX}' + rest\`, ` +
          'a new string to hash (and, for the object-keyed peers, to internalize), as the keys CacheService receives from its callers are.',
        'Each case runs in a fresh process (ours and its peers interleaved there), so that no peer runs with code that saw another configuration of itself. ' +
          `ops/s are operations per CPU-second of that process (user + system), each batch run in ${SLICES} slices with the contenders taking turns slice by slice ` +
          '(bench/scenarios/support/cpu-throughput.ts): on this shared 2-core machine, wall-clock rounds varied several-fold with other work running. ' +
          'Ours runs with `maxBytes` far above what the entries need (bounded by entries like the peers) and no sweeper (`sweepIntervalMs: 0`).',
        `Cases "${NO_TTL_TINYLFU}" and "${WITH_TTL_TINYLFU}": the same stores and sequence, ours with \`policy: 'tinylfu'\` against lru-cache 11, in a process of their own ` +
          '(an application runs one policy; one process running both would make every call site in MemoryStore see two policy classes). A tinylfu hit also counts the key in the frequency sketch and moves it in the segmented LRU.',
      ],
    };
  },
};

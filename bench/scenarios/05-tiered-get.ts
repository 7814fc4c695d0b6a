/**
 * Scenario 5: CacheService tiered reads (hybrid: L1 memory + L2 Redis + bus) on a real
 * redis-server: an L1 hit, and an L2 hit with L1 cold; against bentocache (memory + redis + bus)
 * and cache-manager 7 with two stores (Keyv memory, Keyv over cache-manager-ioredis-yet).
 */
import { startCacheContext, type CacheContext } from '../../test/support/cache-context';
import { RedisServer } from '../../test/support/redis-server';
import { collectGarbage } from '../harness/gc';
import { runInFlight, shuffledIndexes } from '../harness/in-flight';
import { measurePreparedThroughput, type PreparedContender } from '../harness/measure-prepared';
import { ratioIn, rowsOf, seededRandom } from '../harness/measure';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { kilobyteMessages } from './support/chat-values-1kb';
import { bentoPeer, type BentoPeer, cacheManagerPeer, type CacheManagerPeer } from './support/redis-peers';
import { TracingSdk } from './support/tracing-sdk';

const ID = 5;
const TTL_MS = 300_000;
const VALUES = 64;
const OURS = 'ours (CacheService hybrid)';
const BENTO = 'bentocache (L1 by reference)';
const BENTO_SERIALIZED = 'bentocache (default: L1 serialized)';
const CACHE_MANAGER = 'cache-manager 7 (two stores)';
const OURS_NO_L1 = 'ours, driver redis (no L1 to fill)';
const OURS_GET_OR_SET = 'ours getOrSet (no tracer provider)';
const OURS_GET_OR_SET_TRACED = 'ours getOrSet, OpenTelemetry SDK registered';

const L1_KEYS = 1_000;
const L1_OPS = 60_000;
const L1_CASE = 'L1 hit';

interface L2Case {
  name: string;
  inFlight: number;
  /** Distinct keys read once each per batch, all in L2, none in L1. */
  keys: number;
}

const L2_CASES: L2Case[] = [
  { name: 'L2 hit, L1 cold, 1 in flight', inFlight: 1, keys: 1_500 },
  { name: 'L2 hit, L1 cold, 100 in flight', inFlight: 100, keys: 5_000 },
];

/** One contender's read side: `get`, `set`, and how to empty its memory tier alone. */
interface Tiered {
  name: string;
  ours?: boolean;
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<unknown>;
  clearL1(): void | Promise<void>;
}

export const tieredGetScenario: BenchScenario = {
  id: ID,
  title: 'CacheService tiered get: L1 hit, and L2 hit with L1 cold',
  steps: (ctx) => (1 + L2_CASES.length) * (ctx.warmupRounds + ctx.rounds),
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const server = await RedisServer.start();
  let ours: CacheContext | undefined;
  let oursNoL1: CacheContext | undefined;
  const bentos: BentoPeer[] = [];
  let cacheManager: CacheManagerPeer | undefined;
  const sdk = new TracingSdk();
  try {
    ours = await startCacheContext({ keyPrefix: 'b5:ours:', redis: { url: server.url }, instanceId: 'bench-5' });
    // The same keys as `ours`, read without a memory tier: what filling L1 costs an L2 hit.
    oursNoL1 = await startCacheContext({ driver: 'redis', keyPrefix: 'b5:ours:', redis: { url: server.url }, instanceId: 'bench-5-redis' });
    const bento = await bentoPeer(server.url, { prefix: 'b5bento', serializeL1: false });
    bentos.push(bento);
    const bentoSerialized = await bentoPeer(server.url, { prefix: 'b5bentos', serializeL1: true });
    bentos.push(bentoSerialized);
    cacheManager = await cacheManagerPeer(server.url, { memory: true, namespace: 'b5cm' });
    const { cache, memory } = ours;
    const redisOnly = oursNoL1.cache;
    const cm = cacheManager;
    const tiered: Tiered[] = [
      {
        name: OURS,
        ours: true,
        get: (k) => cache.get(k),
        set: (k, v) => cache.set(k, v, { ttlMs: TTL_MS }),
        clearL1: () => memory.clear(),
      },
      bentoTiered(BENTO, bento),
      bentoTiered(BENTO_SERIALIZED, bentoSerialized),
      { name: CACHE_MANAGER, get: (k) => cm.cache.get(k), set: (k, v) => cm.cache.set(k, v, TTL_MS), clearL1: () => cm.clearL1() },
    ];
    const noL1: Tiered = { name: OURS_NO_L1, get: (k) => redisOnly.get(k), set: () => Promise.resolve(), clearL1: () => undefined };

    // Precomputed: keys, values, access orders.
    const values = kilobyteMessages(VALUES);
    const random = seededRandom(55);
    const l1Keys = Array.from({ length: L1_KEYS }, (_, i) => `l1:msg:${i}`);
    const l1Order = Array.from({ length: L1_OPS }, () => l1Keys[Math.floor(random() * L1_KEYS)]);
    const l2Keys = L2_CASES.map((c, n) => Array.from({ length: c.keys }, (_, i) => `l2:${n}:msg:${i}`));
    const l2Orders = l2Keys.map((keys) => Array.from(shuffledIndexes(keys.length, random), (i) => keys[i]));
    for (const t of [...tiered, noL1]) {
      for (const keys of [l1Keys, ...l2Keys]) await runInFlight(keys.length, 50, (i) => t.set(keys[i], values[i % VALUES]));
      for (const keys of [l1Keys, ...l2Keys]) {
        if (JSON.stringify(await t.get(keys[5])) !== JSON.stringify(values[5]))
          throw new Error(`scenario 5: ${t.name} does not read back what was written`);
      }
    }

    const rows: ResultRow[] = [];
    ctx.status(`5. tiered ${L1_CASE}`);
    // getOrSet hits without and with a tracer provider registered: only the second one starts spans.
    const neverCalled = () => Promise.reject(new Error('scenario 5: an L1 hit called its factory'));
    const getOrSet = (key: string) => cache.getOrSet(key, neverCalled, { ttlMs: TTL_MS });
    const l1Readers = [...tiered, { name: OURS_GET_OR_SET, get: getOrSet }, { name: OURS_GET_OR_SET_TRACED, get: getOrSet, traced: true }];
    const l1Contenders: PreparedContender[] = l1Readers.map(
      (t: { name: string; ours?: boolean; traced?: boolean; get(key: string): Promise<unknown> }) => ({
        name: t.name,
        ours: t.ours,
        prepare: async () => {
          if (t.traced) sdk.register();
          else sdk.unregister();
          // Every key of the L1 case back in L1 (the L2 cases empty it), outside the timed batch.
          for (const key of l1Keys) await t.get(key);
          collectGarbage();
        },
        batch: async () => {
          for (let i = 0; i < L1_OPS; i++) await t.get(l1Order[i]);
          return L1_OPS;
        },
      }),
    );
    rows.push(...rowsOf(ID, L1_CASE, 'ops/s', 'higher', await measurePreparedThroughput(ctx, l1Contenders), OURS));
    sdk.unregister();

    // bentocache 1.6.1 with \`serialize: false\` cannot read back an L1 entry it filled from L2 (it stores the
    // L2 JSON string in L1 and then has no serializer to parse it: TypeError), so the L2 cases use its default.
    const l2Tiered = [...tiered.filter((t) => t.name !== BENTO), noL1];
    for (const [n, c] of L2_CASES.entries()) {
      ctx.status(`5. tiered ${c.name}`);
      const order = l2Orders[n];
      const contenders: PreparedContender[] = l2Tiered.map((t) => ({
        name: t.name,
        ours: t.ours,
        prepare: async () => {
          await t.clearL1();
          collectGarbage(); // what the emptied tier held is collected now, not in the next timed batch
        },
        batch: () => runInFlight(order.length, c.inFlight, (i) => t.get(order[i])),
      }));
      rows.push(...rowsOf(ID, c.name, 'ops/s', 'higher', await measurePreparedThroughput(ctx, contenders), OURS));
    }
    return { id: ID, title: tieredGetScenario.title, rows, goals: goalsOf(rows), notes: notes() };
  } finally {
    await Promise.allSettled([ours?.close(), oursNoL1?.close(), cacheManager?.close(), ...bentos.map((b) => b.close()), sdk.shutdown()]);
    await server.stop();
  }
}

function bentoTiered(name: string, peer: BentoPeer): Tiered {
  const { bento } = peer;
  return {
    name,
    get: (key) => bento.get({ key }),
    set: (key, value) => bento.set({ key, value, ttl: TTL_MS }),
    clearL1: () => peer.clearL1(),
  };
}

function goalsOf(rows: ResultRow[]): GoalResult[] {
  const vsBento = Math.min(ratioIn(rows, L1_CASE, BENTO), ratioIn(rows, L1_CASE, BENTO_SERIALIZED));
  const vsCmL1 = ratioIn(rows, L1_CASE, CACHE_MANAGER);
  const goals: GoalResult[] = [
    { scenario: ID, goal: 'L1 hit: >= 1.0x bentocache (the faster of its two L1 modes)', value: vsBento, unit: 'x', met: vsBento >= 1.0 },
    { scenario: ID, goal: 'L1 hit: >= 3x cache-manager', value: vsCmL1, unit: 'x', met: vsCmL1 >= 3 },
  ];
  for (const c of L2_CASES) {
    const vsCm = ratioIn(rows, c.name, CACHE_MANAGER);
    goals.push({ scenario: ID, goal: `${c.name}: >= 1.2x cache-manager`, value: vsCm, unit: 'x', met: vsCm >= 1.2 });
  }
  return goals;
}

function notes(): string[] {
  return [
    'Ours: `CacheService.get` of a ChatCacheModule in hybrid mode (memory L1, Redis L2 through RedisStore, invalidation bus), ' +
      `defaults otherwise; values are 1 KB chat messages (${VALUES} distinct), written with \`set\` (TTL 5 min) before the rounds.`,
    `L1 hit: ${L1_KEYS} keys, all in every contender's memory tier; a batch is ${L1_OPS.toLocaleString('en')} sequential awaited gets ` +
      'in one precomputed random order. Ours and bentocache (`serialize: false`) return the cached object by reference; bentocache by default ' +
      "keeps JSON in L1 and parses it on every hit (both are reported; the goal is evaluated against the faster). cache-manager's memory store " +
      'is a Keyv Map without serialization (its own default memory store).',
    "L2 hit, L1 cold: before every batch (untimed) each contender's memory tier is emptied (ours: the injected MemoryStore's `clear()`; " +
      'bentocache: the LRUCache behind its memory driver; cache-manager: its memory Keyv) and a full GC runs (so that the values just dropped ' +
      'are not collected inside the next timed batch), then the batch reads every key of the case once, ' +
      `in a shuffled order, with 1 or 100 calls in flight (${L2_CASES.map((c) => `${c.keys} keys`).join(', ')}). ` +
      "Ours and bentocache copy each L2 hit into L1; cache-manager's `get` does not (only `wrap` writes back), so it does less work per read. " +
      'bentocache runs with its default L1 (serialized) here: with `serialize: false`, bentocache 1.6.1 stores the L2 JSON string in L1 on an ' +
      'L2 hit and its next L1 read of that key throws a TypeError (no serializer), so that mode is only measured for L1 hits.',
    `Tracing (reported, no goal): "${OURS_GET_OR_SET}" is \`CacheService.getOrSet\` on the same L1 keys (every call a hit, its factory never called) ` +
      `with no OpenTelemetry SDK registered, which starts no span; "${OURS_GET_OR_SET_TRACED}" is the same calls with a BasicTracerProvider ` +
      '(sdk-trace-base 2, default BatchSpanProcessor, an exporter that discards) and the async-hooks context manager registered before its batch ' +
      'and removed after it: one `chat-cache getOrSet` span per hit. No other contender runs with the SDK registered.',
    `For reference, "${OURS_NO_L1}" reads the same keys through a CacheService without a memory tier (driver \`redis\`): ` +
      'the gap to ours in hybrid mode is what copying each L2 hit into L1 costs (the bookkeeping, and the garbage collector promoting every ' +
      "kept 1 KB value instead of dropping it young), work that cache-manager's `get` skips.",
    'Peers: bentocache 1.6 with `memoryDriver` (maxItems as ours, 100k) + `redisDriver` + `redisBusDriver`; cache-manager 7 with ' +
      "`[Keyv (Map), Keyv(KeyvAdapter(redisInsStore(client)))]`. Every Redis client has ours' connection settings (adaptive auto-pipelining).",
  ];
}

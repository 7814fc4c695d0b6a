/**
 * Scenario 4: our L2 tier's get and set of 1 KB chat messages on a real redis-server, one call in
 * flight and 100 in flight, against bare ioredis with JSON (with and without auto-pipelining) and
 * cache-manager 7 + Keyv + cache-manager-ioredis-yet. Ours is measured as CacheService reaches it
 * (RedisTier: the guard's deadline, circuit breaker, counters and telemetry around RedisStore), and
 * as the bare RedisStore, so that the table shows what the guard costs.
 */
import type Redis from 'ioredis';
import { CacheTelemetry, CHAT_CACHE_OPTIONS, type RedisStore, type ResolvedChatCacheOptions } from '../../src/cache';
import { createSharedTier } from '../../src/cache/tiers/create-shared-tier';
import type { SharedTier } from '../../src/cache/tiers/shared-tier';
import { startCacheContext, type CacheContext } from '../../test/support/cache-context';
import { RedisServer } from '../../test/support/redis-server';
import { runInFlight } from '../harness/in-flight';
import { type Contender, measureThroughput, ratioIn, rowsOf, seededRandom } from '../harness/measure';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { kilobyteMessages } from './support/chat-values-1kb';
import { cacheManagerPeer, type CacheManagerPeer, closeClient, ioredisClient } from './support/redis-peers';

const ID = 4;
const KEYS = 2_000;
const VALUES = 64;
const TTL_MS = 300_000;
const OURS = 'ours (RedisTier: guard + RedisStore)';
const OURS_STORE = 'ours, bare RedisStore (no guard)';
const IOREDIS_PLAIN = 'ioredis + JSON';
const IOREDIS_AUTO = 'ioredis + JSON, auto-pipelined';
const CACHE_MANAGER = 'cache-manager 7 + Keyv + ioredis-yet';

interface Case {
  name: string;
  op: 'get' | 'set';
  inFlight: number;
  /** Operations per batch, sized so that one batch takes roughly 100 ms. */
  ops: number;
}

const CASES: Case[] = [
  { name: 'get hit, 1 in flight', op: 'get', inFlight: 1, ops: 2_500 },
  { name: 'get hit, 100 in flight', op: 'get', inFlight: 100, ops: 12_000 },
  { name: 'set, 1 in flight', op: 'set', inFlight: 1, ops: 2_500 },
  { name: 'set, 100 in flight', op: 'set', inFlight: 100, ops: 12_000 },
];

/** The operations of one contender, on its own keys. */
interface Client {
  name: string;
  ours?: boolean;
  get(i: number): Promise<unknown>;
  set(i: number, value: unknown): Promise<unknown>;
}

export const redisStoreScenario: BenchScenario = {
  id: ID,
  title: 'RedisStore get/set of 1 KB chat values, real redis-server',
  steps: (ctx) => CASES.length * (ctx.warmupRounds + ctx.rounds),
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const server = await RedisServer.start();
  let ours: CacheContext | undefined;
  let cacheManager: CacheManagerPeer | undefined;
  const bare: Redis[] = [];
  try {
    ours = await startCacheContext({ driver: 'redis', keyPrefix: 'b4:ours:', redis: { url: server.url } });
    const store: RedisStore = ours.redis!;
    const tier = guardedTierOf(ours, store);
    const plain = await ioredisClient(server.url, 'off');
    const auto = await ioredisClient(server.url, 'always');
    bare.push(plain, auto);
    cacheManager = await cacheManagerPeer(server.url, { memory: false, namespace: 'b4cm' });
    const cm = cacheManager.cache;

    // Precomputed: keys of every contender, values, and the access order of a batch.
    const ourKeys = Array.from({ length: KEYS }, (_, i) => `msg:${i}`);
    const bareKeys = ourKeys.map((k) => `b4:bare:${k}`);
    const values = kilobyteMessages(VALUES);
    const maxOps = Math.max(...CASES.map((c) => c.ops));
    const random = seededRandom(44);
    const order = Uint32Array.from({ length: maxOps }, () => Math.floor(random() * KEYS));

    const clients: Client[] = [
      {
        name: OURS,
        ours: true,
        get: async (i) => (await tier.read(ourKeys[i]))?.value,
        set: (i, v) => tier.write(ourKeys[i], v, TTL_MS, []),
      },
      { name: OURS_STORE, get: (i) => store.get(ourKeys[i]), set: (i, v) => store.set(ourKeys[i], v, TTL_MS) },
      bareClient(IOREDIS_PLAIN, plain, bareKeys),
      bareClient(IOREDIS_AUTO, auto, bareKeys),
      { name: CACHE_MANAGER, get: (i) => cm.get(ourKeys[i]), set: (i, v) => cm.set(ourKeys[i], v, TTL_MS) },
    ];
    // Every key exists before the get cases (both bare variants read the same JSON keys).
    for (const client of [clients[0], clients[2], clients[4]]) {
      await runInFlight(KEYS, 100, (i) => client.set(i, values[i % VALUES]));
    }
    for (const client of clients) {
      if (JSON.stringify(await client.get(7)) !== JSON.stringify(values[7]))
        throw new Error(`scenario 4: ${client.name} does not read back what was written`);
    }

    const rows: ResultRow[] = [];
    for (const c of CASES) {
      ctx.status(`4. RedisStore ${c.name}`);
      const contenders: Contender[] = clients.map((client) => ({
        name: client.name,
        ours: client.ours,
        batch:
          c.op === 'get'
            ? () => runInFlight(c.ops, c.inFlight, (i) => client.get(order[i]))
            : () => runInFlight(c.ops, c.inFlight, (i) => client.set(order[i], values[i % VALUES])),
      }));
      rows.push(...rowsOf(ID, c.name, 'ops/s', 'higher', await measureThroughput(ctx, contenders), OURS));
    }
    return { id: ID, title: redisStoreScenario.title, rows, goals: goalsOf(rows), notes: notes() };
  } finally {
    await Promise.allSettled([ours?.close(), cacheManager?.close(), ...bare.map(closeClient)]);
    await server.stop();
  }
}

/**
 * The shared tier as CacheService builds it from the module's resolved options (driver \`redis\`: no
 * L1, so no bus), over the context's RedisStore and telemetry. Closing the context closes the store.
 */
function guardedTierOf(context: CacheContext, store: RedisStore): SharedTier {
  const options = context.app.get<ResolvedChatCacheOptions>(CHAT_CACHE_OPTIONS);
  const noBus = { onMessage: () => undefined, onSubscribed: () => undefined };
  return createSharedTier(options, store, false, noBus, context.app.get(CacheTelemetry));
}

function bareClient(name: string, client: Redis, keys: string[]): Client {
  return {
    name,
    get: async (i) => {
      const raw = await client.get(keys[i]);
      return raw === null ? undefined : JSON.parse(raw);
    },
    set: (i, value) => client.set(keys[i], JSON.stringify(value), 'PX', TTL_MS),
  };
}

function goalsOf(rows: ResultRow[]): GoalResult[] {
  const goals: GoalResult[] = [];
  for (const c of CASES) {
    // The goals: at 100 in flight against auto-pipelined ioredis, at 1 in flight against plain ioredis.
    const [peer, floor] = c.inFlight > 1 ? [IOREDIS_AUTO, 1.0] : [IOREDIS_PLAIN, 0.95];
    const vsBare = ratioIn(rows, c.name, peer);
    goals.push({ scenario: ID, goal: `${c.name}: >= ${floor.toFixed(2)}x ${peer}`, value: vsBare, unit: 'x', met: vsBare >= floor });
    const vsCm = ratioIn(rows, c.name, CACHE_MANAGER);
    goals.push({ scenario: ID, goal: `${c.name}: >= 1.3x cache-manager`, value: vsCm, unit: 'x', met: vsCm >= 1.3 });
  }
  return goals;
}

function notes(): string[] {
  return [
    `Ours is the shared tier as CacheService reaches it (driver \`redis\`, module defaults): \`RedisTier.read(key)\` and \`RedisTier.write(key, value, ${TTL_MS} ms, [])\`, ` +
      'each through the guard (whole-call deadline, circuit breaker, error counters, telemetry and span check) around `RedisStore` ' +
      '(createRedisClient with adaptive auto-pipelining, 250 ms command timeout). The bare `RedisStore` row (`get`, `set`) shows the same driver without the guard. ' +
      `Each value goes through our codec (src/cache/stores/value-codec.ts) behind a one-line ` +
      'record header (expiry, tags); the codec round-trips Dates, Maps, Sets, BigInts and date-like strings exactly, which JSON does not. ' +
      'The messages here are plain JSON (ISO-string times, as the chat API serves them), so every contender stores and returns the same data.',
    `Values: ${VALUES} distinct chat messages of about 1 KB of JSON; ${KEYS} keys per contender, written before the get cases; ` +
      'a batch reads or writes keys in one precomputed random order (the same for every contender), with 1 or 100 calls in flight ' +
      '(100 workers each awaiting its call before starting the next).',
    'Bare ioredis: `GET` + `JSON.parse`, `JSON.stringify` + `SET PX`, on a client without and with `enableAutoPipelining`. ' +
      "The goals are the issue's: at 100 in flight >= 1.0x the auto-pipelined client, at 1 in flight >= 0.95x the plain one (both ratios are in the table).",
    'cache-manager: `createCache({ stores: [new Keyv({ store: new KeyvAdapter(redisInsStore(client)) })] })`, `get` / `set(key, value, ttl)`; ' +
      'its ioredis client has the same settings as ours (adaptive auto-pipelining). Its values are serialized twice (Keyv JSON, then telejson).',
    'Adaptive auto-pipelining (src/cache/stores/redis-client.factory.ts): a command with nothing to be batched with (no command waiting ' +
      "to be sent, and nothing in flight or an auto-pipeline already on the wire) is written at once; any other joins ioredis's auto-pipeline. " +
      'So one call in flight costs what a plain client costs, and 100 in flight are batched as with auto-pipelining.',
  ];
}

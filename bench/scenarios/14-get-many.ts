/**
 * Scenario 14: reading 100 keys that are all in Redis: CacheService.getMany (one MGET) against 100
 * CacheService.get calls in flight at once, against bare ioredis reading the same keys with 100 GETs
 * (one at a time, and all in flight on an auto-pipelined client: what getMany's one round trip saves)
 * and with one MGET (no decoding, no tag check: the floor of one round trip).
 */
import { startCacheContext, type CacheContext } from '../../test/support/cache-context';
import { RedisServer } from '../../test/support/redis-server';
import { collectGarbage } from '../harness/gc';
import { measurePreparedThroughput, type PreparedContender } from '../harness/measure-prepared';
import { ratioIn, rowsOf } from '../harness/measure';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { kilobyteMessages } from './support/chat-values-1kb';
import { closeClient, ioredisClient } from './support/redis-peers';

const ID = 14;
const PREFIX = 'b14:';
const KEYS_PER_READ = 100;
const READS_PER_BATCH = 200;
const CASE = `${KEYS_PER_READ} keys in Redis, L1 cold`;
const GET_MANY = 'ours: getMany of 100 keys';
const GETS = 'ours: 100 gets in flight';
const BARE_MGET = 'bare ioredis MGET (no decoding)';
const BARE_GETS_SEQUENTIAL = 'bare ioredis: 100 GETs + JSON.parse, 1 in flight';
const BARE_GETS_IN_FLIGHT = 'bare ioredis: 100 GETs + JSON.parse in flight, auto-pipelined';

export const getManyScenario: BenchScenario = {
  id: ID,
  title: 'getMany of 100 keys vs 100 gets, 100 bare ioredis GETs and a bare MGET (Redis tier, values present)',
  steps: (ctx) => ctx.warmupRounds + ctx.rounds,
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const server = await RedisServer.start();
  let ours: CacheContext | undefined;
  const bare = await ioredisClient(server.url);
  const autoPipelined = await ioredisClient(server.url, 'always');
  try {
    // The `redis` driver: no L1, so every read of every round goes to Redis, as the case says.
    ours = await startCacheContext({ driver: 'redis', keyPrefix: PREFIX, redis: { url: server.url }, instanceId: 'bench-14' });
    const { cache } = ours;
    const values = kilobyteMessages(KEYS_PER_READ);
    const keys = values.map((_, i) => `msg:${i}`);
    const fullKeys = keys.map((key) => PREFIX + key);
    for (const [i, key] of keys.entries()) await cache.set(key, values[i], { ttlMs: 600_000 });
    const check = await cache.getMany(keys);
    if (JSON.stringify(check) !== JSON.stringify(values)) throw new Error('scenario 14: getMany does not read back what was written');

    const parsed = (raw: string | null): unknown => (raw === null ? undefined : JSON.parse(raw));
    const bareKeys = fullKeys.map((key) => `${key}:bare`);
    for (const [i, key] of bareKeys.entries()) await bare.set(key, JSON.stringify(values[i]), 'PX', 600_000);
    const timed =
      (read: () => Promise<unknown>): PreparedContender['batch'] =>
      async () => {
        for (let i = 0; i < READS_PER_BATCH; i++) await read();
        return READS_PER_BATCH * KEYS_PER_READ;
      };
    const contenders: PreparedContender[] = [
      { name: GET_MANY, ours: true, prepare: collectGarbage, batch: timed(() => cache.getMany(keys)) },
      { name: GETS, prepare: collectGarbage, batch: timed(() => Promise.all(keys.map((key) => cache.get(key)))) },
      { name: BARE_MGET, prepare: collectGarbage, batch: timed(() => bare.mget(...fullKeys)) },
      {
        name: BARE_GETS_SEQUENTIAL,
        prepare: collectGarbage,
        batch: timed(async () => {
          for (const key of bareKeys) parsed(await bare.get(key));
        }),
      },
      {
        name: BARE_GETS_IN_FLIGHT,
        prepare: collectGarbage,
        batch: timed(() => Promise.all(bareKeys.map(async (key) => parsed(await autoPipelined.get(key))))),
      },
    ];
    ctx.status(`14. ${CASE}`);
    const rows: ResultRow[] = rowsOf(ID, CASE, 'keys/s', 'higher', await measurePreparedThroughput(ctx, contenders), GET_MANY);
    return { id: ID, title: getManyScenario.title, rows, goals: goalsOf(rows), notes: notes() };
  } finally {
    await Promise.allSettled([ours?.close(), closeClient(bare), closeClient(autoPipelined)]);
    await server.stop();
  }
}

function goalsOf(rows: ResultRow[]): GoalResult[] {
  const vsGets = ratioIn(rows, CASE, GETS);
  const vsBare = ratioIn(rows, CASE, BARE_MGET);
  const vsSequential = ratioIn(rows, CASE, BARE_GETS_SEQUENTIAL);
  const vsInFlight = ratioIn(rows, CASE, BARE_GETS_IN_FLIGHT);
  return [
    {
      scenario: ID,
      goal: 'getMany: beats 100 bare ioredis GETs, 1 in flight (99 round trips saved)',
      value: vsSequential,
      unit: 'x',
      met: vsSequential > 1,
    },
    {
      scenario: ID,
      goal: 'getMany: beats 100 bare ioredis GETs in flight, auto-pipelined (100 commands in one MGET)',
      value: vsInFlight,
      unit: 'x',
      met: vsInFlight > 1,
    },
    { scenario: ID, goal: 'getMany: >= 2x 100 gets in flight', value: vsGets, unit: 'x', met: vsGets >= 2 },
    { scenario: ID, goal: 'getMany: >= 0.5x a bare MGET (decoding 1 KB values included)', value: vsBare, unit: 'x', met: vsBare >= 0.5 },
  ];
}

function notes(): string[] {
  return [
    `${KEYS_PER_READ} keys, each a 1 KB chat message written with \`set\` (TTL 10 min, no tags) before the rounds; a batch is ` +
      `${READS_PER_BATCH} sequential awaited reads of all ${KEYS_PER_READ} keys; keys/s = keys answered per second.`,
    'Ours: a CacheService with driver `redis` (no L1, so every read reaches Redis; in hybrid mode the second read would be an L1 hit), ' +
      'module defaults otherwise (adaptive auto-pipelining). "100 gets in flight": `Promise.all` of 100 `get`s, which auto-pipelining ' +
      'already sends in few writes: the gap is the per-call work (100 guarded calls, 100 replies) that one MGET saves.',
    'Bare ioredis GETs: the same 100 values as plain JSON under keys of their own, read with `get` + `JSON.parse`, either awaited one ' +
      'after the other (100 round trips) or all at once with `Promise.all` on a client with `enableAutoPipelining` (few writes, 100 replies).',
    'Bare ioredis: `mget` of the 100 prefixed keys on a client with the same connection settings, answering raw strings: ' +
      'no record parsing, no value decoding, no tag-version check; the floor of one round trip.',
  ];
}

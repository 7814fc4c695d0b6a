/**
 * Scenario 10: reading 100 keys that are all in Redis: CacheService.getMany (one MGET) against 100
 * CacheService.get calls in flight at once, and a bare ioredis MGET of the same keys (no decoding,
 * no tag check: the floor of one round trip).
 */
import { startCacheContext, type CacheContext } from '../../test/support/cache-context';
import { RedisServer } from '../../test/support/redis-server';
import { collectGarbage } from '../harness/gc';
import { measurePreparedThroughput, type PreparedContender } from '../harness/measure-prepared';
import { ratioIn, rowsOf } from '../harness/measure';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { kilobyteMessages } from './support/chat-values-1kb';
import { closeClient, ioredisClient } from './support/redis-peers';

const ID = 10;
const PREFIX = 'b10:';
const KEYS_PER_READ = 100;
const READS_PER_BATCH = 200;
const CASE = `${KEYS_PER_READ} keys in Redis, L1 cold`;
const GET_MANY = 'ours: getMany of 100 keys';
const GETS = 'ours: 100 gets in flight';
const BARE_MGET = 'bare ioredis MGET (no decoding)';

export const getManyScenario: BenchScenario = {
  id: ID,
  title: 'getMany of 100 keys vs 100 gets vs bare ioredis MGET (Redis tier, values present)',
  steps: (ctx) => ctx.warmupRounds + ctx.rounds,
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const server = await RedisServer.start();
  let ours: CacheContext | undefined;
  const bare = await ioredisClient(server.url);
  try {
    // The `redis` driver: no L1, so every read of every round goes to Redis, as the case says.
    ours = await startCacheContext({ driver: 'redis', keyPrefix: PREFIX, redis: { url: server.url }, instanceId: 'bench-10' });
    const { cache } = ours;
    const values = kilobyteMessages(KEYS_PER_READ);
    const keys = values.map((_, i) => `msg:${i}`);
    const fullKeys = keys.map((key) => PREFIX + key);
    for (const [i, key] of keys.entries()) await cache.set(key, values[i], { ttlMs: 600_000 });
    const check = await cache.getMany(keys);
    if (JSON.stringify(check) !== JSON.stringify(values)) throw new Error('scenario 10: getMany does not read back what was written');

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
    ];
    ctx.status(`10. ${CASE}`);
    const rows: ResultRow[] = rowsOf(ID, CASE, 'keys/s', 'higher', await measurePreparedThroughput(ctx, contenders), GET_MANY);
    return { id: ID, title: getManyScenario.title, rows, goals: goalsOf(rows), notes: notes() };
  } finally {
    await Promise.allSettled([ours?.close(), closeClient(bare)]);
    await server.stop();
  }
}

function goalsOf(rows: ResultRow[]): GoalResult[] {
  const vsGets = ratioIn(rows, CASE, GETS);
  const vsBare = ratioIn(rows, CASE, BARE_MGET);
  return [
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
    'Bare ioredis: `mget` of the 100 prefixed keys on a client with the same connection settings, answering raw strings: ' +
      'no record parsing, no value decoding, no tag-version check; the floor of one round trip.',
  ];
}

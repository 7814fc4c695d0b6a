/**
 * Scenario 11: what the cluster lease costs a miss. Cold-key getOrSet (every call a fresh key, a
 * factory that answers at once) with `lock: 'process'`, and with `lock: 'cluster'` (SET NX PX, the L2 re-read, the release script with its PUBLISH): ops/s, 1 and 50 in
 * flight, one process, real redis-server. The module default for `lock` follows from this and 10.
 */
import { startCacheContext, type CacheContext } from '../../test/support/cache-context';
import { RedisServer } from '../../test/support/redis-server';
import { runInFlight } from '../harness/in-flight';
import { measureThroughput, rowsOf } from '../harness/measure';
import { median } from '../harness/stats';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { kilobyteMessages } from './support/chat-values-1kb';

const ID = 11;
const TTL_MS = 60_000;
const OURS = "ours getOrSet, lock 'process' (no lease)";
const LEASED = "ours getOrSet, lock 'cluster' (the lease)";
const CASES = [
  { name: 'cold-key getOrSet, 1 in flight', inFlight: 1, misses: 1_500 },
  { name: 'cold-key getOrSet, 50 in flight', inFlight: 50, misses: 5_000 },
];

export const leaseMissPathScenario: BenchScenario = {
  id: ID,
  title: 'The miss path with and without the cluster lease',
  steps: (ctx) => CASES.length * (ctx.warmupRounds + ctx.rounds),
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const server = await RedisServer.start();
  let plain: CacheContext | undefined;
  let leasedContext: CacheContext | undefined;
  try {
    plain = await startCacheContext({ keyPrefix: 'b11:plain:', redis: { url: server.url }, instanceId: 'bench-11' });
    leasedContext = await startCacheContext({ keyPrefix: 'b11:lease:', redis: { url: server.url }, instanceId: 'bench-11-lease' });
    const value = kilobyteMessages(1)[0];
    const factory = async () => value;
    const rows: ResultRow[] = [];
    const costs: number[] = [];
    for (const [c, testCase] of CASES.entries()) {
      // A fresh key for every call of every round: each one a miss in both tiers.
      let plainBatch = 0;
      let leasedBatch = 0;
      const cache = plain.cache;
      const leasedCache = leasedContext.cache;
      const samples = await measureThroughput(ctx, [
        {
          name: OURS,
          ours: true,
          batch: () => {
            const batch = plainBatch++;
            return runInFlight(testCase.misses, testCase.inFlight, (i) =>
              cache.getOrSet(`miss:${c}:${batch}:${i}`, factory, { ttlMs: TTL_MS, lock: 'process' }),
            );
          },
        },
        {
          name: LEASED,
          batch: () => {
            const batch = leasedBatch++;
            return runInFlight(testCase.misses, testCase.inFlight, (i) =>
              leasedCache.getOrSet(`miss:${c}:${batch}:${i}`, factory, { ttlMs: TTL_MS, lock: 'cluster' }),
            );
          },
        },
      ]);
      rows.push(...rowsOf(ID, testCase.name, 'ops/s', 'higher', samples, OURS));
      costs.push(median(samples.get(LEASED)!) / median(samples.get(OURS)!));
    }
    const goals: GoalResult[] = CASES.map((testCase, i) => ({
      scenario: ID,
      goal: `${testCase.name}: with the lease / without (what a miss keeps of its throughput; informs the default of lock)`,
      value: costs[i],
      unit: 'x',
      met: true,
    }));
    return { id: ID, title: leaseMissPathScenario.title, rows, goals, notes: notes() };
  } finally {
    await Promise.allSettled([plain?.close(), leasedContext?.close()]);
    await server.stop();
  }
}

function notes(): string[] {
  return [
    'Both contenders are ours in hybrid mode (memory L1 + Redis L2 + bus) on one redis-server; every call is `getOrSet` of a key no one ' +
      'has used (precomputed names), with a factory that answers a 1 KB chat message at once, so a miss costs only the cache: L1 miss, ' +
      'the L2 GET, the factory, the L1 fill and the L2 SET. The lease adds three round trips per miss: SET NX PX (acquire), the L2 ' +
      're-read (a holder may have stored the value just before), and the release script (token check, DEL, PUBLISH for the waiters). ' +
      "The holder awaits its L2 SET before it releases (a woken waiter must find the value), where lock 'process' writes L2 in the background.",
  ];
}

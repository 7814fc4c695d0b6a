/**
 * Scenario 6: stampede. 1000 concurrent getOrSet calls on one cold key whose factory takes 50 ms:
 * how many times the factory runs, and how long the slowest caller waits relative to the factory.
 * Ours (CacheService hybrid, real redis-server) against bentocache getOrSet and cache-manager wrap,
 * each with a Redis tier.
 */
import { startCacheContext, type CacheContext } from '../../test/support/cache-context';
import { RedisServer } from '../../test/support/redis-server';
import { rowsOf } from '../harness/measure';
import { median } from '../harness/stats';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { type BenchMessage, kilobyteMessages } from './support/chat-values-1kb';
import { bentoPeer, type BentoPeer, cacheManagerPeer, type CacheManagerPeer } from './support/redis-peers';

const ID = 6;
const CALLERS = 1_000;
const FACTORY_MS = 50;
const TTL_MS = 300_000;
/** Untimed pause after each stampede, so that background writes of one contender do not land in the next one's window. */
const SETTLE_MS = 30;
const OURS = 'ours (CacheService hybrid)';
const OURS_MEMORY = 'ours (CacheService memory only)';
const BENTO = 'bentocache getOrSet';
const CACHE_MANAGER = 'cache-manager 7 wrap';
const CASE_SLOWEST = 'slowest caller / factory time';
const CASE_SLOWEST_MS = 'slowest caller';
const CASE_CALLS = 'factory calls';

type GetOrSet = (key: string, factory: () => Promise<BenchMessage>) => Promise<unknown>;

interface Stampeder {
  name: string;
  getOrSet: GetOrSet;
}

interface Outcome {
  calls: number;
  /** Start of the 1000 calls to the last one resolved, ms. */
  slowestMs: number;
  /** How long the (first) factory call took, ms. */
  factoryMs: number;
  /** Callers that got another value than the factory's (should be 0). */
  wrong: number;
}

export const stampedeScenario: BenchScenario = {
  id: ID,
  title: 'Stampede: 1000 concurrent getOrSet on a cold key, 50 ms factory',
  steps: (ctx) => ctx.warmupRounds + ctx.rounds,
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  const server = await RedisServer.start();
  const contexts: CacheContext[] = [];
  let bento: BentoPeer | undefined;
  let cacheManager: CacheManagerPeer | undefined;
  try {
    const ours = await startCacheContext({ keyPrefix: 'b6:ours:', redis: { url: server.url }, instanceId: 'bench-6' });
    contexts.push(ours);
    const memoryOnly = await startCacheContext({ keyPrefix: 'b6:mem:' });
    contexts.push(memoryOnly);
    bento = await bentoPeer(server.url, { prefix: 'b6bento', serializeL1: true });
    cacheManager = await cacheManagerPeer(server.url, { memory: true, namespace: 'b6cm' });
    const { bento: bc } = bento;
    const cm = cacheManager.cache;
    const stampeders: Stampeder[] = [
      { name: OURS, getOrSet: (key, factory) => ours.cache.getOrSet(key, factory, { ttlMs: TTL_MS }) },
      { name: OURS_MEMORY, getOrSet: (key, factory) => memoryOnly.cache.getOrSet(key, factory, { ttlMs: TTL_MS }) },
      { name: BENTO, getOrSet: (key, factory) => bc.getOrSet({ key, factory, ttl: TTL_MS }) },
      { name: CACHE_MANAGER, getOrSet: (key, factory) => cm.wrap(key, factory, TTL_MS) },
    ];
    const value = kilobyteMessages(1)[0];
    const total = ctx.warmupRounds + ctx.rounds;
    // Precomputed: a fresh key for every round and contender.
    const keys = stampeders.map((_, c) => Array.from({ length: total }, (__, round) => `stampede:${round}:${c}`));
    const outcomes = new Map<string, Outcome[]>(stampeders.map((s) => [s.name, []]));
    for (let round = 0; round < total; round++) {
      for (let i = 0; i < stampeders.length; i++) {
        const c = (i + round) % stampeders.length;
        const outcome = await stampede(stampeders[c].getOrSet, keys[c][round], value);
        if (round >= ctx.warmupRounds) outcomes.get(stampeders[c].name)!.push(outcome);
        await sleep(SETTLE_MS);
      }
      ctx.tick();
    }

    const rows: ResultRow[] = [];
    const compared = stampeders.filter((s) => s.name !== OURS_MEMORY).map((s) => s.name);
    const samplesOf = (names: string[], pick: (o: Outcome) => number) => new Map(names.map((n) => [n, outcomes.get(n)!.map(pick)]));
    rows.push(
      ...rowsOf(
        ID,
        CASE_SLOWEST,
        'x',
        'lower',
        samplesOf(compared, (o) => o.slowestMs / o.factoryMs),
        OURS,
      ),
    );
    rows.push(
      ...rowsOf(
        ID,
        CASE_SLOWEST_MS,
        'ms',
        'lower',
        samplesOf(compared, (o) => o.slowestMs),
        OURS,
      ),
    );
    rows.push(
      ...rowsOf(
        ID,
        CASE_CALLS,
        'calls',
        'lower',
        samplesOf(compared, (o) => o.calls),
        OURS,
      ),
    );
    for (const [caseName, metric, pick] of [
      [CASE_SLOWEST, 'x', (o: Outcome) => o.slowestMs / o.factoryMs],
      [CASE_SLOWEST_MS, 'ms', (o: Outcome) => o.slowestMs],
      [CASE_CALLS, 'calls', (o: Outcome) => o.calls],
    ] as const) {
      const samples = outcomes.get(OURS_MEMORY)!.map(pick);
      rows.push({
        scenario: ID,
        case: `${caseName} (reference: memory only)`,
        contender: OURS_MEMORY,
        metric,
        betterIs: 'lower',
        median: median(samples),
        ratio: null,
        samples,
      });
    }

    const oursOutcomes = outcomes.get(OURS)!;
    const maxCalls = Math.max(...oursOutcomes.map((o) => o.calls));
    const slowest = median(oursOutcomes.map((o) => o.slowestMs / o.factoryMs));
    const wrong = [...outcomes].filter(([, list]) => list.some((o) => o.wrong > 0)).map(([name]) => name);
    const goals: GoalResult[] = [
      {
        scenario: ID,
        goal: `1 factory call (most calls in any of ${ctx.rounds} rounds)`,
        value: maxCalls,
        unit: ' calls',
        met: maxCalls === 1,
      },
      { scenario: ID, goal: 'slowest caller <= 1.1x the factory time (median of rounds)', value: slowest, unit: 'x', met: slowest <= 1.1 },
    ];
    return { id: ID, title: stampedeScenario.title, rows, goals, notes: notes(wrong) };
  } finally {
    await Promise.allSettled([...contexts.map((c) => c.close()), bento?.close(), cacheManager?.close()]);
    await server.stop();
  }
}

/** Starts CALLERS calls at once on a cold key; answers what the factory and the slowest caller did. */
async function stampede(getOrSet: GetOrSet, key: string, value: BenchMessage): Promise<Outcome> {
  let calls = 0;
  let factoryMs = NaN;
  const factory = async (): Promise<BenchMessage> => {
    calls++;
    const started = performance.now();
    await sleep(FACTORY_MS);
    if (calls === 1) factoryMs = performance.now() - started;
    return value;
  };
  let last = 0;
  let wrong = 0;
  const started = performance.now();
  const pending: Promise<void>[] = new Array(CALLERS);
  for (let i = 0; i < CALLERS; i++) {
    pending[i] = getOrSet(key, factory).then((got) => {
      last = performance.now();
      if (got !== value && JSON.stringify(got) !== JSON.stringify(value)) wrong++;
    });
  }
  await Promise.all(pending);
  return { calls, slowestMs: last - started, factoryMs, wrong };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function notes(wrong: string[]): string[] {
  return [
    `Each round, each contender gets ${CALLERS} \`getOrSet\` calls started in one synchronous loop on a fresh cold key (keys precomputed); ` +
      `the factory counts its calls and sleeps ${FACTORY_MS} ms (setTimeout) before returning a 1 KB chat message. Measured: factory calls, ` +
      'and the time from the first call to the last caller resolved, divided by the time the factory itself took (timer lateness on a busy ' +
      "machine is thus not charged to the cache). Goals are ours' hybrid mode (memory L1 + Redis L2 + bus, real redis-server), the product; " +
      'the memory-only mode is reported for reference.',
    'Ours: `CacheService.getOrSet(key, factory, { ttlMs })`: L1 miss, one Redis read for the whole stampede (single-flight), the factory, ' +
      'then L1 and a background L2 write. bentocache: `getOrSet({ key, factory, ttl })` with memory L1 + Redis L2 + Redis bus (its per-key lock); ' +
      "cache-manager: `wrap(key, factory, ttl)` over [Keyv memory, Keyv(KeyvAdapter(redisInsStore))] (coalesceAsync; it awaits both stores' writes before answering).",
    wrong.length === 0
      ? "Every caller of every contender got the factory's value."
      : `Callers got another value than the factory's with: ${wrong.join(', ')}.`,
  ];
}

/**
 * Scenario 10: a factory that fails for 10 s under load. 100 keys are loaded while the source is
 * up (TTL 500 ms, grace 60 s); then the source fails for 10 s while 50 concurrent callers keep
 * calling getOrSet on those keys. Counted: errors the callers saw, answers per second, and how
 * often the failing source was called. Ours (CacheService memory, graceMs + failSafeThrottleMs
 * 10 s) against bentocache (memory store, grace 60 s, graceBackoff 10 s). Memory tier only: the
 * hybrid layout reads the same graced entry from L1 once it is there.
 */
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { startCacheContext, type CacheContext } from '../../test/support/cache-context';
import { rowsOf } from '../harness/measure';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { kilobyteMessages, type BenchMessage } from './support/chat-values-1kb';

const ID = 10;
const KEYS = 100;
const CALLERS = 50;
const TTL_MS = 500;
const GRACE_MS = 60_000;
const THROTTLE_MS = 10_000;
const FAILING_MS = 10_000;
/** A worker yields to the event loop this often, so that timers (clocks, TTLs) run as in a server. */
const YIELD_EVERY = 50;
const OURS = 'ours (CacheService memory, graceMs)';
const BENTO = 'bentocache memory (grace, graceBackoff)';

type GetOrSet = (key: string, factory: () => Promise<BenchMessage>) => Promise<unknown>;

interface Outcome {
  /** Answers per second of the failing window, one sample per second. */
  answersPerSecond: number[];
  errors: number;
  /** Calls of the factory while the source was failing. */
  failingCalls: number;
}

export const failSafeScenario: BenchScenario = {
  id: ID,
  title: 'A factory that fails for 10 s under load (50 callers, 100 keys, TTL 500 ms, grace 60 s)',
  steps: () => 2,
  run: runScenario,
};

async function runScenario(ctx: BenchContext): Promise<ScenarioReport> {
  let ours: CacheContext | undefined;
  let bento: BentoCache<{ memory: ReturnType<typeof bentostore> }> | undefined;
  try {
    ours = await startCacheContext({ keyPrefix: 'b10:', graceMs: GRACE_MS, failSafeThrottleMs: THROTTLE_MS });
    const oursCache = ours.cache;
    bento = new BentoCache({ default: 'memory', stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 100_000 })) } });
    const bc = bento;
    const contenders: Array<[string, GetOrSet]> = [
      [OURS, (key, factory) => oursCache.getOrSet(key, factory, { ttlMs: TTL_MS })],
      [BENTO, (key, factory) => bc.getOrSet({ key, factory, ttl: TTL_MS, grace: GRACE_MS, graceBackoff: THROTTLE_MS })],
    ];
    const outcomes = new Map<string, Outcome>();
    for (const [name, getOrSet] of contenders) {
      ctx.status(`${ID}. ${name}`);
      outcomes.set(name, await failFor(getOrSet));
      ctx.tick();
    }
    return report(outcomes);
  } finally {
    await Promise.allSettled([ours?.close(), bento?.disconnectAll()]);
  }
}

/** Loads every key while the source is up, then lets CALLERS callers hammer them for FAILING_MS while it fails. */
async function failFor(getOrSet: GetOrSet): Promise<Outcome> {
  const value = kilobyteMessages(1)[0];
  const keys = Array.from({ length: KEYS }, (_, i) => `fail-safe:${i}`);
  let failing = false;
  let failingCalls = 0;
  const factory = async (): Promise<BenchMessage> => {
    if (!failing) return value;
    failingCalls++;
    await Promise.resolve();
    throw new Error('database unavailable');
  };
  for (const key of keys) await getOrSet(key, factory);
  failing = true;
  const seconds = Math.ceil(FAILING_MS / 1000);
  const answers = new Array<number>(seconds).fill(0);
  let errors = 0;
  const started = performance.now();
  const end = started + FAILING_MS;
  const worker = async (offset: number): Promise<void> => {
    for (let i = offset; ; i++) {
      const now = performance.now();
      if (now >= end) return;
      try {
        await getOrSet(keys[i % KEYS], factory);
        answers[Math.min(seconds - 1, Math.floor((now - started) / 1000))]++;
      } catch {
        errors++;
      }
      if (i % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, (_, c) => worker(c * 7)));
  return { answersPerSecond: answers, errors, failingCalls };
}

function report(outcomes: Map<string, Outcome>): ScenarioReport {
  const names = [...outcomes.keys()];
  const rows: ResultRow[] = rowsOf(
    ID,
    'answers per second while failing',
    'answers/s',
    'higher',
    new Map(names.map((n) => [n, outcomes.get(n)!.answersPerSecond])),
    OURS,
  );
  // Counts, not rates: with zero on both sides a ratio says nothing, so none is given.
  for (const [caseName, metric, pick] of [
    ['errors seen by callers', 'errors', (o: Outcome) => o.errors],
    ['calls of the failing factory', 'calls', (o: Outcome) => o.failingCalls],
  ] as const) {
    for (const name of names) {
      const figure = pick(outcomes.get(name)!);
      rows.push({
        scenario: ID,
        case: caseName,
        contender: name,
        metric,
        betterIs: 'lower',
        median: figure,
        ratio: null,
        samples: [figure],
      });
    }
  }
  const oursOutcome = outcomes.get(OURS)!;
  const goals: GoalResult[] = [
    {
      scenario: ID,
      goal: 'no caller sees the failure while a graced value exists',
      value: oursOutcome.errors,
      unit: ' errors',
      met: oursOutcome.errors === 0,
    },
    {
      scenario: ID,
      goal: `the failing source is called at most once per key per ${THROTTLE_MS / 1000} s throttle window`,
      value: oursOutcome.failingCalls / KEYS,
      unit: ' calls/key',
      met: oursOutcome.failingCalls <= KEYS * Math.ceil(FAILING_MS / THROTTLE_MS + 1),
    },
  ];
  return {
    id: ID,
    title: failSafeScenario.title,
    rows,
    goals,
    notes: [
      `${KEYS} keys are loaded (1 KB chat message each, TTL ${TTL_MS} ms, grace ${GRACE_MS / 1000} s) while the source is up; then the factory ` +
        `throws (after one microtask) for ${FAILING_MS / 1000} s while ${CALLERS} concurrent callers loop over the keys with getOrSet, ` +
        `yielding to the event loop every ${YIELD_EVERY} calls. Answers per second: median of the ${Math.ceil(FAILING_MS / 1000)} one-second buckets.`,
      `Ours: \`getOrSet(key, factory, { ttlMs })\` on a memory-driver CacheService with module \`graceMs\` ${GRACE_MS} and \`failSafeThrottleMs\` ${THROTTLE_MS}. ` +
        `bentocache: \`getOrSet({ key, factory, ttl, grace, graceBackoff })\` on a memory store, the same durations. Memory tier only, one round.`,
    ],
  };
}

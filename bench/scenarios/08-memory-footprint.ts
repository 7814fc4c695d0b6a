/**
 * Scenario 8: memory after filling L1 with 100k chat messages of about 1 KB: `stats().bytes`
 * against the `maxBytes` bound, and RSS and heap growth against lru-cache holding the same entries.
 *
 * Every measurement runs in a fresh process (see support/isolated.ts), with full GCs before reading memory:
 * baseline after a full GC, fill, full GC again, difference. Messages are generated one at a time
 * while filling, so that what a store evicts becomes garbage, as in a real process.
 */
import { LRUCache } from 'lru-cache';
import { MemoryStore } from '../../src/cache/stores/memory.store';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_ENTRY_BYTES } from '../../src/cache/chat-cache.defaults';
import { collectGarbage } from '../harness/gc';
import { median } from '../harness/stats';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { KilobyteMessages } from './support/chat-data';
import { runIsolated, type IsolatedCase } from './support/isolated';

const MESSAGES = 100_000;
const SEED = 801;
/** The bound of the "all held" case: large enough for 100k entries by our estimate. */
const ROOMY_MAX_BYTES = 512 * 1024 * 1024;
/** Memory figures hardly move from process to process: a few rounds give a stable median. */
const MEMORY_ROUNDS = 3;
const MB = 1024 * 1024;

type ContenderName = 'ours' | 'lru-cache' | 'arrays';

interface MemoryArg {
  contender: ContenderName;
  maxBytes: number;
  /** Entries lru-cache and the arrays hold: what ours ended up holding. */
  hold: number;
}

interface MemoryResult {
  rssBytes: number;
  heapBytes: number;
  entries: number;
  statsBytes: number;
  evictions: number;
}

async function settle(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 2; i++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage();
}

/** Child side: one contender, filled with the 100k messages, measured. */
async function measureMemory(_ctx: BenchContext, arg: unknown): Promise<MemoryResult> {
  const { contender, maxBytes, hold } = arg as MemoryArg;
  const messages = new KilobyteMessages(SEED);
  let ours: MemoryStore | undefined;
  let lru: LRUCache<string, object> | undefined;
  let ringKeys: string[] | undefined;
  let ringValues: object[] | undefined;
  if (contender === 'ours') {
    ours = new MemoryStore({ maxEntries: DEFAULT_MAX_ENTRIES, maxBytes, maxEntryBytes: DEFAULT_MAX_ENTRY_BYTES, sweepIntervalMs: 0 });
  } else if (contender === 'lru-cache') {
    lru = new LRUCache<string, object>({ max: hold });
  } else {
    // The floor: the same keys and values in two plain arrays, the last `hold` of them (a ring).
    ringKeys = new Array<string>(hold).fill('');
    ringValues = new Array<object>(hold).fill(ringKeys);
  }
  const before = await settle();
  for (let i = 0; i < MESSAGES; i++) {
    const { key, value } = messages.next();
    if (ours) ours.set(key, value);
    else if (lru) lru.set(key, value);
    else {
      ringKeys![i % hold] = key;
      ringValues![i % hold] = value;
    }
  }
  const after = await settle();
  const stats = ours?.stats();
  const result: MemoryResult = {
    rssBytes: after.rss - before.rss,
    heapBytes: after.heapUsed - before.heapUsed,
    entries: ours?.size ?? lru?.size ?? Math.min(hold, MESSAGES),
    statsBytes: stats?.bytes ?? NaN,
    evictions: stats?.evictions ?? NaN,
  };
  // Keep every store reachable until after the measurement (a suspended async frame keeps only what is used later).
  if ((ours?.size ?? 0) + (lru?.size ?? 0) + (ringKeys?.length ?? 0) + (ringValues?.length ?? 0) < 0) console.log('unreachable');
  return result;
}

export const isolatedCases: Record<string, IsolatedCase> = { memory: measureMemory };

function measureIn(ctx: BenchContext, arg: MemoryArg): Promise<MemoryResult> {
  return runIsolated<MemoryResult>(ctx, __filename, 'memory', { arg });
}

interface CaseFigures {
  name: string;
  maxBytes: number;
  ours: MemoryResult[];
  lru: MemoryResult[];
  arrays: MemoryResult[];
}

/**
 * Runs the measurements two processes at a time: memory figures do not depend on CPU time, and
 * the scenario would otherwise spend most of its time starting processes and collecting garbage.
 */
async function inPairs(jobs: (() => Promise<void>)[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) await jobs[next++]();
  };
  await Promise.all([worker(), worker()]);
}

async function measureCase(ctx: BenchContext, name: string, maxBytes: number): Promise<CaseFigures> {
  const figures: CaseFigures = { name, maxBytes, ours: [], lru: [], arrays: [] };
  // Ours first: it decides how many entries the others hold (the same ones: the latest).
  const first = await measureIn(ctx, { contender: 'ours', maxBytes, hold: 0 });
  figures.ours.push(first);
  ctx.tick();
  const hold = first.entries;
  const jobs: (() => Promise<void>)[] = [];
  for (let round = 0; round < MEMORY_ROUNDS; round++) {
    if (round > 0) jobs.push(async () => void figures.ours.push(await measureIn(ctx, { contender: 'ours', maxBytes, hold })));
    jobs.push(async () => void figures.lru.push(await measureIn(ctx, { contender: 'lru-cache', maxBytes, hold })));
    jobs.push(async () => void figures.arrays.push(await measureIn(ctx, { contender: 'arrays', maxBytes, hold })));
  }
  await inPairs(
    jobs.map((job) => async () => {
      await job();
      ctx.tick();
    }),
  );
  return figures;
}

const pick = (results: MemoryResult[], field: keyof MemoryResult): number => median(results.map((r) => r[field]));

export const scenario08: BenchScenario = {
  id: 8,
  title: 'Memory footprint of 100k 1 KB messages',
  steps: () => 2 * MEMORY_ROUNDS * 3,
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    ctx.status('8. default bounds');
    const bounded = await measureCase(ctx, `maxBytes ${DEFAULT_MAX_BYTES / MB} MiB (default bounds)`, DEFAULT_MAX_BYTES);
    ctx.status('8. all held');
    const roomy = await measureCase(ctx, `maxBytes ${ROOMY_MAX_BYTES / MB} MiB (all 100k held)`, ROOMY_MAX_BYTES);

    const rows: ResultRow[] = [];
    const notes: string[] = [];
    for (const c of [bounded, roomy]) {
      const entries = pick(c.ours, 'entries');
      for (const [metric, field] of [
        ['RSS growth', 'rssBytes'],
        ['heap growth', 'heapBytes'],
      ] as const) {
        const caseName = `${c.name}: ${metric}, ${entries.toLocaleString('en')} entries`;
        const ours = pick(c.ours, field) / MB;
        for (const [contender, results] of [
          ['MemoryStore (ours)', c.ours],
          ['lru-cache 11 (max = same entries)', c.lru],
          ['two arrays (payload floor)', c.arrays],
        ] as const) {
          const value = pick(results, field) / MB;
          rows.push({
            scenario: 8,
            case: caseName,
            contender,
            metric: 'MB',
            betterIs: 'lower',
            median: value,
            ratio: results === c.ours ? null : value / ours,
            samples: results.map((r) => r[field] / MB),
          });
        }
      }
      const oursHeap = pick(c.ours, 'heapBytes');
      const floorHeap = pick(c.arrays, 'heapBytes');
      const lruHeap = pick(c.lru, 'heapBytes');
      const perEntry = (bytes: number): string => `${Math.round(bytes / entries)} B`;
      notes.push(
        `${c.name}: ours holds ${entries.toLocaleString('en')} entries, \`stats().bytes\` ${(pick(c.ours, 'statsBytes') / MB).toFixed(1)} MiB ` +
          `(${((pick(c.ours, 'statsBytes') / c.maxBytes) * 100).toFixed(1)}% of maxBytes), ${pick(c.ours, 'evictions').toLocaleString('en')} evictions; ` +
          `our estimate is ${(pick(c.ours, 'statsBytes') / oursHeap).toFixed(2)}x the heap growth measured. ` +
          `Heap per entry over the payload floor: ours ${perEntry(oursHeap - floorHeap)}, lru-cache ${perEntry(lruHeap - floorHeap)}; ` +
          `RSS per entry over the floor: ours ${perEntry(pick(c.ours, 'rssBytes') - pick(c.arrays, 'rssBytes'))}, lru-cache ${perEntry(pick(c.lru, 'rssBytes') - pick(c.arrays, 'rssBytes'))}.`,
      );
    }
    const share = pick(bounded.ours, 'statsBytes') / bounded.maxBytes;
    const estimateRatio = pick(roomy.ours, 'statsBytes') / pick(roomy.ours, 'heapBytes');
    const goals: GoalResult[] = [
      {
        scenario: 8,
        goal: `stats().bytes within 10% of maxBytes (${DEFAULT_MAX_BYTES / MB} MiB) and never above it, after 100k 1 KB messages`,
        value: share * 100,
        unit: '% of maxBytes',
        met: share <= 1 && share >= 0.9,
      },
      {
        scenario: 8,
        goal: 'RSS overhead reported (ours / lru-cache RSS growth, all 100k held)',
        value: pick(roomy.ours, 'rssBytes') / pick(roomy.lru, 'rssBytes'),
        unit: 'x',
        met: true,
      },
    ];
    return {
      id: 8,
      title: 'Memory footprint of 100k 1 KB messages',
      rows,
      goals,
      notes: [
        `${MESSAGES.toLocaleString('en')} chat messages (\`{ id, sessionId, role, content, createdAt }\`, about 1 KB of JSON, ASCII content), keys \`chat:message:<uuid>\`, ` +
          'every string flat and owning its characters; generated while filling, so evicted ones become garbage.',
        `Ours: MemoryStore with the module defaults (maxEntries ${DEFAULT_MAX_ENTRIES.toLocaleString('en')}, maxEntryBytes 1 MiB), maxBytes as in the case, no sweeper. ` +
          'lru-cache: `{ max }` set to the entries ours ended up holding, so that it holds the same (latest) messages; the floor: the same keys and values in two plain arrays.',
        `Each figure: a fresh Node process per store (two at a time); \`process.memoryUsage()\` after two full GCs 20 ms apart, before and after filling; median of ${MEMORY_ROUNDS} processes. ` +
          'RSS growth includes heap pages V8 keeps after collecting what was evicted, so it is noisier than heap growth.',
        `Estimate vs measured: \`stats().bytes\` is ${estimateRatio.toFixed(2)}x the heap growth with all 100k held (scenario 9 measures it for every shape of value the app caches).`,
        ...notes,
      ],
    };
  },
};

/**
 * Scenario 9: how honest `stats().bytes` is. For each shape of value the chat backend caches
 * (support/value-shapes.ts), a fresh process holds some thousands of them and compares:
 * - the estimate of the values (`estimateBytes`) with the heap they take, held in a plain array;
 * - `stats().bytes` of a MemoryStore filled with them with the heap growth of the store (keys,
 *   values and the store's own bookkeeping): what `maxBytes` bounds.
 * Heap is `process.memoryUsage().heapUsed` after two full GCs, before and after; figures are ratios
 * estimate / measured (1 is exact, above 1 an overestimate).
 *
 *   npm run bench -- --only 9
 */
import { DEFAULT_MAX_ENTRY_BYTES } from '../../src/cache/chat-cache.defaults';
import { MemoryStore } from '../../src/cache/stores/memory.store';
import { estimateBytes } from '../../src/cache/util/estimate-bytes';
import { collectGarbage } from '../harness/gc';
import type { BenchContext, BenchScenario, GoalResult, ResultRow, ScenarioReport } from '../harness/types';
import { runIsolated, type IsolatedCase } from './support/isolated';
import { VALUE_SHAPES } from './support/value-shapes';

/** The factor the estimate promises (README, "Configuration"): within it either way. */
const HONEST_FACTOR = 1.5;
const MB = 1024 * 1024;

type Mode = 'values' | 'store';

interface ShapeResult {
  estimate: number;
  heap: number;
  count: number;
}

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage().heapUsed;
}

async function measureShape(_ctx: BenchContext, arg: unknown): Promise<ShapeResult> {
  const { shape: name, mode } = arg as { shape: string; mode: Mode };
  const shape = VALUE_SHAPES.find((s) => s.name === name)!;
  const store =
    mode === 'store'
      ? new MemoryStore({
          maxEntries: shape.count,
          maxBytes: Number.MAX_SAFE_INTEGER,
          maxEntryBytes: DEFAULT_MAX_ENTRY_BYTES * 1024,
          sweepIntervalMs: 0,
        })
      : undefined;
  const held: unknown[] = new Array(shape.count).fill(undefined);
  let estimate = 0;
  const before = await settledHeap();
  for (let i = 0; i < shape.count; i++) {
    const value = shape.make();
    // A fresh flat key per entry, as a real one is (built per request), counted in the heap growth.
    if (store) store.set(Buffer.from(`chat:value:${i.toString(36).padStart(8, '0')}`, 'latin1').toString('latin1'), value);
    else {
      held[i] = value;
      estimate += estimateBytes(value);
    }
  }
  const after = await settledHeap();
  const heap = after - before;
  if (store) estimate = store.stats().bytes;
  // Keep everything reachable until after the measurement.
  if (held.length + (store?.size ?? 0) < 0) console.log('unreachable');
  return { estimate, heap, count: shape.count };
}

export const isolatedCases: Record<string, IsolatedCase> = { shape: measureShape };

export const scenario09: BenchScenario = {
  id: 9,
  title: 'stats().bytes against the heap, by value shape',
  steps: () => VALUE_SHAPES.length * 2,
  async run(ctx: BenchContext): Promise<ScenarioReport> {
    const rows: ResultRow[] = [];
    const ratios: number[] = [];
    const lines: string[] = [];
    for (const shape of VALUE_SHAPES) {
      ctx.status(`9. ${shape.name}`);
      const byMode: Record<Mode, ShapeResult> = {} as Record<Mode, ShapeResult>;
      for (const mode of ['values', 'store'] as const) {
        byMode[mode] = await runIsolated<ShapeResult>(ctx, __filename, 'shape', { arg: { shape: shape.name, mode } });
        ctx.tick();
        const { estimate, heap } = byMode[mode];
        const ratio = estimate / heap;
        ratios.push(ratio);
        rows.push({
          scenario: 9,
          case: `${shape.name}: ${mode === 'values' ? 'estimateBytes / heap of the values' : 'stats().bytes / heap growth of the store'}`,
          contender: 'estimate (ours)',
          metric: 'estimate / heap',
          betterIs: 'higher',
          median: ratio,
          ratio: null,
        });
      }
      const v = byMode.values;
      const s = byMode.store;
      lines.push(
        `${shape.name} (${v.count.toLocaleString('en')} values): values ${(v.estimate / MB).toFixed(1)} MiB estimated / ${(v.heap / MB).toFixed(1)} MiB heap = ${(v.estimate / v.heap).toFixed(2)}x; ` +
          `store ${(s.estimate / MB).toFixed(1)} MiB stats().bytes / ${(s.heap / MB).toFixed(1)} MiB heap growth = ${(s.estimate / s.heap).toFixed(2)}x ` +
          `(${Math.round(v.heap / v.count)} B heap a value, ${Math.round((s.heap - v.heap) / s.count)} B a store entry besides)`,
      );
    }
    const worst = Math.max(...ratios.map((r) => (r >= 1 ? r : 1 / r)));
    const goals: GoalResult[] = [
      {
        scenario: 9,
        goal: `stats().bytes and estimateBytes within ${HONEST_FACTOR}x of the heap, either way, for every shape`,
        value: worst,
        unit: 'x (worst)',
        met: worst <= HONEST_FACTOR,
      },
    ];
    return {
      id: 9,
      title: 'stats().bytes against the heap, by value shape',
      rows,
      goals,
      notes: [
        'Each shape in a fresh process; heapUsed after two full GCs 20 ms apart, before and after holding the values (in a plain array, allocated before the baseline) or filling a MemoryStore with them.',
        `Node ${process.version}, V8 ${process.versions.v8}, pointer compression ${(process.config.variables as Record<string, unknown>).v8_enable_pointer_compression ? 'on' : 'off'}.`,
        ...lines,
      ],
    };
  },
};

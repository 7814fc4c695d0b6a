import type { BenchContext, ResultRow } from './types';
import { median, ratioOf } from './stats';

/**
 * One contender of a throughput case: `batch` does a fixed amount of work (the same for every
 * contender) and answers how many operations it did. Anything precomputable (keys, access
 * sequences, values) is built before, outside the timed batch.
 */
export interface Contender {
  name: string;
  ours?: boolean;
  batch(): number | Promise<number>;
}

/**
 * Runs warm-up then measured rounds; in each round every contender runs one batch, in an order
 * that rotates from round to round so that none always runs first (after GC or on a cold cache).
 * Answers operations per second of every round, by contender.
 */
export async function measureThroughput(
  ctx: BenchContext,
  contenders: readonly Contender[],
  tickEveryRound = true,
): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const total = ctx.warmupRounds + ctx.rounds;
  for (let round = 0; round < total; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(i + round) % contenders.length];
      const started = process.hrtime.bigint();
      let ops = contender.batch();
      if (typeof ops !== 'number') ops = await ops;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (round >= ctx.warmupRounds) samples.get(contender.name)!.push(ops / seconds);
    }
    if (tickEveryRound) ctx.tick();
  }
  return samples;
}

/** Rows of one case, from samples by contender; the first contender marked `ours` is the reference. */
export function rowsOf(
  scenario: number,
  caseName: string,
  metric: string,
  betterIs: 'higher' | 'lower',
  samples: Map<string, number[]>,
  oursName: string,
): ResultRow[] {
  const ours = median(samples.get(oursName)!);
  return [...samples].map(([contender, values]) => {
    const m = median(values);
    return {
      scenario,
      case: caseName,
      contender,
      metric,
      betterIs,
      median: m,
      ratio: contender === oursName ? null : ratioOf(ours, m, betterIs),
      samples: values,
    };
  });
}

/** The ratio of ours to `contender` in `rows` of `caseName`. */
export function ratioIn(rows: readonly ResultRow[], caseName: string, contender: string): number {
  const row = rows.find((r) => r.case === caseName && r.contender === contender);
  if (!row || row.ratio === null) throw new Error(`no ratio for ${contender} in "${caseName}"`);
  return row.ratio;
}

/** A deterministic PRNG (mulberry32), so that traces and access sequences are the same every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
